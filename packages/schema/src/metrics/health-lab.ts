// The health-score lab: what a component would have to be for GREEN, how a proposed
// configuration moves the bands, and how well a score predicted churn (backtest statistics).
import { HealthBand as HealthBandValues } from "../generated/prisma/enums.ts";
import { MetricInputError } from "./errors.ts";
import type { HealthComponentKey, HealthConfig } from "./health-config.ts";
import { type HealthBand, type HealthComponentValues, healthScore } from "./health-score.ts";
import { assertPercentScale } from "./validate.ts";

export const HEALTH_BANDS: readonly HealthBand[] = Object.values(HealthBandValues);

export interface PathToGreenStep {
  key: HealthComponentKey;
  /** The component's value now. */
  value: number;
  /** The value that alone (the others unchanged) brings the score to the green threshold; null when unreachable. */
  target: number | null;
  /** target − value; null when unreachable. */
  change: number | null;
  /** False when even 100 in this component alone leaves the score below the green threshold. */
  reachable: boolean;
}

/** The next double above `value` (for a target that float rounding left a hair below the threshold). */
function nextUp(value: number): number {
  if (value === 0) return Number.MIN_VALUE;
  const buffer = new Float64Array([value]);
  const bits = new BigInt64Array(buffer.buffer);
  bits[0] = (bits[0] as bigint) + (value > 0 ? 1n : -1n);
  return buffer[0] as number;
}

/**
 * For each component with data (used in the score), the value that alone brings the score to the
 * green threshold: with W the weight of the used components and S their weighted sum, component i
 * needs `x = (green × W − (S − wᵢ × vᵢ)) / wᵢ`. Unreachable when x > 100. Reachable steps come
 * first, smallest change first; the unreachable ones follow in configuration order. Empty when the
 * score is already GREEN or there is none (too little data: no single value decides the band).
 */
export function pathToGreen(values: HealthComponentValues, config: HealthConfig): PathToGreenStep[] {
  const current = healthScore(values, config);
  if (current.score === null || current.band === "GREEN") return [];
  const green = config.bands.green;
  const used = current.components.filter((component) => component.used);
  const usedWeight = used.reduce((sum, component) => sum + component.rawWeight, 0);
  const weightedSum = used.reduce((sum, component) => sum + component.rawWeight * (component.value ?? 0), 0);
  const steps = used.map((component): PathToGreenStep => {
    const value = component.value ?? 0;
    const others = weightedSum - component.rawWeight * value;
    let target = (green * usedWeight - others) / component.rawWeight;
    if (target > 100) return { key: component.key, value, target: null, change: null, reachable: false };
    target = Math.max(target, value);
    // The formula's own result decides: nudge a target that rounding left just below the threshold.
    for (let step = 0; step < 64 && target <= 100; step++) {
      const score = healthScore({ ...values, [component.key]: target }, config).score;
      if (score !== null && score >= green) break;
      target = nextUp(target);
    }
    if (target > 100) return { key: component.key, value, target: null, change: null, reachable: false };
    return { key: component.key, value, target, change: target - value, reachable: true };
  });
  const reachable = steps.filter((step) => step.reachable).sort((a, b) => (a.change ?? 0) - (b.change ?? 0));
  return [...reachable, ...steps.filter((step) => !step.reachable)];
}

export interface ScoredBand {
  score: number | null;
  band: HealthBand | null;
}

export interface BandDistribution {
  green: number;
  yellow: number;
  red: number;
  /** Accounts with too little data for a score. */
  insufficientData: number;
}

export interface HealthConfigPreviewSummary {
  accounts: number;
  before: BandDistribution;
  after: BandDistribution;
  /** Mean of (after − before) over the accounts scored by both configurations; null when none is. */
  meanScoreChange: number | null;
  /** Accounts scored by both configurations (the mean's denominator). */
  scoredByBoth: number;
  /** Indexes (into the input) of the accounts whose band changes, in input order. */
  changed: number[];
}

function distribution(scores: readonly ScoredBand[]): BandDistribution {
  const counts: BandDistribution = { green: 0, yellow: 0, red: 0, insufficientData: 0 };
  for (const { band } of scores) {
    if (band === "GREEN") counts.green += 1;
    else if (band === "YELLOW") counts.yellow += 1;
    else if (band === "RED") counts.red += 1;
    else counts.insufficientData += 1;
  }
  return counts;
}

