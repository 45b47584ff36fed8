import { z } from "zod";
import { type MetricErrorIssue, MetricInputError } from "./errors.ts";

export const HEALTH_COMPONENT_KEYS = [
  "usage",
  "feedback",
  "support",
  "payment",
  "sentiment",
  "milestones",
  "ebr",
] as const;

export type HealthComponentKey = (typeof HEALTH_COMPONENT_KEYS)[number];

export interface HealthComponentSetting {
  enabled: boolean;
  /** Any positive number when enabled; weights are normalized over the components with data. */
  weight: number;
}

export interface HealthBandThresholds {
  /** Scores ≥ green are GREEN. */
  green: number;
  /** Scores ≥ yellow (and < green) are YELLOW; below is RED. */
  yellow: number;
}

export interface HealthConfig {
  components: Record<HealthComponentKey, HealthComponentSetting>;
  bands: HealthBandThresholds;
  /**
   * Percent (0–100) of the enabled weight the components with data must carry for a score;
   * below it the account has too little data and its score and band are null.
   */
  minimumCoverage: number;
}

/**
 * Largest weight of one component. Weights are relative, so any range works; a bound keeps
 * their sum (and the weighted sums of the score) far from overflow, so every accepted
 * configuration gives a finite score.
 */
export const MAX_HEALTH_WEIGHT = 1_000_000;

export const DEFAULT_MINIMUM_COVERAGE = 50;

/** Shared defaults must not be mutable by one caller for all the others. */
function deepFreeze(config: HealthConfig): HealthConfig {
  for (const setting of Object.values(config.components)) Object.freeze(setting);
  Object.freeze(config.components);
  Object.freeze(config.bands);
  return Object.freeze(config);
}

/**
 * Usage 40, feedback 30, support 20, payment 10 as in common CS practice. The optional
 * components get 10 each, so enabling one without a weight gives it a modest say.
 */
export const DEFAULT_HEALTH_CONFIG: HealthConfig = deepFreeze({
  components: {
    usage: { enabled: true, weight: 40 },
    feedback: { enabled: true, weight: 30 },
    support: { enabled: true, weight: 20 },
    payment: { enabled: true, weight: 10 },
    sentiment: { enabled: false, weight: 10 },
    milestones: { enabled: false, weight: 10 },
    ebr: { enabled: false, weight: 10 },
  },
  bands: { green: 70, yellow: 40 },
  minimumCoverage: DEFAULT_MINIMUM_COVERAGE,
});

// z.number() refuses NaN and ±Infinity.
const weight = z
  .number()
  .min(0, "weight must be ≥ 0")
  .max(MAX_HEALTH_WEIGHT, `weight must be at most ${MAX_HEALTH_WEIGHT}`);
const percent = z.number().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100");
const threshold = z
  .number()
  .min(0, "threshold must be between 0 and 100")
  .max(100, "threshold must be between 0 and 100");

const componentSettingSchema = z.strictObject({ enabled: z.boolean(), weight });

/** The full, validated configuration (what `parseHealthConfig` returns). */
export const healthConfigSchema = z
  .strictObject({
    components: z.strictObject({
      usage: componentSettingSchema,
      feedback: componentSettingSchema,
      support: componentSettingSchema,
      payment: componentSettingSchema,
      sentiment: componentSettingSchema,
      milestones: componentSettingSchema,
      ebr: componentSettingSchema,
    }),
    bands: z.strictObject({ green: threshold, yellow: threshold }),
    minimumCoverage: percent,
  })
  .superRefine((config, context) => {
    let enabled = 0;
    for (const key of HEALTH_COMPONENT_KEYS) {
      const setting = config.components[key];
      if (!setting.enabled) continue;
      enabled += 1;
      if (setting.weight <= 0) {
        context.addIssue({
          code: "custom",
          path: ["components", key, "weight"],
          message: "weight must be > 0 for an enabled component",
        });
      }
    }
    if (enabled === 0) {
      context.addIssue({
        code: "custom",
        path: ["components"],
        message: "at least one component must be enabled",
      });
    }
    if (config.bands.yellow > config.bands.green) {
      context.addIssue({
        code: "custom",
        path: ["bands", "yellow"],
        message: `yellow threshold (${config.bands.yellow}) must not exceed green threshold (${config.bands.green})`,
      });
    }
  });

const componentSettingInputSchema = z.strictObject({
  enabled: z.boolean().optional(),
  weight: weight.optional(),
});

