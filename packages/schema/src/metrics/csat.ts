import {
  CSAT_SCALE,
  countBetween,
  histogramFromRows,
  histogramFromScores,
  type ScoreCount,
  sumOfScores,
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
  const responses = countBetween(histogram, CSAT_SCALE, 1, 5);
  if (responses === 0) return null;
  const satisfied = countBetween(histogram, CSAT_SCALE, 4, 5);
  return {
    score: (100 * satisfied) / responses,
    average: sumOfScores(histogram, CSAT_SCALE) / responses,
    satisfied,
    responses,
  };
}

/** CSAT of raw 1–5 scores; null when there are no responses. */
export function customerSatisfaction(scores: readonly number[]): CsatResult | null {
  return csatFromHistogram(histogramFromScores(scores, CSAT_SCALE));
}

/** CSAT of `GROUP BY score` rows. */
export function csatFromScoreCounts(rows: readonly ScoreCount[]): CsatResult | null {
  return csatFromHistogram(histogramFromRows(rows, CSAT_SCALE));
}
