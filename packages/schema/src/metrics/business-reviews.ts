import { isWithinPeriod, trailingDays } from "./period.ts";
import { assertKnownKind, assertValidDate } from "./validate.ts";

export type ReviewOutcome = "UP" | "DOWN";

export interface BusinessReview {
  heldAt: Date;
  outcome: ReviewOutcome | null;
}

const REVIEW_OUTCOMES: readonly ReviewOutcome[] = ["UP", "DOWN"];

export const EBR_WINDOW_DAYS = 365;
/** Two reviews a year is the engagement the EBR component asks for. */
export const EBR_TARGET_REVIEWS_PER_YEAR = 2;

export interface BusinessReviewEngagement {
  /** Reviews held in [now − 365 days, now). */
  reviewsInTrailingYear: number;
  /** Latest review held before `now`, however long ago. */
  lastReviewAt: Date | null;
  upReviews: number;
  downReviews: number;
  /** 100 × UP / reviews with an outcome, over the trailing year; null when no outcome is recorded. */
  upShare: number | null;
}

export function businessReviewEngagement(
  reviews: readonly BusinessReview[],
  now: Date,
): BusinessReviewEngagement {
  assertValidDate(now, "now");
  const window = trailingDays(now, EBR_WINDOW_DAYS);
  let lastReviewAt: Date | null = null;
  let reviewsInTrailingYear = 0;
  let upReviews = 0;
  let downReviews = 0;
  for (const review of reviews) {
    assertValidDate(review.heldAt, "review.heldAt");
    if (review.outcome !== null) assertKnownKind(review.outcome, REVIEW_OUTCOMES, "review.outcome");
    if (review.heldAt.getTime() >= now.getTime()) continue;
    if (lastReviewAt === null || review.heldAt > lastReviewAt) lastReviewAt = review.heldAt;
    if (!isWithinPeriod(review.heldAt, window)) continue;
    reviewsInTrailingYear += 1;
    if (review.outcome === "UP") upReviews += 1;
    if (review.outcome === "DOWN") downReviews += 1;
  }
  const decided = upReviews + downReviews;
  return {
    reviewsInTrailingYear,
    lastReviewAt,
    upReviews,
    downReviews,
    upShare: decided === 0 ? null : (100 * upReviews) / decided,
  };
}

/**
 * 100 × min(1, reviews / 2) × share UP (1 when no outcome is recorded). No review in the
 * trailing year scores 0, not "no data": the absence of reviews is exactly what this component
 * measures, and workspaces that hold no EBRs leave it disabled.
 */
export function ebrHealthComponent(engagement: BusinessReviewEngagement): number {
  const reviews = Math.min(engagement.reviewsInTrailingYear, EBR_TARGET_REVIEWS_PER_YEAR);
  const decided = engagement.upReviews + engagement.downReviews;
  if (decided === 0) return (100 * reviews) / EBR_TARGET_REVIEWS_PER_YEAR;
  return (100 * reviews * engagement.upReviews) / (EBR_TARGET_REVIEWS_PER_YEAR * decided);
}
