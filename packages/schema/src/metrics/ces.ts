import {
  CES_SCALE,
  histogramFromRows,
  histogramFromScores,
  type ScoreCount,
  summarizeScale,
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
  const summary = summarizeScale(histogram, CES_SCALE, 5);
  if (summary === null) return null;
  const { responses, atLeast: easy, average } = summary;
  return { score: average, easyShare: (100 * easy) / responses, easy, responses };
}

/** CES of raw 1–7 scores; null when there are no responses. */
export function customerEffortScore(scores: readonly number[]): CesResult | null {
  return cesFromHistogram(histogramFromScores(scores, CES_SCALE));
}

/** CES of `GROUP BY score` rows. */
export function cesFromScoreCounts(rows: readonly ScoreCount[]): CesResult | null {
  return cesFromHistogram(histogramFromRows(rows, CES_SCALE));
}
