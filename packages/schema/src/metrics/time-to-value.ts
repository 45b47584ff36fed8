import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, isWithinPeriod, MILLISECONDS_PER_DAY, type Period } from "./period.ts";
import { assertValidDate } from "./validate.ts";

export interface FirstValueAccount {
  signedUpAt: Date;
  /** Set when the account achieved the first-value milestone; null until then. */
  firstValueAt: Date | null;
}

/** Days (fractional) from sign-up to first value; null while first value is not reached. */
export function timeToFirstValueDays(account: FirstValueAccount): number | null {
  assertValidDate(account.signedUpAt, "signedUpAt");
  if (account.firstValueAt === null) return null;
  assertValidDate(account.firstValueAt, "firstValueAt");
  const elapsed = account.firstValueAt.getTime() - account.signedUpAt.getTime();
  if (elapsed < 0) throw new MetricInputError("INVALID_DATE", "firstValueAt must not be before signedUpAt");
  return elapsed / MILLISECONDS_PER_DAY;
}

export interface PortfolioTimeToFirstValue {
  /** Accounts that signed up in the period and have reached first value. */
  accounts: number;
  medianDays: number | null;
  averageDays: number | null;
}

/** Median and mean over accounts that signed up in [from, to) and reached first value. */
export function portfolioTimeToFirstValue(
  accounts: readonly FirstValueAccount[],
  period: Period,
): PortfolioTimeToFirstValue {
  assertValidPeriod(period);
  const days: number[] = [];
  for (const account of accounts) {
    const elapsed = timeToFirstValueDays(account);
    if (elapsed !== null && isWithinPeriod(account.signedUpAt, period)) days.push(elapsed);
  }
  if (days.length === 0) return { accounts: 0, medianDays: null, averageDays: null };
  days.sort((a, b) => a - b);
  const middle = Math.floor(days.length / 2);
  const medianDays = days.length % 2 === 1 ? days[middle] : (days[middle - 1] + days[middle]) / 2;
  const averageDays = days.reduce((sum, value) => sum + value, 0) / days.length;
  return { accounts: days.length, medianDays, averageDays };
}
