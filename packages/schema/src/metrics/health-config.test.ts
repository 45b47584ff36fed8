import { describe, expect, it } from "vitest";
import {
  DEFAULT_HEALTH_CONFIG,
  frozenHealthConfig,
  healthConfigForReads,
  healthConfigSchema,
  parseHealthConfig,
} from "./health-config.ts";
import { healthScore } from "./health-score.ts";
import { expectMetricError } from "./testing.ts";

describe("parseHealthConfig", () => {
  it("empty, null or absent input gives the defaults: usage 40, feedback 30, support 20, payment 10; bands 70/40", () => {
    for (const input of [undefined, null, {}])
      expect(parseHealthConfig(input)).toEqual(DEFAULT_HEALTH_CONFIG);
    expect(DEFAULT_HEALTH_CONFIG.components).toMatchObject({
      usage: { enabled: true, weight: 40 },
      feedback: { enabled: true, weight: 30 },
      support: { enabled: true, weight: 20 },
      payment: { enabled: true, weight: 10 },
      sentiment: { enabled: false },
      milestones: { enabled: false },
      ebr: { enabled: false },
    });
    expect(DEFAULT_HEALTH_CONFIG.bands).toEqual({ green: 70, yellow: 40 });
  });

  it("merges a partial configuration over the defaults", () => {
    const config = parseHealthConfig({
      components: {
        sentiment: { enabled: true },
        payment: { weight: 0.5 },
        ebr: { enabled: true, weight: 7 },
      },
      bands: { green: 80 },
    });
    expect(config.components.sentiment).toEqual({ enabled: true, weight: 10 });
    expect(config.components.payment).toEqual({ enabled: true, weight: 0.5 });
    expect(config.components.ebr).toEqual({ enabled: true, weight: 7 });
    expect(config.components.usage).toEqual({ enabled: true, weight: 40 });
    expect(config.bands).toEqual({ green: 80, yellow: 40 });
  });

  it("lets a disabled component keep a zero weight", () => {
    expect(
      parseHealthConfig({ components: { payment: { enabled: false, weight: 0 } } }).components.payment,
    ).toEqual({
      enabled: false,
      weight: 0,
    });
  });

  it("does not share mutable defaults between callers", () => {
    const config = parseHealthConfig({});
    config.components.usage.weight = 1;
    expect(DEFAULT_HEALTH_CONFIG.components.usage.weight).toBe(40);
    expect(Object.isFrozen(DEFAULT_HEALTH_CONFIG.components.usage)).toBe(true);
  });

  const invalid: [string, unknown, string, string][] = [
    [
      "zero weight on an enabled component",
      { components: { usage: { weight: 0 } } },
      "components.usage.weight",
      "> 0",
    ],
    ["negative weight", { components: { feedback: { weight: -3 } } }, "components.feedback.weight", "≥ 0"],
    ["unknown component key", { components: { nps: { weight: 5 } } }, "components", "unknown key nps"],
    ["unknown top-level key", { colour: "red" }, "", "unknown key colour"],
    ["yellow above green", { bands: { green: 50, yellow: 60 } }, "bands.yellow", "must not exceed green"],
    ["threshold above 100", { bands: { green: 120 } }, "bands.green", "between 0 and 100"],
    ["threshold below 0", { bands: { yellow: -1 } }, "bands.yellow", "between 0 and 100"],
    [
      "no component enabled",
      {
        components: {
          usage: { enabled: false },
          feedback: { enabled: false },
          support: { enabled: false },
          payment: { enabled: false },
        },
      },
      "components",
      "at least one component must be enabled",
    ],
    [
      "a weight that is not a number",
      { components: { usage: { weight: "40" } } },
      "components.usage.weight",
      "number",
    ],
    ["not an object", "usage=40", "", "expected object"],
  ];

  it.each(invalid)("rejects %s with a typed error naming the field", (_, input, path, message) => {
    const error = expectMetricError(() => parseHealthConfig(input), "INVALID_HEALTH_CONFIG");
    expect(error.issues.map((issue) => issue.path)).toContain(path);
    expect(error.message).toContain("Invalid health-score configuration");
    expect(error.message).toContain(message);
  });

  it("the exported zod schema validates complete configurations", () => {
    expect(healthConfigSchema.safeParse(DEFAULT_HEALTH_CONFIG).success).toBe(true);
    expect(
      healthConfigSchema.safeParse({ ...DEFAULT_HEALTH_CONFIG, bands: { green: 10, yellow: 20 } }).success,
    ).toBe(false);
  });

  it("refuses weights that would not normalise: 1e308, above 1,000,000, infinite, not a number", () => {
    for (const weight of [1e308, 1_000_001, Number.POSITIVE_INFINITY, Number.NaN]) {
      const error = expectMetricError(
        () => parseHealthConfig({ components: { usage: { weight }, feedback: { weight } } }),
        "INVALID_HEALTH_CONFIG",
      );
      expect(error.issues.map((issue) => issue.path)).toContain("components.usage.weight");
    }
    expect(parseHealthConfig({ components: { usage: { weight: 1_000_000 } } }).components.usage.weight).toBe(
      1_000_000,
    );
  });

  it("minimum coverage is a percentage, 50 by default", () => {
    expect(DEFAULT_HEALTH_CONFIG.minimumCoverage).toBe(50);
    expect(parseHealthConfig({ minimumCoverage: 0 }).minimumCoverage).toBe(0);
    expectMetricError(() => parseHealthConfig({ minimumCoverage: 101 }), "INVALID_HEALTH_CONFIG");
    expectMetricError(() => parseHealthConfig({ minimumCoverage: -1 }), "INVALID_HEALTH_CONFIG");
  });
});

describe("healthConfigForReads", () => {
  it("a valid stored configuration is read as is", () => {
    expect(healthConfigForReads({ bands: { green: 80 } })).toEqual({
      config: parseHealthConfig({ bands: { green: 80 } }),
      issues: [],
    });
  });

  it("a stored configuration that does not validate falls back to the defaults (a read never throws)", () => {
    const stored = { components: { usage: { weight: 1e308 }, feedback: { weight: 1e308 } } };
    const read = healthConfigForReads(stored);
    expect(read.config).toEqual(DEFAULT_HEALTH_CONFIG);
    expect(read.issues.map((issue) => issue.path)).toContain("components.usage.weight");
    expect(healthScore({ usage: 80, feedback: 60, support: 90 }, read.config).score).toBe(6800 / 90);
    expect(healthConfigForReads("garbage").config).toEqual(DEFAULT_HEALTH_CONFIG);
  });
});

describe("frozenHealthConfig", () => {
  it("is a deep-frozen copy that scores like the original", () => {
    const config = parseHealthConfig({ bands: { green: 80, yellow: 30 } });
    const frozen = frozenHealthConfig(config);
    expect(frozen).toEqual(config);
    expect(Object.isFrozen(frozen.components.usage)).toBe(true);
    expect(healthScore({ usage: 75 }, frozen)).toEqual(healthScore({ usage: 75 }, config));
  });

  it("a mutable configuration is checked on every use, so a change after a valid use is still refused", () => {
    const config = parseHealthConfig({});
    healthScore({ usage: 50 }, config);
    config.bands.yellow = 90;
    expectMetricError(() => healthScore({ usage: 50 }, config), "INVALID_HEALTH_CONFIG");
  });
});
