import {
  CES_SCALE,
  countBetween,
  histogramFromRows,
  histogramFromScores,
  type ScoreCount,
  sumOfScores,
} from "./survey-scale.ts";

export interface CesResult {
  /** Mean score on 1–7 (7 = very easy), unrounded. */
  score: number;
  /** 100 × responses scoring 5–7 / responses, in [0, 100]. */
  easyShare: number;
  easy: number;
  responses: number;
}

function cesFromHistogram(histogram: readonly number[]): CesResult | null {
  const responses = countBetween(histogram, CES_SCALE, 1, 7);
  if (responses === 0) return null;
  const easy = countBetween(histogram, CES_SCALE, 5, 7);
  return {
    score: sumOfScores(histogram, CES_SCALE) / responses,
    easyShare: (100 * easy) / responses,
    easy,
    responses,
  };
}

/** CES of raw 1–7 scores; null when there are no responses. */
export function customerEffortScore(scores: readonly number[]): CesResult | null {
  return cesFromHistogram(histogramFromScores(scores, CES_SCALE));
}

/** CES of `GROUP BY score` rows. */
export function cesFromScoreCounts(rows: readonly ScoreCount[]): CesResult | null {
  return cesFromHistogram(histogramFromRows(rows, CES_SCALE));
}
