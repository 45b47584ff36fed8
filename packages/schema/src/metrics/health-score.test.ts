import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEALTH_COMPONENT_KEYS, type HealthConfig, parseHealthConfig } from "./health-config.ts";
import { type HealthComponentValues, healthBand, healthScore } from "./health-score.ts";
import { expectMetricError } from "./testing.ts";

describe("healthScore", () => {
  it("PRODUCT.md example: usage 80, feedback 60, support 90, no invoices → payment missing, (80×40 + 60×30 + 90×20) / 90 = 75.56, GREEN", () => {
    const result = healthScore({ usage: 80, feedback: 60, support: 90, payment: null });
    expect(result.score).toBe(6800 / 90);
    expect(result.score?.toFixed(2)).toBe("75.56");
    expect(result.band).toBe("GREEN");
    expect(result.used).toEqual(["usage", "feedback", "support"]);
    expect(result.missing).toEqual(["payment"]);
    expect(result.components).toEqual([
      { key: "usage", weight: 40 / 90, rawWeight: 40, value: 80, used: true },
      { key: "feedback", weight: 30 / 90, rawWeight: 30, value: 60, used: true },
      { key: "support", weight: 20 / 90, rawWeight: 20, value: 90, used: true },
      { key: "payment", weight: 0, rawWeight: 10, value: null, used: false },
    ]);
  });

  it("all default components present: plain weighted mean", () => {
    // (50×40 + 50×30 + 100×20 + 0×10) / 100 = 55
    const result = healthScore({ usage: 50, feedback: 50, support: 100, payment: 0 });
    expect(result).toMatchObject({ score: 55, band: "YELLOW", missing: [] });
  });

  it("an absent key is missing like an explicit null", () => {
    expect(healthScore({ usage: 30, support: 30 })).toMatchObject({
      score: 30,
      band: "RED",
      used: ["usage", "support"],
      missing: ["feedback", "payment"],
    });
  });

  it("coverage: an account with no data (support without tickets only) is not GREEN 100 but has too little data", () => {
    // Support always has a value (no tickets = 100) but carries 20 of the 100 enabled weight.
    const result = healthScore({ support: 100 });
    expect(result).toMatchObject({ score: null, band: null, coverage: 20, insufficientData: true });
    expect(result.used).toEqual(["support"]);
    expect(result.components.find((c) => c.key === "support")?.value).toBe(100);
  });

  it("coverage: exactly the minimum scores (usage 40 + support 20 of 100 = 60 ≥ 50; feedback 30 + support 20 = 50)", () => {
    expect(healthScore({ usage: 70, support: 40 })).toMatchObject({
      score: 60,
      coverage: 60,
      insufficientData: false,
    });
    expect(healthScore({ feedback: 80, support: 30 })).toMatchObject({
      score: 60,
      coverage: 50,
      band: "YELLOW",
    });
    // payment 10 + support 20 = 30 < 50
    expect(healthScore({ payment: 100, support: 100 })).toMatchObject({
      score: null,
      band: null,
      insufficientData: true,
    });
  });

  it("coverage: the workspace's minimum decides (0 scores any data, 100 needs every enabled component)", () => {
    const lenient = parseHealthConfig({ minimumCoverage: 0 });
    expect(healthScore({ support: 100 }, lenient)).toMatchObject({
      score: 100,
      band: "GREEN",
      insufficientData: false,
    });
    const strict = parseHealthConfig({ minimumCoverage: 100 });
    expect(healthScore({ usage: 80, feedback: 60, support: 90 }, strict)).toMatchObject({
      score: null,
      coverage: 90,
      insufficientData: true,
    });
    expect(healthScore({ usage: 50, feedback: 50, support: 100, payment: 0 }, strict)).toMatchObject({
      score: 55,
      coverage: 100,
    });
  });

  it("the PRODUCT.md example has 90 % coverage", () => {
    expect(healthScore({ usage: 80, feedback: 60, support: 90, payment: null })).toMatchObject({
      coverage: 90,
      insufficientData: false,
    });
  });

  it("the largest weights allowed still give a finite score", () => {
    const heavy = parseHealthConfig({
      components: Object.fromEntries(
        HEALTH_COMPONENT_KEYS.map((key) => [key, { enabled: true, weight: 1_000_000 }]),
      ),
    });
    const result = healthScore(
      { usage: 100, feedback: 0, support: 50, payment: 50, sentiment: 50, milestones: 50, ebr: 50 },
      heavy,
    );
    expect(result.score).toBe(50);
  });

  it("no enabled component with data → score and band null, everything missing", () => {
    const result = healthScore({ sentiment: 100 });
    expect(result.score).toBeNull();
    expect(result.band).toBeNull();
    expect(result.insufficientData).toBe(true);
    expect(result.coverage).toBe(0);
    expect(result.used).toEqual([]);
    expect(result.missing).toEqual(["usage", "feedback", "support", "payment"]);
  });

  it("ignores disabled components and uses enabled optional ones with their weights", () => {
    const config = parseHealthConfig({
      components: {
        payment: { enabled: false },
        sentiment: { enabled: true, weight: 20 },
        ebr: { enabled: true },
      },
    });
    const result = healthScore(
      { usage: 100, feedback: 100, support: 100, payment: 0, sentiment: 0, ebr: null },
      config,
    );
    // (100×40 + 100×30 + 100×20 + 0×20) / 110
    expect(result.score).toBe(9000 / 110);
    expect(result.used).toEqual(["usage", "feedback", "support", "sentiment"]);
    expect(result.missing).toEqual(["ebr"]);
    expect(result.components.map((component) => component.key)).not.toContain("payment");
  });

  it("weights are any positive numbers: 4/3/2/1 gives the same score as 40/30/20/10", () => {
    const small = parseHealthConfig({
      components: {
        usage: { weight: 4 },
        feedback: { weight: 3 },
        support: { weight: 2 },
        payment: { weight: 1 },
      },
    });
    const values = { usage: 62, feedback: 71, support: 35, payment: 100 };
    expect(healthScore(values, small).score).toBeCloseTo(healthScore(values).score ?? Number.NaN, 12);
  });

  it("rejects component values outside 0–100 and invalid configs", () => {
    expectMetricError(() => healthScore({ usage: 101 }), "SCORE_OUT_OF_RANGE");
    expectMetricError(() => healthScore({ usage: Number.NaN }), "SCORE_OUT_OF_RANGE");
    const broken = { ...parseHealthConfig({}), bands: { green: 10, yellow: 90 } } as HealthConfig;
    expectMetricError(() => healthScore({ usage: 50 }, broken), "INVALID_HEALTH_CONFIG");
  });
});

