import { createElement } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { page } from "vitest/browser";
import type { PulseSubmitDetail, PulseTokenExpiredDetail } from "../internal/events";
import type { PulseNpsSurvey as PulseNpsSurveyElement } from "../pulse-nps-survey/pulse-nps-survey";
import { expectNoAxeViolations } from "../test-support/axe";
import { FakePulseGraphQL, fakeEndpoint, fakePublishableKey } from "../test-support/fake-pulse-graphql";
import { PulseHealthBadge, PulseNpsSurvey } from "./index";

let server: FakePulseGraphQL;
const container = document.createElement("div");

beforeEach(() => {
  server = new FakePulseGraphQL().install();
  server.addSurvey({ key: "nps-main", kind: "NPS" });
  server.badges.set("tok_acme_fresh", {
    accountName: "Acme",
    score: 64,
    band: "YELLOW",
    trend: null,
    components: [],
    history: [],
  });
  server.badges.set("tok_acme", {
    accountName: "Acme",
    score: 77,
    band: "GREEN",
    trend: null,
    components: [],
    history: [],
  });
  document.body.append(container);
});

afterEach(() => {
  server.uninstall();
  container.remove();
  localStorage.clear();
});

describe("React wrappers (@lit/react)", () => {
  test("props become element properties, text-* attributes pass through, events become callbacks", async () => {
    const answers: PulseSubmitDetail[] = [];
    const root = createRoot(container);
    flushSync(() =>
      root.render(
        createElement(
          "div",
          null,
          createElement(PulseHealthBadge, {
            endpoint: fakeEndpoint,
            publishableKey: fakePublishableKey,
            token: "tok_acme",
          }),
          createElement(PulseNpsSurvey, {
            endpoint: fakeEndpoint,
            publishableKey: fakePublishableKey,
            token: "tok_alice",
            survey: "nps-main",
            // JSX takes `text-submit="…"` directly; a createElement call spreads it in.
            ...{ "text-submit": "Send my score" },
            onPulseSubmit: (event: CustomEvent<PulseSubmitDetail>) => answers.push(event.detail),
          }),
        ),
      ),
    );
    try {
      const survey = container.querySelector("pulse-nps-survey") as PulseNpsSurveyElement;
      expect(survey.publishableKey).toBe(fakePublishableKey);
      await expect.element(page.getByRole("img", { name: "Health 77, green" })).toBeVisible();
      await expect.poll(() => survey.status).toBe("rating");
      await expectNoAxeViolations(container);
      await page.getByRole("radio", { name: /^8\b/ }).click();
      await page.getByRole("button", { name: "Send my score" }).click();
      await expect.poll(() => answers.length).toBe(1);
      expect(answers[0]).toMatchObject({ score: 8, survey: "nps-main", delivery: "stored" });
    } finally {
      root.unmount();
    }
  });

  test("a badge's refused token: onPulseTokenExpired is called and the tokenProvider prop renews it", async () => {
    const expired: PulseTokenExpiredDetail[] = [];
    server.failNext({ code: "INVALID_TOKEN", message: "The token has expired." });
    const root = createRoot(container);
    flushSync(() =>
      root.render(
        createElement(PulseHealthBadge, {
          endpoint: fakeEndpoint,
          publishableKey: fakePublishableKey,
          token: "tok_acme",
          tokenProvider: async () => "tok_acme_fresh",
          onPulseTokenExpired: (event: CustomEvent<PulseTokenExpiredDetail>) => expired.push(event.detail),
        }),
      ),
    );
    try {
      await expect.element(page.getByRole("img", { name: "Health 64, yellow" })).toBeVisible();
      expect(expired).toEqual([{ operation: "widgetBadge" }]);
    } finally {
      root.unmount();
    }
  });
});
