import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PortfolioAccount, RevenueEvent } from "./accounts.ts";
import { accountMovements, customerRetentionRate, logoChurnRate, logoRetention } from "./retention.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const from = utc("2026-01-01");
const to = utc("2026-04-01");
const period = { from, to };

function account(
  signedUpAt: Date,
  churnedAt: Date | null = null,
  revenueEvents: RevenueEvent[] = [],
): PortfolioAccount {
  return { signedUpAt, churnedAt, revenueEvents };
}

const longAgo = utc("2025-06-01");

describe("logoChurnRate and customerRetentionRate from counts", () => {
  it("PRODUCT.md example: |S| = 50 with 5 churned → logo churn 10", () => {
    expect(logoChurnRate({ startingAccounts: 50, churnedAccounts: 5 })).toBe(10);
  });

  it("PRODUCT.md example: |S| = 50, E = 60, N = 15 → retention 90", () => {
    expect(customerRetentionRate({ startingAccounts: 50, endingAccounts: 60, newAccounts: 15 })).toBe(90);
  });

  it("empty starting cohort → null, not 0", () => {
    expect(logoChurnRate({ startingAccounts: 0, churnedAccounts: 0 })).toBeNull();
    expect(customerRetentionRate({ startingAccounts: 0, endingAccounts: 4, newAccounts: 4 })).toBeNull();
  });

  it("rejects impossible counts", () => {
    expectMetricError(() => logoChurnRate({ startingAccounts: 3, churnedAccounts: 4 }), "INVALID_COUNT");
    expectMetricError(() => logoChurnRate({ startingAccounts: -1, churnedAccounts: 0 }), "INVALID_COUNT");
    expectMetricError(
      () => customerRetentionRate({ startingAccounts: 10, endingAccounts: 5, newAccounts: 6 }),
      "INVALID_COUNT",
    );
    expectMetricError(
      () => customerRetentionRate({ startingAccounts: 10, endingAccounts: 25, newAccounts: 2 }),
      "INVALID_COUNT",
    );
  });
});