describe("healthBand", () => {
  it("GREEN ≥ 70, YELLOW ≥ 40, else RED, on the exact score", () => {
    expect(healthBand(70)).toBe("GREEN");
    expect(healthBand(69.999)).toBe("YELLOW");
    expect(healthBand(40)).toBe("YELLOW");
    expect(healthBand(39.99)).toBe("RED");
    expect(healthBand(0)).toBe("RED");
    expect(healthBand(100)).toBe("GREEN");
  });

  it("follows workspace thresholds", () => {
    expect(healthBand(75, { green: 80, yellow: 60 })).toBe("YELLOW");
    expect(healthBand(50, { green: 50, yellow: 50 })).toBe("GREEN");
  });
});

describe("healthScore properties", () => {
  const componentValue = fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null });
  const values = fc.record(
    Object.fromEntries(HEALTH_COMPONENT_KEYS.map((key) => [key, componentValue])) as Record<
      (typeof HEALTH_COMPONENT_KEYS)[number],
      typeof componentValue
    >,
  );
  const config = fc
    .record({
      weights: fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), {
        minLength: HEALTH_COMPONENT_KEYS.length,
        maxLength: HEALTH_COMPONENT_KEYS.length,
      }),
      enabled: fc.array(fc.boolean(), {
        minLength: HEALTH_COMPONENT_KEYS.length,
        maxLength: HEALTH_COMPONENT_KEYS.length,
      }),
      yellow: fc.integer({ min: 0, max: 100 }),
      gap: fc.integer({ min: 0, max: 100 }),
    })
    .filter((c) => c.enabled.some(Boolean))
    .map((c) =>
      parseHealthConfig({
        components: Object.fromEntries(
          HEALTH_COMPONENT_KEYS.map((key, i) => [key, { enabled: c.enabled[i], weight: c.weights[i] }]),
        ),
        bands: { yellow: c.yellow, green: Math.min(100, c.yellow + c.gap) },
      }),
    );

  it("score ∈ [0, 100] and between the smallest and largest value used; used weights sum to 1", () => {
    fc.assert(
      fc.property(values, config, (componentValues: HealthComponentValues, healthConfig) => {
        const result = healthScore(componentValues, healthConfig);
        const usedValues = result.components.filter((c) => c.used).map((c) => c.value ?? Number.NaN);
        expect(result.used.length + result.missing.length).toBe(result.components.length);
        if (result.score === null) {
          expect(result.insufficientData).toBe(true);
          expect(result.coverage).toBeLessThan(healthConfig.minimumCoverage + 1e-9);
          return;
        }
        expect(result.coverage).toBeGreaterThanOrEqual(healthConfig.minimumCoverage - 1e-9);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(100);
        expect(result.score).toBeGreaterThanOrEqual(Math.min(...usedValues));
        expect(result.score).toBeLessThanOrEqual(Math.max(...usedValues));
        const weightSum = result.components.reduce((sum, c) => sum + c.weight, 0);
        expect(weightSum).toBeCloseTo(1, 12);
        expect(result.band).toBe(healthBand(result.score, healthConfig.bands));
      }),
    );
  });

  it("raising one used component never lowers the score", () => {
    fc.assert(
      fc.property(values, fc.constantFrom(...HEALTH_COMPONENT_KEYS), (componentValues, key) => {
        const config = parseHealthConfig({
          components: Object.fromEntries(HEALTH_COMPONENT_KEYS.map((k) => [k, { enabled: true }])),
        });
        const before = healthScore(componentValues, config).score;
        const after = healthScore({ ...componentValues, [key]: 100 }, config).score;
        if (before !== null && componentValues[key] !== null)
          expect(after).toBeGreaterThanOrEqual(before - 1e-9);
      }),
    );
  });
});
