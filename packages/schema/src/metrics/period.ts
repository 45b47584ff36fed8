import { MetricInputError } from "./errors.ts";

/**
 * A half-open interval [from, to) in UTC: an instant t is inside when from <= t < to.
 * `to` must be strictly after `from`: an empty period has no days to divide by and no
 * meaningful rate, so from == to is rejected like to < from.
 */
export interface Period {
  from: Date;
  to: Date;
}

export const MILLISECONDS_PER_DAY = 86_400_000;

export function assertValidPeriod(period: Period): void {
  const from = period?.from;
  const to = period?.to;
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) {
    throw new MetricInputError("INVALID_PERIOD", "period.from must be a valid Date");
  }
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) {
    throw new MetricInputError("INVALID_PERIOD", "period.to must be a valid Date");
  }
  if (to.getTime() <= from.getTime()) {
    throw new MetricInputError(
      "INVALID_PERIOD",
      `period.to (${to.toISOString()}) must be after period.from (${from.toISOString()})`,
    );
  }
}

export function isWithinPeriod(instant: Date, period: Period): boolean {
  const t = instant.getTime();
  return t >= period.from.getTime() && t < period.to.getTime();
}

/** The trailing window [now − days, now) used by every "trailing N days" rule. */
export function trailingDays(now: Date, days: number): Period {
  return { from: new Date(now.getTime() - days * MILLISECONDS_PER_DAY), to: now };
}

/** Length in days, fractional when the bounds are not whole days apart. */
export function periodLengthDays(period: Period): number {
  assertValidPeriod(period);
  return (period.to.getTime() - period.from.getTime()) / MILLISECONDS_PER_DAY;
}
