import { describe, expect, it } from "vitest";
import {
  conversionRate,
  lifecycleJourney,
  meanOfKnown,
  median,
  medianDays,
  stageAt,
  stageStays,
} from "./lifecycle.ts";
import { expectMetricError, utc } from "./testing.ts";

describe("median, medianDays and conversionRate", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 20, 40, 30])).toBe(25);
    expect(median([])).toBeNull();
  });

  it("measures stays in days (10 and 20 days give 15)", () => {
    expect(
      medianDays([
        { enteredAt: utc("2026-01-01"), leftAt: utc("2026-01-11") },
        { enteredAt: utc("2026-01-05"), leftAt: utc("2026-01-25") },
      ]),
    ).toBe(15);
    expectMetricError(
      () => medianDays([{ enteredAt: utc("2026-01-02"), leftAt: utc("2026-01-01") }]),
      "INVALID_DURATION",
    );
  });

  it("gives 100 × converted / entered (1 of 3 = 33.33), null without entries", () => {
    expect(conversionRate(3, 1)).toBeCloseTo(33.333333333, 9);
    expect(conversionRate(0, 0)).toBeNull();
    expectMetricError(() => conversionRate(1, 2), "INVALID_COUNT");
  });

  it("averages the known values only", () => {
    expect(meanOfKnown([60, null, 40])).toBe(50);
    expect(meanOfKnown([null])).toBeNull();
  });
});

describe("lifecycleJourney", () => {
  // A: onboarding Jan 1, adoption Jan 11, active Feb 10. B: onboarding Jan 5, churned Jan 25.
  // C: onboarding Jan 20. D: active since 2025 (a backfilled row), renewal Jan 15.
  const accounts = [
    [
      { toStage: "ONBOARDING", changedAt: utc("2026-01-01") },
      { toStage: "ADOPTION", changedAt: utc("2026-01-11") },
      { toStage: "ACTIVE", changedAt: utc("2026-02-10") },
    ],
    [
      { toStage: "ONBOARDING", changedAt: utc("2026-01-05") },
      { toStage: "CHURNED", changedAt: utc("2026-01-25") },
    ],
    [{ toStage: "ONBOARDING", changedAt: utc("2026-01-20") }],
    [
      { toStage: "ACTIVE", changedAt: utc("2025-03-01") },
      { toStage: "ACTIVE", changedAt: utc("2025-06-01") },
      { toStage: "RENEWAL", changedAt: utc("2026-01-15") },
    ],
  ] as const;

  it("worked example over January 2026", () => {
    const journey = lifecycleJourney(accounts, { from: utc("2026-01-01"), to: utc("2026-02-01") });
    const byStage = Object.fromEntries(journey.map((stage) => [stage.stage, stage]));
    expect(byStage.ONBOARDING).toEqual({
      stage: "ONBOARDING",
      accountsAtEnd: 1,
      entered: 3,
      converted: 1,
      conversionRate: 100 / 3,
      completedStays: 2,
      medianDaysInStage: 15,
    });
    // A entered adoption in January and moved on after the period's end: not converted yet.
    expect(byStage.ADOPTION).toMatchObject({ accountsAtEnd: 1, entered: 1, converted: 0, conversionRate: 0 });
    expect(byStage.ADOPTION?.medianDaysInStage).toBeNull();
    // D's active stay (the repeated ACTIVE is no new stay) lasted 2025-03-01 → 2026-01-15: 320 days.
    expect(byStage.ACTIVE).toMatchObject({
      accountsAtEnd: 0,
      entered: 0,
      completedStays: 1,
      medianDaysInStage: 320,
    });
    expect(byStage.RENEWAL).toMatchObject({ accountsAtEnd: 1, entered: 1, converted: 0 });
    expect(byStage.CHURNED).toMatchObject({ accountsAtEnd: 1, entered: 1, conversionRate: null });
  });

  it("counts the conversion once the next stage is reached before the period's end", () => {
    const journey = lifecycleJourney(accounts, { from: utc("2026-01-01"), to: utc("2026-03-01") });
    const adoption = journey.find((stage) => stage.stage === "ADOPTION");
    expect(adoption).toMatchObject({ entered: 1, converted: 1, conversionRate: 100, medianDaysInStage: 30 });
  });

  it("orders changes by time and refuses unknown stages and bad periods", () => {
    const stays = stageStays([
      { toStage: "ADOPTION", changedAt: utc("2026-01-10") },
      { toStage: "ONBOARDING", changedAt: utc("2026-01-01") },
    ]);
    expect(stays.map((stay) => [stay.stage, stay.nextStage])).toEqual([
      ["ONBOARDING", "ADOPTION"],
      ["ADOPTION", null],
    ]);
    expectMetricError(
      () => stageStays([{ toStage: "LOST" as never, changedAt: utc("2026-01-01") }]),
      "UNKNOWN_KIND",
    );
    expectMetricError(
      () => lifecycleJourney([], { from: utc("2026-01-02"), to: utc("2026-01-01") }),
      "INVALID_PERIOD",
    );
  });
});

describe("stageAt", () => {
  it("is the stage of the latest change strictly before the instant", () => {
    const changes = [
      { toStage: "ONBOARDING", changedAt: utc("2026-01-01") },
      { toStage: "ADOPTION", changedAt: utc("2026-01-11") },
    ] as const;
    expect(stageAt(changes, utc("2026-01-01"))).toBeNull();
    expect(stageAt(changes, utc("2026-01-11"))).toBe("ONBOARDING");
    expect(stageAt(changes, utc("2026-01-12"))).toBe("ADOPTION");
  });
});
