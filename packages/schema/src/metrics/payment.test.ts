import { describe, expect, it } from "vitest";
import {
  type Invoice,
  paymentHealthComponent,
  paymentTimeliness,
  paymentTimelinessFromCounts,
} from "./payment.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01");
const invoice = (dueDaysAgo: number, paidDaysAfterDue: number | null): Invoice => {
  const dueAt = addDays(now, -dueDaysAgo);
  return { dueAt, paidAt: paidDaysAfterDue === null ? null : addDays(dueAt, paidDaysAfterDue) };
};

describe("payment component", () => {
  it("100 × invoices paid on or before due / invoices due in the trailing 365 days", () => {
    const invoices = [
      invoice(300, -5), // early
      invoice(200, 0), // on the due instant: on time
      invoice(100, 3), // late
      invoice(10, null), // unpaid past due: late
      invoice(400, 0), // outside the window
      invoice(-10, null), // not due yet
    ];
    expect(paymentTimeliness(invoices, now)).toEqual({ invoicesDue: 4, paidOnTime: 2, late: 2, score: 50 });
    expect(paymentHealthComponent(invoices, now)).toBe(50);
  });

  it("no invoice due → no data (null), not 100", () => {
    expect(paymentHealthComponent([], now)).toBeNull();
    expect(paymentHealthComponent([invoice(-3, null)], now)).toBeNull();
  });

  it("from counts", () => {
    expect(paymentTimelinessFromCounts({ invoicesDue: 3, paidOnTime: 2 }).score).toBe(200 / 3);
    expectMetricError(() => paymentTimelinessFromCounts({ invoicesDue: 1, paidOnTime: 2 }), "INVALID_COUNT");
  });
});
