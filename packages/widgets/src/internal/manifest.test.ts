import { describe, expect, test } from "vitest";
import manifest from "../../custom-elements.json";
import { PulseCesSurvey } from "../pulse-ces-survey/pulse-ces-survey";
import { PulseCsatSurvey } from "../pulse-csat-survey/pulse-csat-survey";
import { PulseHealthBadge } from "../pulse-health-badge/pulse-health-badge";
import { PulseNpsSurvey } from "../pulse-nps-survey/pulse-nps-survey";

interface Declaration {
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string }[];
}

const declarations = manifest.modules.flatMap((module) => (module.declarations ?? []) as Declaration[]);

describe("custom-elements.json", () => {
  test.each([
    ["pulse-health-badge", PulseHealthBadge, ["pulse-error", "pulse-token-expired"]],
    [
      "pulse-nps-survey",
      PulseNpsSurvey,
      ["pulse-submit", "pulse-dismiss", "pulse-error", "pulse-token-expired"],
    ],
    [
      "pulse-ces-survey",
      PulseCesSurvey,
      ["pulse-submit", "pulse-dismiss", "pulse-error", "pulse-token-expired"],
    ],
    [
      "pulse-csat-survey",
      PulseCsatSurvey,
      ["pulse-submit", "pulse-dismiss", "pulse-error", "pulse-token-expired"],
    ],
  ] as const)(
    "documents every attribute <%s> observes, and its events (regenerate with `pnpm run manifest`)",
    (tag, element, events) => {
      const declaration = declarations.find((candidate) => candidate.tagName === tag);
      const documented = (declaration?.attributes ?? []).map((attribute) => attribute.name).sort();
      expect(documented).toEqual([...element.observedAttributes].sort());
      expect((declaration?.events ?? []).map((event) => event.name)).toEqual(events);
    },
  );
});
