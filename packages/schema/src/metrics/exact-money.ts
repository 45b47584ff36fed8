import type { Decimal } from "decimal.js";
import { MetricDecimal, type MoneyInput, ZERO } from "./decimal.ts";

/**
 * Money sums without a Decimal per operation. Amounts with at most 4 decimals (the database's
 * scale) are whole ten-thousandths: as plain numbers they add, subtract and compare exactly as
 * long as no value passes 2^53, and a Decimal is made only for a result. Any other amount (more
 * decimals, an exponent, a Decimal object) stays a Decimal. Both give the same values, since
 * additions and subtractions of such amounts are exact in either.
 */
export const UNITS_PER_CURRENCY = 10_000;
const MAX_WHOLE_DIGITS = 15;
const MAX_DECIMALS = 4;

/**
 * The amount in whole ten-thousandths, or null when it is not a plain decimal that fits: digits,
 * an optional leading "-", at most 4 decimals (hand-parsed: a regular expression per amount
 * was a visible share of a portfolio request).
 */
export function amountUnits(value: MoneyInput): number | null {
  const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
  if (text === null) return null;
  const negative = text.charCodeAt(0) === 45; // "-"
  let index = negative ? 1 : 0;
  let whole = 0;
  const wholeStart = index;
  for (; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  const wholeDigits = index - wholeStart;
  if (wholeDigits === 0 || wholeDigits > MAX_WHOLE_DIGITS) return null;
  let fraction = 0;
  let decimals = 0;
  if (index < text.length) {
    if (text.charCodeAt(index) !== 46) return null; // "."
    for (index++; index < text.length; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) return null;
      fraction = fraction * 10 + digit;
      decimals++;
    }
    if (decimals === 0 || decimals > MAX_DECIMALS) return null;
  }
  const units = whole * UNITS_PER_CURRENCY + fraction * 10 ** (MAX_DECIMALS - decimals);
  if (units > Number.MAX_SAFE_INTEGER) return null;
  return negative ? -units : units;
}

export function unitsToDecimal(units: number): Decimal {
  if (units === 0) return ZERO;
  const magnitude = Math.abs(units);
  const whole = Math.floor(magnitude / UNITS_PER_CURRENCY);
  const fraction = magnitude % UNITS_PER_CURRENCY;
  const sign = units < 0 ? "-" : "";
  if (fraction === 0) return new MetricDecimal(`${sign}${whole}`);
  return new MetricDecimal(`${sign}${whole}.${String(fraction).padStart(4, "0")}`);
}

/** The operations money formulas use, so that each formula is written once for both kinds. */
export interface MoneyArithmetic<Amount> {
  zero: Amount;
  plus(a: Amount, b: Amount): Amount;
  minus(a: Amount, b: Amount): Amount;
  min(a: Amount, b: Amount): Amount;
  max(a: Amount, b: Amount): Amount;
  isZero(a: Amount): boolean;
  isPositive(a: Amount): boolean;
}

export const UNITS: MoneyArithmetic<number> = {
  zero: 0,
  plus: (a, b) => a + b,
  minus: (a, b) => a - b,
  min: Math.min,
  max: Math.max,
  isZero: (a) => a === 0,
  isPositive: (a) => a > 0,
};

export const DECIMALS: MoneyArithmetic<Decimal> = {
  zero: ZERO,
  plus: (a, b) => a.plus(b),
  minus: (a, b) => a.minus(b),
  min: (a, b) => MetricDecimal.min(a, b),
  max: (a, b) => MetricDecimal.max(a, b),
  isZero: (a) => a.isZero(),
  isPositive: (a) => a.gt(0),
};

/**
 * An exact running total fed with units and Decimals: units add up as numbers, and move into
 * the Decimal part before they could pass 2^53. Adding zero allocates nothing.
 */
export class ExactTotal {
  private units = 0;
  private decimal: Decimal = ZERO;

  addUnits(units: number): void {
    if (units === 0) return;
    if (Math.abs(this.units) + Math.abs(units) > Number.MAX_SAFE_INTEGER) {
      this.decimal = this.decimal.plus(unitsToDecimal(this.units));
      this.units = 0;
    }
    this.units += units;
  }

  addDecimal(amount: Decimal): void {
    if (!amount.isZero()) this.decimal = this.decimal.plus(amount);
  }

  value(): Decimal {
    if (this.units === 0) return this.decimal;
    return this.decimal.isZero() ? unitsToDecimal(this.units) : this.decimal.plus(unitsToDecimal(this.units));
  }
}
