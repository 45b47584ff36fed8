import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csatFromScoreCounts, customerSatisfaction } from "./csat.ts";
import { expectMetricError } from "./testing.ts";

describe("customerSatisfaction", () => {
  it("PRODUCT.md example: [5, 4, 3, 2, 5] → 60 (average 3.8)", () => {
    expect(customerSatisfaction([5, 4, 3, 2, 5])).toEqual({
      score: 60,
      average: 3.8,
      satisfied: 3,
      responses: 5,
    });
  });

  it("counts only 4 and 5 as satisfied: [3, 3, 4] → 100/3, average 10/3", () => {
    const result = customerSatisfaction([3, 3, 4]);
    expect(result?.score).toBe(100 / 3);
    expect(result?.average).toBe(10 / 3);
  });

  it("no responses → null", () => {
    expect(customerSatisfaction([])).toBeNull();
    expect(csatFromScoreCounts([])).toBeNull();
  });

  it("all unhappy → 0 with average 1", () => {
    expect(customerSatisfaction([1, 1])).toEqual({ score: 0, average: 1, satisfied: 0, responses: 2 });
  });

  it("rejects scores off the 1–5 scale", () => {
    for (const score of [0, 6, 4.5])
      expectMetricError(() => customerSatisfaction([score]), "SCORE_OUT_OF_RANGE");
  });

  it("takes GROUP BY score rows", () => {
    expect(
      csatFromScoreCounts([
        { score: 5, count: 2 },
        { score: 4, count: 1 },
        { score: 3, count: 1 },
        { score: 2, count: 1 },
      ]),
    ).toEqual(customerSatisfaction([5, 4, 3, 2, 5]));
  });

  it("share in [0, 100] and average in [1, 5] for any responses", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 200 }), (scores) => {
        const result = customerSatisfaction(scores);
        expect(result?.score).toBeGreaterThanOrEqual(0);
        expect(result?.score).toBeLessThanOrEqual(100);
        expect(result?.average).toBeGreaterThanOrEqual(1);
        expect(result?.average).toBeLessThanOrEqual(5);
      }),
    );
  });
});
