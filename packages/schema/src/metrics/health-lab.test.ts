import { describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_CONFIG, parseHealthConfig } from "./health-config.ts";
import {
  assertBacktestHorizon,
  churnRateByBand,
  churnRocAuc,
  flagPrecisionRecall,
  healthConfigPreviewSummary,
  pathToGreen,
} from "./health-lab.ts";
import { healthScore } from "./health-score.ts";
import { expectMetricError } from "./testing.ts";

describe("pathToGreen", () => {
  it("worked example: usage 50, feedback 60, support 80, payment 100 (score 64) → usage 65, feedback 80, support 110 and payment 160 unreachable", () => {
    // Weights 40/30/20/10, W = 100, S = 2000 + 1800 + 1600 + 1000 = 6400: score 64 → YELLOW.
    // Green at 70 needs S = 7000: usage (7000 − 4400) / 40 = 65 (change 15); feedback (7000 − 4600) / 30 = 80
    // (change 20); support (7000 − 4800) / 20 = 110 > 100; payment (7000 − 5400) / 10 = 160 > 100.
    const values = { usage: 50, feedback: 60, support: 80, payment: 100 };
    expect(healthScore(values).score).toBe(64);
    const steps = pathToGreen(values, DEFAULT_HEALTH_CONFIG);
    expect(steps).toEqual([
      { key: "usage", value: 50, target: 65, change: 15, reachable: true },
      { key: "feedback", value: 60, target: 80, change: 20, reachable: true },
      { key: "support", value: 80, target: null, change: null, reachable: false },
      { key: "payment", value: 100, target: null, change: null, reachable: false },
    ]);
    expect(healthScore({ ...values, usage: 65 }).band).toBe("GREEN");
  });

  it("only used components count, over their renormalized weights: usage 40 and support 70 (payment and feedback missing)", () => {
    // W = 60, S = 1600 + 1400 = 3000 (score 50). Green needs 4200: usage (4200 − 1400) / 40 = 70 (change 30);
    // support (4200 − 1600) / 20 = 130 → unreachable.
    const steps = pathToGreen({ usage: 40, support: 70 }, DEFAULT_HEALTH_CONFIG);
    expect(steps).toEqual([
      { key: "usage", value: 40, target: 70, change: 30, reachable: true },
      { key: "support", value: 70, target: null, change: null, reachable: false },
    ]);
  });

  it("the target always reaches the threshold exactly by the score formula, despite float rounding", () => {
    const config = parseHealthConfig({ bands: { green: 70.3, yellow: 40 } });
    const values = { usage: 33.3, feedback: 61.7, support: 90.1, payment: 12.9 };
    for (const step of pathToGreen(values, config).filter((s) => s.reachable)) {
      const score = healthScore({ ...values, [step.key]: step.target }, config).score ?? 0;
      expect(score).toBeGreaterThanOrEqual(70.3);
    }
  });

  it("already GREEN, or too little data: nothing to change", () => {
    expect(pathToGreen({ usage: 90, feedback: 90 }, DEFAULT_HEALTH_CONFIG)).toEqual([]);
    expect(pathToGreen({ support: 10 }, DEFAULT_HEALTH_CONFIG)).toEqual([]);
  });
});

describe("healthConfigPreviewSummary", () => {
  it("worked example: three accounts, one moves YELLOW → GREEN, one loses its score", () => {
    const summary = healthConfigPreviewSummary([
      { before: { score: 65, band: "YELLOW" }, after: { score: 72, band: "GREEN" } },
      { before: { score: 30, band: "RED" }, after: { score: 35, band: "RED" } },
      { before: { score: 50, band: "YELLOW" }, after: { score: null, band: null } },
    ]);
    // Mean change over the two scored by both: ((72 − 65) + (35 − 30)) / 2 = 6.
    expect(summary).toEqual({
      accounts: 3,
      before: { green: 0, yellow: 2, red: 1, insufficientData: 0 },
      after: { green: 1, yellow: 0, red: 1, insufficientData: 1 },
      meanScoreChange: 6,
      scoredByBoth: 2,
      changed: [0, 2],
    });
  });

  it("no account scored by both: the mean change is null", () => {
    expect(healthConfigPreviewSummary([]).meanScoreChange).toBeNull();
  });
});

describe("churnRocAuc", () => {
  it("worked example with a tie: churned 20, 50; retained 50, 80, 90 → (1 + 1 + 1 + 0.5 + 1 + 1) / 6 = 0.9167", () => {
    // Pairs (churned, retained): 20<50 1, 20<80 1, 20<90 1, 50=50 ½, 50<80 1, 50<90 1 → 5.5 / 6.
    const auc = churnRocAuc([
      { score: 20, churned: true },
      { score: 50, churned: true },
      { score: 50, churned: false },
      { score: 80, churned: false },
      { score: 90, churned: false },
    ]);
    expect(auc).toBe(5.5 / 6);
  });

  it("a perfectly wrong score is 0, all tied is 0.5, one class only is null", () => {
    expect(
      churnRocAuc([
        { score: 90, churned: true },
        { score: 10, churned: false },
      ]),
    ).toBe(0);
    expect(
      churnRocAuc([
        { score: 40, churned: true },
        { score: 40, churned: false },
        { score: 40, churned: false },
      ]),
    ).toBe(0.5);
    expect(churnRocAuc([{ score: 40, churned: true }])).toBeNull();
  });

  it("refuses a score outside 0–100", () => {
    expectMetricError(() => churnRocAuc([{ score: 101, churned: true }]), "SCORE_OUT_OF_RANGE");
  });
});

describe("flagPrecisionRecall", () => {
  it("worked example: 3 flagged (2 churned), 4 not flagged (1 churned) → precision 66.67, recall 66.67", () => {
    const quality = flagPrecisionRecall([
      { flagged: true, churned: true },
      { flagged: true, churned: true },
      { flagged: true, churned: false },
      { flagged: false, churned: true },
      { flagged: false, churned: false },
      { flagged: false, churned: false },
      { flagged: false, churned: false },
    ]);
    expect(quality).toEqual({
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 3,
      precision: 200 / 3,
      recall: 200 / 3,
    });
  });

  it("nothing flagged: precision null; nobody churned: recall null", () => {
    expect(flagPrecisionRecall([{ flagged: false, churned: false }])).toMatchObject({
      precision: null,
      recall: null,
    });
  });
});

describe("churnRateByBand", () => {
  it("worked example: GREEN 4 (0 churned), YELLOW 2 (1), RED 1 (1)", () => {
    const samples = [
      ...Array.from({ length: 4 }, () => ({ band: "GREEN" as const, churned: false })),
      { band: "YELLOW" as const, churned: true },
      { band: "YELLOW" as const, churned: false },
      { band: "RED" as const, churned: true },
    ];
    expect(churnRateByBand(samples)).toEqual([
      { band: "GREEN", accounts: 4, churned: 0, churnRate: 0 },
      { band: "YELLOW", accounts: 2, churned: 1, churnRate: 50 },
      { band: "RED", accounts: 1, churned: 1, churnRate: 100 },
    ]);
    expect(churnRateByBand([])[0]).toEqual({ band: "GREEN", accounts: 0, churned: 0, churnRate: null });
  });
});

describe("assertBacktestHorizon", () => {
  it("whole days from 1 to 365", () => {
    assertBacktestHorizon(1);
    assertBacktestHorizon(365);
    for (const bad of [0, -3, 1.5, 366, Number.NaN])
      expectMetricError(() => assertBacktestHorizon(bad), "INVALID_PERIOD");
  });
});
