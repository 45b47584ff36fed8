import { describe, expect, it } from "vitest";
import { evaluateTarget, expectedTargetProgress, targetLineValue, targetProgress } from "./targets.ts";
import { expectMetricError, utc } from "./testing.ts";

// NRR from 100 to 110 over 2026 (created Jan 1, due Jan 1 2027).
const NRR = { baseline: 100, target: 110, createdAt: utc("2026-01-01"), dueAt: utc("2027-01-01") };
// Logo churn down from 12 to 8 over 100 days.
const CHURN = { baseline: 12, target: 8, createdAt: utc("2026-01-01"), dueAt: utc("2026-04-11") };

describe("targets", () => {
  it("worked example: NRR 104 on 2026-07-02 (half the year) is 40 % of the way: BEHIND", () => {
    const now = utc("2026-07-02T12:00:00Z");
    expect(targetProgress(NRR, 104)).toBeCloseTo(0.4, 12);
    expect(expectedTargetProgress(NRR, now)).toBe(0.5);
    expect(evaluateTarget(NRR, 104, now)).toEqual({ progress: 0.4, expectedProgress: 0.5, status: "BEHIND" });
    expect(evaluateTarget(NRR, 106, now).status).toBe("ON_TRACK");
  });

  it("works downwards: churn 10 after 25 of 100 days is half way, ahead of the 25 % pace", () => {
    const now = utc("2026-01-26");
    expect(targetProgress(CHURN, 10)).toBe(0.5);
    expect(evaluateTarget(CHURN, 10, now)).toEqual({
      progress: 0.5,
      expectedProgress: 0.25,
      status: "ON_TRACK",
    });
    expect(evaluateTarget(CHURN, 13, now).progress).toBe(-0.25);
  });

  it("is ACHIEVED or MISSED from the due date on, BEHIND without a value", () => {
    expect(evaluateTarget(CHURN, 8, utc("2026-04-11")).status).toBe("ACHIEVED");
    expect(evaluateTarget(CHURN, 7.5, utc("2026-05-01")).status).toBe("ACHIEVED");
    expect(evaluateTarget(CHURN, 9, utc("2026-05-01")).status).toBe("MISSED");
    expect(evaluateTarget(CHURN, null, utc("2026-02-01"))).toMatchObject({
      progress: null,
      status: "BEHIND",
    });
    expect(evaluateTarget(CHURN, null, utc("2026-05-01")).status).toBe("MISSED");
  });

  it("draws the line from baseline to target (null before creation, the target after due)", () => {
    expect(targetLineValue(CHURN, utc("2025-12-31"))).toBeNull();
    expect(targetLineValue(CHURN, utc("2026-01-01"))).toBe(12);
    expect(targetLineValue(CHURN, utc("2026-02-20"))).toBe(10);
    expect(targetLineValue(CHURN, utc("2026-09-01"))).toBe(8);
  });

  it("refuses a target equal to its baseline, a due date before creation, or non-finite values", () => {
    expectMetricError(() => targetProgress({ ...NRR, target: 100 }, 1), "INVALID_TARGET");
    expectMetricError(() => targetProgress({ ...NRR, dueAt: utc("2025-01-01") }, 1), "INVALID_TARGET");
    expectMetricError(() => targetProgress({ ...NRR, baseline: Number.NaN }, 1), "INVALID_TARGET");
  });
});
