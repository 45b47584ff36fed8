import { MetricInputError } from "./errors.ts";
import { isWithinPeriod, trailingDays } from "./period.ts";
import { assertCount, assertValidDate } from "./validate.ts";

export const PAYMENT_HEALTH_WINDOW_DAYS = 365;

export interface Invoice {
  dueAt: Date;
  paidAt: Date | null;
}

export interface PaymentTimeliness {
  /** Invoices due in [now − 365 days, now). */
  invoicesDue: number;
  /** Of those, paid on or before their due date. */
  paidOnTime: number;
  /** Paid after the due date, or still unpaid (every counted invoice is past due). */
  late: number;
  /** 100 × paid on time / due; null without invoices due (no data, not a perfect score). */
  score: number | null;
}

export function paymentTimelinessFromCounts(counts: {
  invoicesDue: number;
  paidOnTime: number;
}): PaymentTimeliness {
  const { invoicesDue, paidOnTime } = counts;
  assertCount(invoicesDue, "invoicesDue");
  assertCount(paidOnTime, "paidOnTime");
  if (paidOnTime > invoicesDue)
    throw new MetricInputError("INVALID_COUNT", "paidOnTime cannot exceed invoicesDue");
  return {
    invoicesDue,
    paidOnTime,
    late: invoicesDue - paidOnTime,
    score: invoicesDue === 0 ? null : (100 * paidOnTime) / invoicesDue,
  };
}

export function paymentTimeliness(invoices: readonly Invoice[], now: Date): PaymentTimeliness {
  assertValidDate(now, "now");
  const window = trailingDays(now, PAYMENT_HEALTH_WINDOW_DAYS);
  let invoicesDue = 0;
  let paidOnTime = 0;
  for (const invoice of invoices) {
    assertValidDate(invoice.dueAt, "invoice.dueAt");
    if (invoice.paidAt !== null) assertValidDate(invoice.paidAt, "invoice.paidAt");
    if (!isWithinPeriod(invoice.dueAt, window)) continue;
    invoicesDue += 1;
    if (invoice.paidAt !== null && invoice.paidAt.getTime() <= invoice.dueAt.getTime()) paidOnTime += 1;
  }
  return paymentTimelinessFromCounts({ invoicesDue, paidOnTime });
}

export function paymentHealthComponent(invoices: readonly Invoice[], now: Date): number | null {
  return paymentTimeliness(invoices, now).score;
}
