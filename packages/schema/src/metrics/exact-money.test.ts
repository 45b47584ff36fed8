import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetricDecimal, ZERO } from "./decimal.ts";
import { amountUnits, ExactTotal, unitsToDecimal } from "./exact-money.ts";

describe("whole ten-thousandths", () => {
  it("reads plain amounts of up to 4 decimals, and nothing else", () => {
    expect(amountUnits("12.5")).toBe(125_000);
    expect(amountUnits("-0.0001")).toBe(-1);
    expect(amountUnits(42)).toBe(420_000);
    expect(amountUnits(0.1)).toBe(1_000);
    expect(amountUnits("900719925474.0991")).toBe(Number.MAX_SAFE_INTEGER);
    for (const other of [
      "0.00001",
      "1e3",
      " 1",
      "+1",
      ".5",
      "5.",
      "900719925474.0992",
      Number.NaN,
      new MetricDecimal(1),
    ]) {
      expect(amountUnits(other)).toBeNull();
    }
  });

  it("turns units back into the same Decimal as the amount", () => {
    for (const text of ["0", "12.5", "-0.0001", "900719925474.0991", "-3", "100.05"]) {
      const units = amountUnits(text);
      expect(units).not.toBeNull();
      expect(unitsToDecimal(units as number).toString()).toBe(new MetricDecimal(text).toString());
    }
  });
});

describe("ExactTotal", () => {
  it("equals the Decimal sum, also past 2^53 units and mixed with Decimals", () => {
    const amount = fc.oneof(
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map((units) => ({ units })),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((units) => ({ units })),
      fc
        .tuple(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.integer({ min: 0, max: 8 }))
        .map(([digits, scale]) => ({
          decimal: new MetricDecimal(digits.toString()).div(10 ** scale),
        })),
    );
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 30 }), (amounts) => {
        const total = new ExactTotal();
        let expected = ZERO;
        for (const a of amounts) {
          if ("units" in a) {
            total.addUnits(a.units);
            expected = expected.plus(new MetricDecimal(a.units).div(10_000));
          } else {
            total.addDecimal(a.decimal);
            expected = expected.plus(a.decimal);
          }
        }
        expect(total.value().toString()).toBe(expected.toString());
      }),
      { numRuns: 500 },
    );
  });
});
