import { describe, expect, it } from "vitest";
import { type BusinessReview, businessReviewEngagement, ebrHealthComponent } from "./business-reviews.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01");
const review = (daysAgo: number, outcome: BusinessReview["outcome"] = null): BusinessReview => ({
  heldAt: addDays(now, -daysAgo),
  outcome,
});

describe("businessReviewEngagement", () => {
  it("reviews in the trailing 365 days, last review date, share UP among recorded outcomes", () => {
    const result = businessReviewEngagement(
      [
        review(400, "DOWN"),
        review(200, "UP"),
        review(100, "DOWN"),
        review(30, "UP"),
        review(10),
        review(-5, "UP"),
      ],
      now,
    );
    expect(result).toEqual({
      reviewsInTrailingYear: 4,
      lastReviewAt: addDays(now, -10),
      upReviews: 2,
      downReviews: 1,
      upShare: 200 / 3,
    });
  });

  it("last review date is kept even when it is older than a year", () => {
    expect(businessReviewEngagement([review(500)], now)).toMatchObject({
      reviewsInTrailingYear: 0,
      lastReviewAt: addDays(now, -500),
      upShare: null,
    });
  });

  it("rejects an unknown outcome", () => {
    expectMetricError(
      () => businessReviewEngagement([review(3, "FLAT" as BusinessReview["outcome"])], now),
      "UNKNOWN_KIND",
    );
  });

  it("a review exactly 365 days ago is inside the window", () => {
    expect(businessReviewEngagement([review(365)], now).reviewsInTrailingYear).toBe(1);
  });
});

describe("ebrHealthComponent", () => {
  const component = (reviews: BusinessReview[]) => ebrHealthComponent(businessReviewEngagement(reviews, now));

  it("100 × min(1, reviews / 2) × share UP", () => {
    expect(component([review(10, "UP"), review(100, "UP"), review(200, "UP")])).toBe(100);
    expect(component([review(10, "UP"), review(100, "DOWN")])).toBe(50);
    expect(component([review(10, "UP"), review(100, "DOWN"), review(200, "DOWN")])).toBe(100 / 3);
    expect(component([review(10, "UP")])).toBe(50);
  });

  it("share counts as 1 when no outcome is recorded", () => {
    expect(component([review(10)])).toBe(50);
    expect(component([review(10), review(20)])).toBe(100);
  });

  it("no review in the trailing year scores 0 (not no data)", () => {
    expect(component([])).toBe(0);
    expect(component([review(400, "UP")])).toBe(0);
  });
});
