import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feedbackHealthComponent } from "./feedback.ts";
import { expectMetricError } from "./testing.ts";

describe("feedbackHealthComponent", () => {
  it("PRODUCT.md example: NPS 20, CSAT 80, CES 5.5 → (60 + 80 + 75) / 3 = 71.67", () => {
    const value = feedbackHealthComponent({ nps: 20, csat: 80, ces: 5.5 });
    expect(value).toBe(215 / 3);
    expect(value?.toFixed(2)).toBe("71.67");
  });

  it("averages only the available surveys", () => {
    expect(feedbackHealthComponent({ nps: -100, csat: null, ces: null })).toBe(0);
    expect(feedbackHealthComponent({ nps: null, csat: 40, ces: 7 })).toBe(70);
    expect(feedbackHealthComponent({ nps: null, csat: null, ces: 1 })).toBe(0);
  });

  it("no survey data → null", () => {
    expect(feedbackHealthComponent({ nps: null, csat: null, ces: null })).toBeNull();
  });

  it("rejects values off their scales", () => {
    expectMetricError(
      () => feedbackHealthComponent({ nps: 101, csat: null, ces: null }),
      "SCORE_OUT_OF_RANGE",
    );
    expectMetricError(
      () => feedbackHealthComponent({ nps: null, csat: -1, ces: null }),
      "SCORE_OUT_OF_RANGE",
    );
    expectMetricError(
      () => feedbackHealthComponent({ nps: null, csat: null, ces: 0.5 }),
      "SCORE_OUT_OF_RANGE",
    );
  });

  it("stays within [0, 100]", () => {
    fc.assert(
      fc.property(
        fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null }),
        fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
        fc.option(fc.double({ min: 1, max: 7, noNaN: true }), { nil: null }),
        (nps, csat, ces) => {
          const value = feedbackHealthComponent({ nps, csat, ces });
          if (nps === null && csat === null && ces === null) {
            expect(value).toBeNull();
            return;
          }
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});
