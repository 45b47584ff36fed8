import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cesFromScoreCounts, customerEffortScore } from "./ces.ts";
import { expectMetricError } from "./testing.ts";

describe("customerEffortScore", () => {
  it("PRODUCT.md example: [7, 6, 5, 2] → 5.0 (share 5–7: 75)", () => {
    expect(customerEffortScore([7, 6, 5, 2])).toEqual({ score: 5, easyShare: 75, easy: 3, responses: 4 });
  });

  it("counts 5 as easy and 4 as not: [4, 5, 1] → average 10/3, share 100/3", () => {
    const result = customerEffortScore([4, 5, 1]);
    expect(result?.score).toBe(10 / 3);
    expect(result?.easyShare).toBe(100 / 3);
  });

  it("no responses → null", () => {
    expect(customerEffortScore([])).toBeNull();
    expect(cesFromScoreCounts([{ score: 7, count: 0 }])).toBeNull();
  });

  it("rejects scores off the 1–7 scale", () => {
    for (const score of [0, 8, 6.5])
      expectMetricError(() => customerEffortScore([score]), "SCORE_OUT_OF_RANGE");
  });

  it("takes GROUP BY score rows", () => {
    expect(
      cesFromScoreCounts([
        { score: 7, count: 1 },
        { score: 6, count: 1 },
        { score: 5, count: 1 },
        { score: 2, count: 1 },
      ]),
    ).toEqual(customerEffortScore([7, 6, 5, 2]));
  });

  it("average in [1, 7] and share in [0, 100] for any responses", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 200 }), (scores) => {
        const result = customerEffortScore(scores);
        expect(result?.score).toBeGreaterThanOrEqual(1);
        expect(result?.score).toBeLessThanOrEqual(7);
        expect(result?.easyShare).toBeGreaterThanOrEqual(0);
        expect(result?.easyShare).toBeLessThanOrEqual(100);
      }),
    );
  });
});
