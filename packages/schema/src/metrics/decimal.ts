import { Decimal } from "decimal.js";
import { MetricInputError } from "./errors.ts";

/**
 * Money and money-derived rates are decimals, never binary floats. A private constructor with
 * 40 significant digits keeps intermediate quotients (1/3 of an MRR) far beyond any currency's
 * precision without touching the global Decimal settings other packages may rely on. Its
 * instances are ordinary `Decimal`s (same prototype).
 */
export const MetricDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** Prisma's Decimal, a decimal.js Decimal, a decimal string or a JS number. */
export type MoneyInput = Decimal.Value;

export const ZERO = new MetricDecimal(0);
export const HUNDRED = new MetricDecimal(100);

export function toDecimal(value: MoneyInput, what: string): Decimal {
  let decimal: Decimal;
  try {
    decimal = new MetricDecimal(value);
  } catch {
    throw new MetricInputError("INVALID_AMOUNT", `${what} must be a decimal number, got ${String(value)}`);
  }
  if (!decimal.isFinite()) {
    throw new MetricInputError("INVALID_AMOUNT", `${what} must be finite, got ${String(value)}`);
  }
  return decimal;
}