/** Band distribution before and after a configuration change, the mean score change and who moves band. */
export function healthConfigPreviewSummary(
  pairs: readonly { before: ScoredBand; after: ScoredBand }[],
): HealthConfigPreviewSummary {
  let changeSum = 0;
  let scoredByBoth = 0;
  const changed: number[] = [];
  pairs.forEach(({ before, after }, index) => {
    if (before.score !== null) assertPercentScale(before.score, "score before");
    if (after.score !== null) assertPercentScale(after.score, "score after");
    if (before.score !== null && after.score !== null) {
      changeSum += after.score - before.score;
      scoredByBoth += 1;
    }
    if (before.band !== after.band) changed.push(index);
  });
  return {
    accounts: pairs.length,
    before: distribution(pairs.map((pair) => pair.before)),
    after: distribution(pairs.map((pair) => pair.after)),
    meanScoreChange: scoredByBoth === 0 ? null : changeSum / scoredByBoth,
    scoredByBoth,
    changed,
  };
}

export interface ChurnSample {
  score: number;
  churned: boolean;
}

function assertSamples(samples: readonly ChurnSample[]): void {
  for (const sample of samples) assertPercentScale(sample.score, "backtest score");
}

/**
 * ROC AUC of the score as a churn predictor, a lower score meaning more likely to churn: the
 * probability that a churned account scored below a retained one, ties counted half
 * (Mann–Whitney U / (churned × retained), with average ranks for ties). Null without at least one
 * churned and one retained account.
 */
export function churnRocAuc(samples: readonly ChurnSample[]): number | null {
  assertSamples(samples);
  const churned = samples.filter((sample) => sample.churned).length;
  const retained = samples.length - churned;
  if (churned === 0 || retained === 0) return null;
  // Ranks by descending score: a churned account ranked after the retained ones scores lower.
  const sorted = [...samples].sort((a, b) => b.score - a.score);
  let churnedRankSum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]?.score === sorted[start]?.score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++) if (sorted[index]?.churned) churnedRankSum += averageRank;
    start = end + 1;
  }
  const u = churnedRankSum - (churned * (churned + 1)) / 2;
  return u / (churned * retained);
}

export interface FlagQuality {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** 100 × flagged accounts that churned / flagged accounts; null when none was flagged. */
  precision: number | null;
  /** 100 × churned accounts that were flagged / churned accounts; null when none churned. */
  recall: number | null;
}

/** Precision and recall (0–100) of a churn flag such as at-risk. */
export function flagPrecisionRecall(samples: readonly { flagged: boolean; churned: boolean }[]): FlagQuality {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let trueNegatives = 0;
  for (const { flagged, churned } of samples) {
    if (flagged && churned) truePositives += 1;
    else if (flagged) falsePositives += 1;
    else if (churned) falseNegatives += 1;
    else trueNegatives += 1;
  }
  const flagged = truePositives + falsePositives;
  const churned = truePositives + falseNegatives;
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    trueNegatives,
    precision: flagged === 0 ? null : (100 * truePositives) / flagged,
    recall: churned === 0 ? null : (100 * truePositives) / churned,
  };
}

export interface BandChurn {
  band: HealthBand;
  accounts: number;
  churned: number;
  /** 100 × churned / accounts; null for a band without accounts. */
  churnRate: number | null;
}

/** Accounts and churn rate per band (GREEN, YELLOW, RED), for the accounts that had a band. */
export function churnRateByBand(samples: readonly { band: HealthBand; churned: boolean }[]): BandChurn[] {
  return HEALTH_BANDS.map((band) => {
    const inBand = samples.filter((sample) => sample.band === band);
    const churned = inBand.filter((sample) => sample.churned).length;
    return {
      band,
      accounts: inBand.length,
      churned,
      churnRate: inBand.length === 0 ? null : (100 * churned) / inBand.length,
    };
  });
}

/** A backtest horizon: whole days, 1 to 365. */
export const MAX_BACKTEST_HORIZON_DAYS = 365;

export function assertBacktestHorizon(horizonDays: number): void {
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > MAX_BACKTEST_HORIZON_DAYS) {
    throw new MetricInputError(
      "INVALID_PERIOD",
      `horizonDays must be a whole number of days from 1 to ${MAX_BACKTEST_HORIZON_DAYS}, got ${horizonDays}`,
    );
  }
}
