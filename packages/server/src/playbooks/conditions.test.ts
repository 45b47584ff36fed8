import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import {
  type AccountState,
  conditionsHold,
  renderTemplate,
  type TriggerEvent,
  taskOfAction,
  unknownPlaceholders,
} from "./conditions.ts";

const account: AccountState = {
  id: "a",
  name: "Acme",
  externalId: "acme",
  segment: "Enterprise",
  plan: "Enterprise",
  csmOwner: "dana",
  band: "YELLOW",
  score: 55.4,
  mrr: new Decimal("5000"),
};
const detractor: TriggerEvent = {
  id: "7-1",
  type: "SURVEY_RESPONSE_RECEIVED",
  payload: { kind: "NPS", score: 3, detractor: true },
};
const band: TriggerEvent = {
  id: "7-2",
  type: "HEALTH_BAND_CHANGED",
  payload: { from: "GREEN", to: "YELLOW" },
};

describe("conditionsHold", () => {
  it("holds with no conditions", () => {
    expect(conditionsHold({}, account, band)).toBe(true);
  });
  it("needs every condition that is set", () => {
    expect(
      conditionsHold({ segments: ["Enterprise", "Mid-Market"], csmOwners: ["dana"] }, account, band),
    ).toBe(true);
    expect(conditionsHold({ segments: ["Enterprise"], csmOwners: ["lee"] }, account, band)).toBe(false);
    expect(conditionsHold({ plans: ["Starter"] }, account, band)).toBe(false);
    expect(conditionsHold({ bands: ["RED"] }, account, band)).toBe(false);
    expect(conditionsHold({ bands: ["YELLOW", "RED"] }, account, band)).toBe(true);
  });
  it("bounds MRR and score inclusively", () => {
    expect(conditionsHold({ mrrMin: "5000", mrrMax: "5000" }, account, band)).toBe(true);
    expect(conditionsHold({ mrrMin: "5000.01" }, account, band)).toBe(false);
    expect(conditionsHold({ mrrMax: "4999.99" }, account, band)).toBe(false);
    expect(conditionsHold({ scoreMin: 55.4, scoreMax: 60 }, account, band)).toBe(true);
    expect(conditionsHold({ scoreMax: 50 }, account, band)).toBe(false);
  });
  it("does not hold on a value the account lacks", () => {
    const fresh = { ...account, segment: null, band: null, score: null };
    expect(conditionsHold({ segments: ["Enterprise"] }, fresh, band)).toBe(false);
    expect(conditionsHold({ bands: ["YELLOW"] }, fresh, band)).toBe(false);
    expect(conditionsHold({ scoreMin: 0 }, fresh, band)).toBe(false);
  });
  it("reads the survey response's kind, detractor flag and score", () => {
    expect(conditionsHold({ detractor: true }, account, detractor)).toBe(true);
    expect(conditionsHold({ detractor: false }, account, detractor)).toBe(false);
    expect(conditionsHold({ surveyKinds: ["CSAT"] }, account, detractor)).toBe(false);
    expect(
      conditionsHold({ surveyKinds: ["NPS"], surveyScoreMin: 0, surveyScoreMax: 3 }, account, detractor),
    ).toBe(true);
    expect(conditionsHold({ surveyScoreMin: 4 }, account, detractor)).toBe(false);
    // Survey conditions never hold on another event type.
    expect(conditionsHold({ detractor: true }, account, band)).toBe(false);
  });
});

describe("templates", () => {
  it("fills known placeholders and leaves missing values empty", () => {
    expect(
      renderTemplate("Call {{account.name}} ({{ account.csm }}): NPS {{survey.score}}", account, detractor),
    ).toBe("Call Acme (dana): NPS 3");
    expect(renderTemplate("Band {{account.band}}, score {{account.score}}", account, band)).toBe(
      "Band YELLOW, score 55",
    );
    expect(renderTemplate("NPS {{survey.score}}", account, band)).toBe("NPS ");
  });
  it("names unknown placeholders", () => {
    expect(unknownPlaceholders("{{account.name}} {{account.nam}} {{event.foo}}")).toEqual([
      "account.nam",
      "event.foo",
    ]);
    expect(unknownPlaceholders("no placeholders")).toEqual([]);
  });
  it("makes the task: the account's CSM unless fixed, due N days after the firing", () => {
    const now = new Date("2026-06-01T10:00:00Z");
    const action = {
      kind: "CREATE_TASK" as const,
      title: "Call {{account.name}}",
      description: null,
      owner: null,
      dueInDays: 2,
      priority: "HIGH" as const,
    };
    expect(taskOfAction(action, account, detractor, now)).toEqual({
      title: "Call Acme",
      description: null,
      owner: "dana",
      dueAt: new Date("2026-06-03T10:00:00Z"),
      priority: "HIGH",
    });
    expect(taskOfAction({ ...action, owner: "sam" }, account, detractor, now).owner).toBe("sam");
  });
});
