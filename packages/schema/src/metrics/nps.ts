import {
  countBetween,
  histogramFromRows,
  histogramFromScores,
  NPS_SCALE,
  type ScoreCount,
} from "./survey-scale.ts";
import { assertCount } from "./validate.ts";

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsResult extends NpsCounts {
  /** 100 × (promoters − detractors) / responses, in [−100, 100], unrounded. */
  score: number;
  responses: number;
}

/** Detractors score 0–6; also used by the at-risk rule. */
export const NPS_DETRACTOR_MAX = 6;

export function isNpsDetractor(score: number): boolean {
  return score <= NPS_DETRACTOR_MAX;
}

/** NPS from counts; null when there are no responses (an NPS of 0 would claim balance). */
export function npsFromCounts(counts: NpsCounts): NpsResult | null {
  const { promoters, passives, detractors } = counts;
  assertCount(promoters, "promoters");
  assertCount(passives, "passives");
  assertCount(detractors, "detractors");
  const responses = promoters + passives + detractors;
  if (responses === 0) return null;
  // One division of exact integers: the result is the correctly rounded double of the exact ratio.
  const score = (100 * (promoters - detractors)) / responses;
  return { score, promoters, passives, detractors, responses };
}

function npsFromHistogram(histogram: readonly number[]): NpsResult | null {
  return npsFromCounts({
    promoters: countBetween(histogram, NPS_SCALE, 9, 10),
    passives: countBetween(histogram, NPS_SCALE, 7, 8),
    detractors: countBetween(histogram, NPS_SCALE, 0, NPS_DETRACTOR_MAX),
  });
}

/** NPS of raw 0–10 scores. */
export function netPromoterScore(scores: readonly number[]): NpsResult | null {
  return npsFromHistogram(histogramFromScores(scores, NPS_SCALE));
}

/** NPS of `GROUP BY score` rows. */
export function npsFromScoreCounts(rows: readonly ScoreCount[]): NpsResult | null {
  return npsFromHistogram(histogramFromRows(rows, NPS_SCALE));
}