/** What a workspace stores: any subset, merged over the defaults. */
export const healthConfigInputSchema = z
  .strictObject({
    components: z
      .strictObject({
        usage: componentSettingInputSchema.optional(),
        feedback: componentSettingInputSchema.optional(),
        support: componentSettingInputSchema.optional(),
        payment: componentSettingInputSchema.optional(),
        sentiment: componentSettingInputSchema.optional(),
        milestones: componentSettingInputSchema.optional(),
        ebr: componentSettingInputSchema.optional(),
      })
      .optional(),
    bands: z.strictObject({ green: threshold.optional(), yellow: threshold.optional() }).optional(),
    minimumCoverage: percent.optional(),
  })
  .nullish();

export type HealthConfigInput = z.input<typeof healthConfigInputSchema>;

function toIssues(error: z.ZodError): MetricErrorIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const expected = path === "components" ? `; known components: ${HEALTH_COMPONENT_KEYS.join(", ")}` : "";
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}${expected}`,
      };
    }
    return { path, message: issue.message };
  });
}

function configError(error: z.ZodError): MetricInputError {
  const issues = toIssues(error);
  const summary = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join("; ");
  return new MetricInputError(
    "INVALID_HEALTH_CONFIG",
    `Invalid health-score configuration: ${summary}`,
    issues,
  );
}

/** Merges a stored (partial) configuration over the defaults and validates the result. */
export function parseHealthConfig(input: unknown): HealthConfig {
  const parsedInput = healthConfigInputSchema.safeParse(input);
  if (!parsedInput.success) throw configError(parsedInput.error);
  const partial = parsedInput.data ?? {};
  const components = Object.fromEntries(
    HEALTH_COMPONENT_KEYS.map((key) => {
      const fallback = DEFAULT_HEALTH_CONFIG.components[key];
      const given = partial.components?.[key];
      return [key, { enabled: given?.enabled ?? fallback.enabled, weight: given?.weight ?? fallback.weight }];
    }),
  );
  const bands = {
    green: partial.bands?.green ?? DEFAULT_HEALTH_CONFIG.bands.green,
    yellow: partial.bands?.yellow ?? DEFAULT_HEALTH_CONFIG.bands.yellow,
  };
  const minimumCoverage = partial.minimumCoverage ?? DEFAULT_HEALTH_CONFIG.minimumCoverage;
  const parsed = healthConfigSchema.safeParse({ components, bands, minimumCoverage });
  if (!parsed.success) throw configError(parsed.error);
  return parsed.data;
}

/** What a read makes of a stored configuration (see `healthConfigForReads`). */
export interface StoredHealthConfig {
  config: HealthConfig;
  /** The problems of the stored value when it did not validate (the defaults are used then). */
  issues: readonly MetricErrorIssue[];
}

/**
 * The configuration reads compute with. Writes validate the whole merged result first, so a
 * stored value is valid; one stored before a rule existed (or edited by hand) must still not make
 * every read of the workspace fail: it is replaced by the defaults, and its issues are returned.
 */
export function healthConfigForReads(stored: unknown): StoredHealthConfig {
  try {
    return { config: parseHealthConfig(stored), issues: [] };
  } catch (error) {
    if (!(error instanceof MetricInputError)) throw error;
    return { config: DEFAULT_HEALTH_CONFIG, issues: error.issues };
  }
}

/** Deep-frozen configurations that validated: they cannot have changed since, so need no second check. */
const validatedFrozen = new WeakSet<HealthConfig>();

function isDeepFrozen(config: HealthConfig): boolean {
  return (
    Object.isFrozen(config) &&
    Object.isFrozen(config.components) &&
    Object.isFrozen(config.bands) &&
    Object.values(config.components).every((setting) => Object.isFrozen(setting))
  );
}

/**
 * Checks an already complete configuration (e.g. built in code) without merging defaults. A
 * deep-frozen one (DEFAULT_HEALTH_CONFIG, `frozenHealthConfig`) is checked once: scoring every
 * account of a workspace with it then does not validate it per account.
 */
export function assertValidHealthConfig(config: HealthConfig): void {
  if (validatedFrozen.has(config)) return;
  const parsed = healthConfigSchema.safeParse(config);
  if (!parsed.success) throw configError(parsed.error);
  if (isDeepFrozen(config)) validatedFrozen.add(config);
}

/** A deep-frozen copy, for scoring many accounts with one configuration. */
export function frozenHealthConfig(config: HealthConfig): HealthConfig {
  return deepFreeze(structuredClone(config));
}
