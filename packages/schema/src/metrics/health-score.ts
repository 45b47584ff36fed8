import type { HealthBand } from "../generated/prisma/enums.ts";
import {
  assertValidHealthConfig,
  DEFAULT_HEALTH_CONFIG,
  HEALTH_COMPONENT_KEYS,
  type HealthBandThresholds,
  type HealthComponentKey,
  type HealthConfig,
} from "./health-config.ts";
import { assertPercentScale } from "./validate.ts";

/** GREEN, YELLOW or RED: the database's `HealthBand` enum (schema.prisma), the one definition. */
export type { HealthBand };

/** Component values 0–100; null or absent = no data. */
export type HealthComponentValues = Partial<Record<HealthComponentKey, number | null>>;

export interface HealthScoreComponent {
  key: HealthComponentKey;
  /** Share of the score, normalized over the components used (0 for a missing one). */
  weight: number;
  /** The configured weight. */
  rawWeight: number;
  value: number | null;
  used: boolean;
}

export interface HealthScore {
  /**
   * Weighted mean in [0, 100], unrounded; null when no enabled component has data, or when the
   * components with data carry less than the configuration's minimum coverage.
   */
  score: number | null;
  band: HealthBand | null;
  /** Percent (0–100) of the enabled weight carried by the components with data. */
  coverage: number;
  /** True when the score is null for lack of data (coverage below the minimum, or none at all). */
  insufficientData: boolean;
  /** Enabled components in configuration order; disabled ones play no part and are not listed. */
  components: HealthScoreComponent[];
  used: HealthComponentKey[];
  missing: HealthComponentKey[];
}

/** Band of an exact score: display rounding never moves a score across a threshold. */
export function healthBand(
  score: number,
  bands: HealthBandThresholds = DEFAULT_HEALTH_CONFIG.bands,
): HealthBand {
  assertPercentScale(score, "health score");
  if (score >= bands.green) return "GREEN";
  if (score >= bands.yellow) return "YELLOW";
  return "RED";
}

/**
 * Weighted average of the enabled components that have data; the weights of those left out are
 * redistributed by renormalizing over the rest. When the components with data carry less than
 * `minimumCoverage` percent of the enabled weight, there is too little data for a score: score
 * and band are null and `insufficientData` is true (an account known only by its support load,
 * which always has a value, is not GREEN 100).
 */
export function healthScore(
  values: HealthComponentValues,
  config: HealthConfig = DEFAULT_HEALTH_CONFIG,
): HealthScore {
  assertValidHealthConfig(config);
  const enabled = HEALTH_COMPONENT_KEYS.filter((key) => config.components[key].enabled);
  const withData: { key: HealthComponentKey; value: number; rawWeight: number }[] = [];
  for (const key of enabled) {
    const value = values[key] ?? null;
    if (value === null) continue;
    assertPercentScale(value, `${key} component`);
    withData.push({ key, value, rawWeight: config.components[key].weight });
  }
  const used = withData.map((component) => component.key);
  const missing = enabled.filter((key) => !used.includes(key));
  const enabledWeight = enabled.reduce((sum, key) => sum + config.components[key].weight, 0);
  const usedWeight = withData.reduce((sum, component) => sum + component.rawWeight, 0);
  const components = enabled.map((key): HealthScoreComponent => {
    const rawWeight = config.components[key].weight;
    const isUsed = used.includes(key);
    return {
      key,
      weight: isUsed ? rawWeight / usedWeight : 0,
      rawWeight,
      value: values[key] ?? null,
      used: isUsed,
    };
  });
  const coverage = Math.min(100, (100 * usedWeight) / enabledWeight);
  // Compared without the division, so a coverage of exactly the minimum is never cut by rounding.
  const insufficientData = withData.length === 0 || 100 * usedWeight < config.minimumCoverage * enabledWeight;
  if (insufficientData) {
    return { score: null, band: null, coverage, insufficientData, components, used, missing };
  }

  // One final division (the closest double to the exact mean); weights are at most
  // MAX_HEALTH_WEIGHT, so this sum cannot overflow.
  const weightedSum = withData.reduce((sum, component) => sum + component.rawWeight * component.value, 0);
  const weightedMean = weightedSum / usedWeight;
  const usedValues = withData.map((component) => component.value);
  // A weighted mean lies between its smallest and largest value; clamping removes float drift.
  const score = Math.min(Math.max(weightedMean, Math.min(...usedValues)), Math.max(...usedValues));
  return {
    score,
    band: healthBand(score, config.bands),
    coverage,
    insufficientData,
    components,
    used,
    missing,
  };
}
