import { MetricInputError } from "./errors.ts";
import { assertCount } from "./validate.ts";

/** One row of `SELECT score, count(*) … GROUP BY score`. Rows with the same score add up. */
export interface ScoreCount {
  score: number;
  count: number;
}

export interface SurveyScale {
  name: string;
  min: number;
  max: number;
}

export const NPS_SCALE: SurveyScale = { name: "NPS", min: 0, max: 10 };
export const CSAT_SCALE: SurveyScale = { name: "CSAT", min: 1, max: 5 };
export const CES_SCALE: SurveyScale = { name: "CES", min: 1, max: 7 };

/** The scale of each survey kind (the kinds of Prisma's `SurveyKind`): the one definition of them. */
export const SURVEY_SCALES = { NPS: NPS_SCALE, CSAT: CSAT_SCALE, CES: CES_SCALE } as const satisfies Record<
  string,
  SurveyScale
>;

function assertScoreOnScale(score: number, scale: SurveyScale): void {
  if (!Number.isInteger(score) || score < scale.min || score > scale.max) {
    throw new MetricInputError(
      "SCORE_OUT_OF_RANGE",
      `${scale.name} scores are integers from ${scale.min} to ${scale.max}, got ${score}`,
    );
  }
}

/** Validated histogram: index = score − scale.min, value = number of responses. */
export function histogramFromScores(scores: readonly number[], scale: SurveyScale): number[] {
  const counts = new Array<number>(scale.max - scale.min + 1).fill(0);
  for (const score of scores) {
    assertScoreOnScale(score, scale);
    counts[score - scale.min] += 1;
  }
  return counts;
}

export function histogramFromRows(rows: readonly ScoreCount[], scale: SurveyScale): number[] {
  const counts = new Array<number>(scale.max - scale.min + 1).fill(0);
  for (const row of rows) {
    assertScoreOnScale(row.score, scale);
    assertCount(row.count, `count of ${scale.name} score ${row.score}`);
    counts[row.score - scale.min] += row.count;
  }
  return counts;
}

/** Responses whose score lies in [low, high]. */
export function countBetween(
  histogram: readonly number[],
  scale: SurveyScale,
  low: number,
  high: number,
): number {
  let total = 0;
  for (let score = low; score <= high; score++) total += histogram[score - scale.min];
  return total;
}

export interface ScaleSummary {
  responses: number;
  /** Responses scoring at least the given threshold (satisfied, easy). */
  atLeast: number;
  /** Mean score, computed as one division of the exact sum. */
  average: number;
}

/** Shared by CSAT and CES: both report a mean and the share at the top of their scale. */
export function summarizeScale(
  histogram: readonly number[],
  scale: SurveyScale,
  threshold: number,
): ScaleSummary | null {
  const responses = countBetween(histogram, scale, scale.min, scale.max);
  if (responses === 0) return null;
  let sum = 0;
  histogram.forEach((count, index) => {
    sum += count * (index + scale.min);
  });
  return {
    responses,
    atLeast: countBetween(histogram, scale, threshold, scale.max),
    average: sum / responses,
  };
}
