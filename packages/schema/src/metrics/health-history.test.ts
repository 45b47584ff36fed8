import { describe, expect, it } from "vitest";
import { healthTrend } from "./health-history.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01T09:30:00Z");

describe("healthTrend", () => {
  it("score now − the latest snapshot at or before 30 days ago", () => {
    const snapshots = [
      { takenAt: addDays(now, -45), score: 90 },
      { takenAt: addDays(now, -31), score: 72 },
      { takenAt: addDays(now, -29), score: 10 },
      { takenAt: addDays(now, -1), score: 20 },
    ];
    expect(healthTrend({ score: 60, snapshots, now })).toBe(-12);
  });

  it("a snapshot taken exactly 30 days ago is the reference", () => {
    const snapshots = [
      { takenAt: addDays(now, -30), score: 50 },
      { takenAt: addDays(now, -40), score: 99 },
    ];
    expect(healthTrend({ score: 65.5, snapshots, now })).toBe(15.5);
  });

  it("no snapshot old enough, or no current score → null", () => {
    expect(
      healthTrend({ score: 60, snapshots: [{ takenAt: addDays(now, -29), score: 40 }], now }),
    ).toBeNull();
    expect(healthTrend({ score: 60, snapshots: [], now })).toBeNull();
    expect(
      healthTrend({ score: null, snapshots: [{ takenAt: addDays(now, -60), score: 40 }], now }),
    ).toBeNull();
  });

  it("the reference snapshot had too little data (null score) → null", () => {
    const snapshots = [
      { takenAt: addDays(now, -45), score: 90 },
      { takenAt: addDays(now, -31), score: null },
    ];
    expect(healthTrend({ score: 60, snapshots, now })).toBeNull();
  });

  it("rejects scores outside 0–100", () => {
    expectMetricError(() => healthTrend({ score: 120, snapshots: [], now }), "SCORE_OUT_OF_RANGE");
    expectMetricError(
      () => healthTrend({ score: 50, snapshots: [{ takenAt: addDays(now, -40), score: -1 }], now }),
      "SCORE_OUT_OF_RANGE",
    );
  });
});
