import {
  CSAT_SCALE,
  histogramFromRows,
  histogramFromScores,
  type ScoreCount,
  summarizeScale,
} from "./survey-scale.ts";

export interface CsatResult {
  /** 100 × responses scoring 4 or 5 / responses, in [0, 100], unrounded. */
  score: number;
  /** Mean score, in [1, 5]. */
  average: number;
  satisfied: number;
  responses: number;
}

function csatFromHistogram(histogram: readonly number[]): CsatResult | null {
  const summary = summarizeScale(histogram, CSAT_SCALE, 4);
  if (summary === null) return null;
  const { responses, atLeast: satisfied, average } = summary;
  return { score: (100 * satisfied) / responses, average, satisfied, responses };
}

/** CSAT of raw 1–5 scores; null when there are no responses. */
export function customerSatisfaction(scores: readonly number[]): CsatResult | null {
  return csatFromHistogram(histogramFromScores(scores, CSAT_SCALE));
}

/** CSAT of `GROUP BY score` rows. */
export function csatFromScoreCounts(rows: readonly ScoreCount[]): CsatResult | null {
  return csatFromHistogram(histogramFromRows(rows, CSAT_SCALE));
}