describe("logoRetention over accounts", () => {
  it("reproduces the worked examples from account rows: 50 starting, 5 churned, 15 new", () => {
    const accounts = [
      ...Array.from({ length: 45 }, () => account(longAgo)),
      ...Array.from({ length: 5 }, (_, i) => account(longAgo, addDays(from, 10 + i))),
      ...Array.from({ length: 15 }, (_, i) => account(addDays(from, i))),
    ];
    expect(logoRetention(accounts, period)).toEqual({
      startingAccounts: 50,
      churnedAccounts: 5,
      retainedAccounts: 45,
      endingAccounts: 60,
      newAccounts: 15,
      newActiveAccounts: 15,
      reactivatedAccounts: 0,
      joinedAccounts: 15,
      logoChurnRate: 10,
      customerRetentionRate: 90,
    });
  });

  it("an account that signed up exactly at `from` is new, not in S", () => {
    const movements = accountMovements([account(from), account(longAgo)], period);
    expect(movements.startingAccounts).toBe(1);
    expect(movements.newAccounts).toBe(1);
    expect(movements.endingAccounts).toBe(2);
  });

  it("an account that signed up exactly at `to` is not new and not active at `to`", () => {
    const movements = accountMovements([account(to)], period);
    expect(movements).toMatchObject({ newAccounts: 0, endingAccounts: 0, startingAccounts: 0 });
  });

  it("a churn exactly at `from` belongs to the period; one exactly at `to` to the next", () => {
    const atFrom = logoRetention([account(longAgo, from), account(longAgo)], period);
    expect(atFrom).toMatchObject({ startingAccounts: 2, churnedAccounts: 1, logoChurnRate: 50 });
    const atTo = logoRetention([account(longAgo, to), account(longAgo)], period);
    expect(atTo).toMatchObject({ startingAccounts: 2, churnedAccounts: 0, logoChurnRate: 0 });
  });

  it("churn and reactivation in the same period: not a churned logo", () => {
    const churnedAndBack = account(longAgo, null, [
      { kind: "NEW", mrrDelta: 100, occurredAt: longAgo },
      { kind: "CHURN", mrrDelta: -100, occurredAt: addDays(from, 10) },
      { kind: "REACTIVATION", mrrDelta: 100, occurredAt: addDays(from, 40) },
    ]);
    const churnedForGood = account(longAgo, addDays(from, 20));
    expect(logoRetention([churnedAndBack, churnedForGood], period)).toMatchObject({
      startingAccounts: 2,
      churnedAccounts: 1,
      retainedAccounts: 1,
      logoChurnRate: 50,
      customerRetentionRate: 50,
    });
  });

  it("a reactivation that is later churned again within the period counts as one churn", () => {
    const flapping = account(longAgo, addDays(from, 50), [
      { kind: "CHURN", mrrDelta: -100, occurredAt: addDays(from, 10) },
      { kind: "REACTIVATION", mrrDelta: 100, occurredAt: addDays(from, 20) },
    ]);
    expect(logoRetention([flapping], period)).toMatchObject({ churnedAccounts: 1, logoChurnRate: 100 });
  });

  it("a churnedAt left set after a later reactivation does not hide the reactivation", () => {
    const reactivated = account(longAgo, addDays(from, 5), [
      { kind: "REACTIVATION", mrrDelta: 80, occurredAt: addDays(from, 30) },
    ]);
    expect(logoRetention([reactivated], period)).toMatchObject({ churnedAccounts: 0, endingAccounts: 1 });
  });

  it("an account churned before `from` and back in the period is reactivated, not new, and does not inflate retention", () => {
    const cameBack = account(longAgo, utc("2025-10-01"), [
      { kind: "CHURN", mrrDelta: -50, occurredAt: utc("2025-10-01") },
      { kind: "REACTIVATION", mrrDelta: 50, occurredAt: addDays(from, 3) },
    ]);
    const result = logoRetention([cameBack, account(longAgo)], period);
    expect(result).toMatchObject({
      startingAccounts: 1,
      endingAccounts: 2,
      newAccounts: 0,
      reactivatedAccounts: 1,
      joinedAccounts: 1,
      customerRetentionRate: 100,
    });
  });

  it("the published counts reproduce the rate: N is joinedAccounts, not the sign-ups of the period", () => {
    // S 22 (2 of them churn), 10 sign-ups of which 2 churn, 1 reactivated: E 29, N 9, sign-ups 10.
    const accounts = [
      ...Array.from({ length: 20 }, () => account(longAgo)),
      ...Array.from({ length: 2 }, (_, i) => account(longAgo, addDays(from, 5 + i))),
      ...Array.from({ length: 8 }, (_, i) => account(addDays(from, 1 + i))),
      account(addDays(from, 2), addDays(from, 4)),
      account(addDays(from, 3), addDays(from, 6)),
      account(longAgo, utc("2025-10-01"), [
        { kind: "CHURN", mrrDelta: -50, occurredAt: utc("2025-10-01") },
        { kind: "REACTIVATION", mrrDelta: 50, occurredAt: addDays(from, 3) },
      ]),
    ];
    const result = logoRetention(accounts, period);
    expect(result).toMatchObject({
      startingAccounts: 22,
      endingAccounts: 29,
      newAccounts: 10,
      joinedAccounts: 9,
    });
    expect(result.customerRetentionRate).toBe(
      customerRetentionRate({
        startingAccounts: result.startingAccounts,
        endingAccounts: result.endingAccounts,
        newAccounts: result.joinedAccounts,
      }),
    );
    expect(result.customerRetentionRate).toBe((100 * 20) / 22);
  });

  it("a new account that churns within the period does not lower retention", () => {
    const result = logoRetention([account(longAgo), account(addDays(from, 1), addDays(from, 2))], period);
    expect(result).toMatchObject({ newAccounts: 1, newActiveAccounts: 0, customerRetentionRate: 100 });
  });

  it("no account active at `from` → null rates", () => {
    expect(logoRetention([account(addDays(from, 1))], period)).toMatchObject({
      logoChurnRate: null,
      customerRetentionRate: null,
    });
  });

  it("rejects an empty or reversed period and impossible dates", () => {
    expectMetricError(() => logoRetention([], { from, to: from }), "INVALID_PERIOD");
    expectMetricError(() => logoRetention([], { from: to, to: from }), "INVALID_PERIOD");
    expectMetricError(() => logoRetention([], { from: new Date(Number.NaN), to }), "INVALID_PERIOD");
    expectMetricError(() => logoRetention([account(from, longAgo)], period), "INVALID_DATE");
  });
});

describe("logoRetention properties", () => {
  const instant = fc.integer({ min: utc("2025-01-01").getTime(), max: utc("2026-07-01").getTime() });
  const portfolio = fc.array(
    fc.record({
      signedUpAt: instant,
      churnAfter: fc.option(fc.integer({ min: 0, max: 400 * 86_400_000 }), { nil: null }),
      flips: fc.array(fc.record({ at: instant, reactivation: fc.boolean() }), { maxLength: 3 }),
    }),
    { maxLength: 40 },
  );

  it("churn ∈ [0, 100] and retention = 100 − churn whenever S is not empty", () => {
    fc.assert(
      fc.property(portfolio, (rows) => {
        const accounts = rows.map((row) =>
          account(
            new Date(row.signedUpAt),
            row.churnAfter === null ? null : new Date(row.signedUpAt + row.churnAfter),
            row.flips
              .filter((flip) => flip.at >= row.signedUpAt)
              .map(
                (flip): RevenueEvent => ({
                  kind: flip.reactivation ? "REACTIVATION" : "CHURN",
                  mrrDelta: 0,
                  occurredAt: new Date(flip.at),
                }),
              ),
          ),
        );
        const result = logoRetention(accounts, period);
        expect(result.retainedAccounts + result.churnedAccounts).toBe(result.startingAccounts);
        expect(result.endingAccounts).toBe(
          result.retainedAccounts + result.newActiveAccounts + result.reactivatedAccounts,
        );
        expect(result.endingAccounts - result.joinedAccounts).toBe(result.retainedAccounts);
        if (result.startingAccounts === 0) {
          expect(result.logoChurnRate).toBeNull();
          return;
        }
        expect(result.logoChurnRate).toBeGreaterThanOrEqual(0);
        expect(result.logoChurnRate).toBeLessThanOrEqual(100);
        expect(
          (result.customerRetentionRate ?? Number.NaN) + (result.logoChurnRate ?? Number.NaN),
        ).toBeCloseTo(100, 9);
      }),
    );
  });
});
