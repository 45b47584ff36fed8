import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { netPromoterScore, npsFromCounts, npsFromScoreCounts } from "./nps.ts";
import { expectMetricError } from "./testing.ts";

describe("netPromoterScore", () => {
  it("PRODUCT.md example: [10, 9, 9, 8, 7, 6, 5, 10, 3, 0] → 4 promoters, 2 passives, 4 detractors → 0", () => {
    expect(netPromoterScore([10, 9, 9, 8, 7, 6, 5, 10, 3, 0])).toEqual({
      score: 0,
      promoters: 4,
      passives: 2,
      detractors: 4,
      responses: 10,
    });
  });

  it("PRODUCT.md example: 12 promoters, 5 passives, 3 detractors → 45", () => {
    expect(npsFromCounts({ promoters: 12, passives: 5, detractors: 3 })).toEqual({
      score: 45,
      promoters: 12,
      passives: 5,
      detractors: 3,
      responses: 20,
    });
  });

  it("puts 6 with detractors, 7–8 with passives and 9 with promoters", () => {
    expect(netPromoterScore([6])?.detractors).toBe(1);
    expect(netPromoterScore([7, 8])?.passives).toBe(2);
    expect(netPromoterScore([9])?.promoters).toBe(1);
  });

  it("keeps the exact value: two promoters and one detractor of three → 100/3", () => {
    expect(netPromoterScore([10, 9, 2])?.score).toBe(100 / 3);
  });

  it("no responses → null, never 0", () => {
    expect(netPromoterScore([])).toBeNull();
    expect(npsFromCounts({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
    expect(npsFromScoreCounts([{ score: 9, count: 0 }])).toBeNull();
  });

  it("all detractors → −100, all promoters → 100, all passives → 0", () => {
    expect(netPromoterScore([0, 3, 6, 6])?.score).toBe(-100);
    expect(netPromoterScore([9, 10])?.score).toBe(100);
    expect(netPromoterScore([7, 8, 7])?.score).toBe(0);
  });

  it("rejects scores off the 0–10 integer scale", () => {
    for (const score of [-1, 11, 7.5, Number.NaN]) {
      expectMetricError(() => netPromoterScore([9, score]), "SCORE_OUT_OF_RANGE");
    }
  });

  it("takes GROUP BY score rows, adding up repeated scores", () => {
    const rows = [
      { score: 10, count: 3 },
      { score: 8, count: 2 },
      { score: 0, count: 1 },
      { score: 10, count: 1 },
    ];
    expect(npsFromScoreCounts(rows)).toEqual({
      score: 300 / 7,
      promoters: 4,
      passives: 2,
      detractors: 1,
      responses: 7,
    });
  });

  it("rejects negative or fractional counts", () => {
    expectMetricError(() => npsFromScoreCounts([{ score: 9, count: -1 }]), "INVALID_COUNT");
    expectMetricError(() => npsFromCounts({ promoters: 1.5, passives: 0, detractors: 0 }), "INVALID_COUNT");
    expectMetricError(() => npsFromScoreCounts([{ score: 12, count: 1 }]), "SCORE_OUT_OF_RANGE");
  });
});

describe("netPromoterScore properties", () => {
  const scores = fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 200 });

  it("lies in [−100, 100] and its counts add up to the responses", () => {
    fc.assert(
      fc.property(scores, (values) => {
        const result = netPromoterScore(values);
        expect(result).not.toBeNull();
        if (result === null) return;
        expect(result.score).toBeGreaterThanOrEqual(-100);
        expect(result.score).toBeLessThanOrEqual(100);
        expect(result.promoters + result.passives + result.detractors).toBe(values.length);
      }),
    );
  });

  it("from raw scores equals from their GROUP BY histogram", () => {
    fc.assert(
      fc.property(scores, (values) => {
        const histogram = new Map<number, number>();
        for (const value of values) histogram.set(value, (histogram.get(value) ?? 0) + 1);
        const rows = [...histogram].map(([score, count]) => ({ score, count }));
        expect(npsFromScoreCounts(rows)).toEqual(netPromoterScore(values));
      }),
    );
  });

  it("adding a promoter never lowers the score, adding a detractor never raises it", () => {
    fc.assert(
      fc.property(scores, (values) => {
        const base = netPromoterScore(values)?.score ?? 0;
        expect(netPromoterScore([...values, 10])?.score).toBeGreaterThanOrEqual(base);
        expect(netPromoterScore([...values, 0])?.score).toBeLessThanOrEqual(base);
      }),
    );
  });
});
