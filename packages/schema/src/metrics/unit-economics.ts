// Unit economics: acquisition spend of a period, CAC, CAC payback and LTV:CAC. Money stays
// Decimal; the payback months and the LTV:CAC ratio are Decimals the API publishes as floats.
import type { Decimal } from "decimal.js";
import { MetricDecimal, type MoneyInput, toDecimal, ZERO } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, type Period } from "./period.ts";
import { assertCount, assertValidDate } from "./validate.ts";

/** Spend over [periodStart, periodEnd), optionally for one segment (null: not attributed). */
export interface AcquisitionSpendEntry {
  periodStart: Date;
  periodEnd: Date;
  amount: MoneyInput;
  segment: string | null;
}

/**
 * Acquisition spend of `period`: each entry counts with the share of its own span that lies in the
 * period (spread evenly over time), so a monthly spend splits exactly across weekly buckets. With a
 * segment, only the entries of that segment count; without one (the whole portfolio), all do.
 */
export function acquisitionSpendInPeriod(
  entries: readonly AcquisitionSpendEntry[],
  period: Period,
  segment: string | null = null,
): Decimal {
  assertValidPeriod(period);
  let total: Decimal = ZERO;
  for (const entry of entries) {
    assertValidDate(entry.periodStart, "periodStart");
    assertValidDate(entry.periodEnd, "periodEnd");
    const start = entry.periodStart.getTime();
    const end = entry.periodEnd.getTime();
    if (end <= start) throw new MetricInputError("INVALID_PERIOD", "periodEnd must be after periodStart");
    const amount = toDecimal(entry.amount, "amount");
    if (amount.isNegative()) throw new MetricInputError("INVALID_AMOUNT", "spend must not be negative");
    if (segment !== null && entry.segment !== segment) continue;
    const overlap = Math.min(end, period.to.getTime()) - Math.max(start, period.from.getTime());
    if (overlap <= 0) continue;
    total = total.plus(overlap === end - start ? amount : amount.times(overlap).dividedBy(end - start));
  }
  return total;
}

/** CAC = spend / new accounts of the period; null without new accounts. */
export function customerAcquisitionCost(spend: MoneyInput, newAccounts: number): Decimal | null {
  assertCount(newAccounts, "newAccounts");
  const amount = toDecimal(spend, "spend");
  if (amount.isNegative()) throw new MetricInputError("INVALID_AMOUNT", "spend must not be negative");
  if (newAccounts === 0) return null;
  return amount.dividedBy(newAccounts);
}

function assertMargin(grossMargin: MoneyInput): Decimal {
  const margin = toDecimal(grossMargin, "grossMargin");
  if (margin.lessThan(0) || margin.greaterThan(1)) {
    throw new MetricInputError("INVALID_SETTING", `grossMargin must be in [0, 1], got ${margin.toString()}`);
  }
  return margin;
}

/**
 * Months of gross-margin revenue an average account needs to repay its acquisition:
 * CAC / (ARPA × gross margin). null when CAC or ARPA is unknown, or ARPA × margin is 0.
 */
export function cacPaybackMonths(
  cac: MoneyInput | null,
  arpa: MoneyInput | null,
  grossMargin: MoneyInput,
): Decimal | null {
  const margin = assertMargin(grossMargin);
  if (cac === null || arpa === null) return null;
  const monthly = toDecimal(arpa, "arpa").times(margin);
  if (monthly.lessThanOrEqualTo(0)) return null;
  return toDecimal(cac, "cac").dividedBy(monthly);
}

/** LTV:CAC = average CLTV / CAC; null when either is unknown or CAC is 0. */
export function lifetimeValueToCac(
  averageLifetimeValue: MoneyInput | null,
  cac: MoneyInput | null,
): Decimal | null {
  if (averageLifetimeValue === null || cac === null) return null;
  const cost = toDecimal(cac, "cac");
  if (cost.isZero()) return null;
  return toDecimal(averageLifetimeValue, "averageLifetimeValue").dividedBy(cost);
}

export interface UnitEconomics {
  acquisitionSpend: Decimal;
  cac: Decimal | null;
  cacPaybackMonths: Decimal | null;
  ltvToCac: Decimal | null;
}

/** All of the above at once, from the period's spend and new accounts, ARPA and average CLTV. */
export function unitEconomics(input: {
  spend: MoneyInput;
  newAccounts: number;
  arpa: MoneyInput | null;
  averageLifetimeValue: MoneyInput | null;
  grossMargin: MoneyInput;
}): UnitEconomics {
  const acquisitionSpend = new MetricDecimal(toDecimal(input.spend, "spend"));
  const cac = customerAcquisitionCost(acquisitionSpend, input.newAccounts);
  return {
    acquisitionSpend,
    cac,
    cacPaybackMonths: cacPaybackMonths(cac, input.arpa, input.grossMargin),
    ltvToCac: lifetimeValueToCac(input.averageLifetimeValue, cac),
  };
}
