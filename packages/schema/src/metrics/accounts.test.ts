import type { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountHistory,
  checkRevenueEvents,
  isActiveAt,
  isHistoryActiveAt,
  mrrAt,
  type PortfolioAccount,
  type RevenueEvent,
  type RevenueEventKind,
  revenueTimeline,
  sumsByKind,
  type TimelineAmounts,
  timelineMrrAt,
  timelineMrrNumberAt,
} from "./accounts.ts";
import { MetricDecimal, type MoneyInput, ZERO } from "./decimal.ts";
import {
  averageRevenuePerAccount,
  averageRevenuePerAccountFromHistories,
  portfolioLifetimeValue,
  portfolioLifetimeValueFromHistories,
  trailingYearLogoChurnRateFromHistories,
} from "./lifetime-value.ts";
import { type AccountMovements, accountMovementsFromHistories, logoRetention } from "./retention.ts";
import { type RevenueMovements, revenueMovementsFromHistories } from "./revenue.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const base = utc("2026-01-01");
const text = (value: Decimal | null): string | null => (value === null ? null : value.toString());

function event(kind: RevenueEventKind, mrrDelta: MoneyInput, occurredAt: Date): RevenueEvent {
  return { kind, mrrDelta, occurredAt };
}

describe("revenueTimeline", () => {
  it("orders events by time, keeping the input order of ties, with the running MRR", () => {
    const timeline = revenueTimeline([
      event("EXPANSION", "0.2", utc("2025-02-01")),
      event("NEW", "0.1", utc("2025-01-01")),
      event("CONTRACTION", "-0.05", utc("2025-02-01")),
    ]);
    expect(timeline.kinds).toEqual(["NEW", "EXPANSION", "CONTRACTION"]);
    const mrr = [utc("2025-01-01"), utc("2025-01-02"), utc("2025-02-02")].map((at) =>
      text(timelineMrrAt(timeline, at)),
    );
    expect(mrr).toEqual(["0", "0.1", "0.25"]);
    const sums = timeline.amounts(<Amount>(amounts: TimelineAmounts<Amount>) =>
      Object.values(sumsByKind(amounts, timeline.kinds, 1, 3)).map((sum) =>
        amounts.money.toDecimal(sum).toString(),
      ),
    );
    expect(sums).toEqual(["0", "0.2", "-0.05", "0", "0"]);
  });

  it("gives the same figures whether amounts fit whole ten-thousandths or need decimals", () => {
    const at = addDays(base, 10);
    const plain = [event("NEW", "1234.5678", base), event("CONTRACTION", -0.5, addDays(base, 1))];
    // A fifth decimal, an exponent and a Decimal object all take the Decimal path.
    const precise = [
      event("NEW", "1234.56780", base),
      event("CONTRACTION", new MetricDecimal("-5e-1"), addDays(base, 1)),
    ];
    expect(text(timelineMrrAt(revenueTimeline(plain), at))).toBe("1234.0678");
    expect(text(timelineMrrAt(revenueTimeline(precise), at))).toBe("1234.0678");
    expect(text(mrrAt([event("NEW", "0.00001", base), event("NEW", "0.1", base)], at))).toBe("0.10001");
    // Sums that could pass 2^53 ten-thousandths stay exact too.
    const huge = [event("NEW", "900000000000", base), event("EXPANSION", "900000000000.0001", base)];
    expect(text(timelineMrrAt(revenueTimeline(huge), at))).toBe("1800000000000.0001");
  });

  it("MRR at t counts only the events strictly before t", () => {
    const timeline = revenueTimeline([event("NEW", 100, base), event("EXPANSION", 50, addDays(base, 1))]);
    expect(text(timelineMrrAt(timeline, base))).toBe("0");
    expect(text(timelineMrrAt(timeline, new Date(base.getTime() + 1)))).toBe("100");
    expect(text(timelineMrrAt(timeline, addDays(base, 1)))).toBe("100");
    expect(text(timelineMrrAt(timeline, addDays(base, 2)))).toBe("150");
    expectMetricError(() => timelineMrrAt(timeline, new Date(Number.NaN)), "INVALID_DATE");
  });

  it("checks every event like the row functions", () => {
    expectMetricError(() => revenueTimeline([event("CHURN", 10, base)]), "INVALID_AMOUNT");
    expectMetricError(() => revenueTimeline([event("UPGRADE" as RevenueEventKind, 5, base)]), "UNKNOWN_KIND");
  });
});

describe("accountHistory", () => {
  it("checks dates at once, and revenue events only when a formula needs the account's MRR", () => {
    expectMetricError(
      () => accountHistory({ signedUpAt: base, churnedAt: addDays(base, -1), revenueEvents: [] }),
      "INVALID_DATE",
    );
    const badDelta: PortfolioAccount = {
      signedUpAt: base,
      churnedAt: null,
      revenueEvents: [event("EXPANSION", -5, addDays(base, 1))],
    };
    const history = accountHistory(badDelta);
    expect(isHistoryActiveAt(history, addDays(base, 2))).toBe(true);
    // Logo counts never needed the deltas; ARPA does.
    expect(logoRetention([badDelta], { from: addDays(base, 1), to: addDays(base, 3) }).startingAccounts).toBe(
      1,
    );
    expectMetricError(() => history.revenue(), "INVALID_AMOUNT");
    expectMetricError(() => averageRevenuePerAccount([badDelta], addDays(base, 2)), "INVALID_AMOUNT");
  });

  it("at equal instants a reactivation wins over a churn, whatever the input order", () => {
    const at = addDays(base, 5);
    const account: PortfolioAccount = {
      signedUpAt: base,
      churnedAt: at,
      revenueEvents: [event("REACTIVATION", 10, at), event("CHURN", -10, at), event("NEW", 10, base)],
    };
    expect(isActiveAt(account, addDays(at, 1))).toBe(true);
  });
});

// The row functions as they were before they delegated to account histories, kept here as the
// oracle: the history path must give exactly their figures.
const reference = {
  isChurnedAt(account: PortfolioAccount, t: number): boolean {
    let latestChurn = Number.NEGATIVE_INFINITY;
    let latestReactivation = Number.NEGATIVE_INFINITY;
    if (account.churnedAt !== null && account.churnedAt.getTime() < t)
      latestChurn = account.churnedAt.getTime();
    for (const e of account.revenueEvents) {
      const occurred = e.occurredAt.getTime();
      if (occurred >= t) continue;
      if (e.kind === "CHURN") latestChurn = Math.max(latestChurn, occurred);
      if (e.kind === "REACTIVATION") latestReactivation = Math.max(latestReactivation, occurred);
    }
    return latestChurn > latestReactivation;
  },
  isActiveAt(account: PortfolioAccount, at: Date): boolean {
    return account.signedUpAt.getTime() < at.getTime() && !reference.isChurnedAt(account, at.getTime());
  },
  mrrAt(events: readonly RevenueEvent[], at: Date): Decimal {
    return checkRevenueEvents(events)
      .filter((e) => e.occurredAt.getTime() < at.getTime())
      .reduce((sum, e) => sum.plus(e.mrrDelta), ZERO);
  },
  accountMovements(
    accounts: readonly PortfolioAccount[],
    period: { from: Date; to: Date },
  ): AccountMovements {
    const m = {
      startingAccounts: 0,
      churnedAccounts: 0,
      retainedAccounts: 0,
      endingAccounts: 0,
      newAccounts: 0,
      newActiveAccounts: 0,
      reactivatedAccounts: 0,
      joinedAccounts: 0,
    };
    for (const account of accounts) {
      const activeAtStart = reference.isActiveAt(account, period.from);
      const activeAtEnd = reference.isActiveAt(account, period.to);
      const t = account.signedUpAt.getTime();
      const isNew = t >= period.from.getTime() && t < period.to.getTime();
      if (activeAtStart) {
        m.startingAccounts += 1;
        if (activeAtEnd) m.retainedAccounts += 1;
        else m.churnedAccounts += 1;
      }
      if (activeAtEnd) m.endingAccounts += 1;
      if (isNew) {
        m.newAccounts += 1;
        if (activeAtEnd) m.newActiveAccounts += 1;
      } else if (!activeAtStart && activeAtEnd) m.reactivatedAccounts += 1;
      if (!activeAtStart && activeAtEnd) m.joinedAccounts += 1;
    }
    return m;
  },
  accountRevenueMovements(account: PortfolioAccount, period: { from: Date; to: Date }): RevenueMovements {
    let startingMrr = ZERO;
    let expansion = ZERO;
    let contraction = ZERO;
    let churned = ZERO;
    let reactivated = ZERO;
    for (const e of checkRevenueEvents(account.revenueEvents)) {
      const t = e.occurredAt.getTime();
      if (t < period.from.getTime()) {
        startingMrr = startingMrr.plus(e.mrrDelta);
        continue;
      }
      if (t >= period.to.getTime()) continue;
      if (e.kind === "EXPANSION") expansion = expansion.plus(e.mrrDelta);
      if (e.kind === "CONTRACTION") contraction = contraction.minus(e.mrrDelta);
      if (e.kind === "CHURN") churned = churned.minus(e.mrrDelta);
      if (e.kind === "REACTIVATION") reactivated = reactivated.plus(e.mrrDelta);
    }
    const reversedChurn = MetricDecimal.min(reactivated, churned);
    churned = churned.minus(reversedChurn);
    expansion = expansion.plus(reactivated.minus(reversedChurn));
    const lossBeyondStart = contraction.plus(churned).minus(MetricDecimal.max(startingMrr, ZERO));
    if (lossBeyondStart.gt(0)) {
      const fromChurned = MetricDecimal.min(churned, lossBeyondStart);
      churned = churned.minus(fromChurned);
      contraction = contraction.minus(lossBeyondStart.minus(fromChurned));
      expansion = MetricDecimal.max(ZERO, expansion.minus(lossBeyondStart));
    }
    return { startingMrr, expansionMrr: expansion, contractionMrr: contraction, churnedMrr: churned };
  },
  revenueMovements(
    accounts: readonly PortfolioAccount[],
    period: { from: Date; to: Date },
  ): RevenueMovements {
    let total: RevenueMovements = {
      startingMrr: ZERO,
      expansionMrr: ZERO,
      contractionMrr: ZERO,
      churnedMrr: ZERO,
    };
    for (const account of accounts) {
      if (!reference.isActiveAt(account, period.from)) continue;
      const m = reference.accountRevenueMovements(account, period);
      total = {
        startingMrr: total.startingMrr.plus(m.startingMrr),
        expansionMrr: total.expansionMrr.plus(m.expansionMrr),
        contractionMrr: total.contractionMrr.plus(m.contractionMrr),
        churnedMrr: total.churnedMrr.plus(m.churnedMrr),
      };
    }
    return total;
  },
  totalMrr(accounts: readonly PortfolioAccount[], at: Date): { totalMrr: Decimal; activeAccounts: number } {
    const active = accounts.filter((account) => reference.isActiveAt(account, at));
    return {
      totalMrr: active.reduce((sum, account) => sum.plus(reference.mrrAt(account.revenueEvents, at)), ZERO),
      activeAccounts: active.length,
    };
  },
};

const movementText = (m: RevenueMovements) =>
  [m.startingMrr, m.expansionMrr, m.contractionMrr, m.churnedMrr].map(String);

describe("account histories give the row formulas' exact figures", () => {
  const kinds: RevenueEventKind[] = ["NEW", "EXPANSION", "CONTRACTION", "CHURN", "REACTIVATION"];
  /**
   * Amounts with the sign each kind requires: mostly up to 4 decimals (the column's scale, the
   * whole-units path), sometimes more decimals or sums beyond 2^53 units (the Decimal path),
   * given as strings, numbers or Decimals.
   */
  const amount = fc.record({
    digits: fc.integer({ min: 0, max: 99_999_999 }),
    decimals: fc.integer({ min: 0, max: 6 }),
    scale: fc.constantFrom(1, 1, 1, 1e9),
    as: fc.constantFrom("string", "string", "number", "decimal"),
  });
  // Days on a small grid so that events, churns, sign-ups and period bounds often coincide.
  const day = fc.integer({ min: -40, max: 40 });
  const rawEvent = fc.record({
    kind: fc.constantFrom(...kinds),
    amount,
    day,
    minute: fc.constantFrom(0, 0, 0, 7),
  });
  const accountArbitrary = fc.record({
    signedUpDay: day,
    churnedDay: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
    // Any order, as a caller may pass them: histories sort, the row functions never relied on order.
    events: fc.array(rawEvent, { maxLength: 7 }),
  });

  function toAccount(
    row: typeof accountArbitrary extends fc.Arbitrary<infer T> ? T : never,
  ): PortfolioAccount {
    const signedUpAt = addDays(base, row.signedUpDay);
    return {
      signedUpAt,
      churnedAt: row.churnedDay === null ? null : addDays(signedUpAt, row.churnedDay),
      revenueEvents: row.events.map((e) => {
        const magnitude = new MetricDecimal(e.amount.digits)
          .times(e.amount.scale)
          .div(10 ** e.amount.decimals);
        const signed = e.kind === "CONTRACTION" || e.kind === "CHURN" ? magnitude.neg() : magnitude;
        const delta =
          e.amount.as === "decimal"
            ? signed
            : e.amount.as === "number"
              ? signed.toNumber()
              : signed.toString();
        return event(e.kind, delta, new Date(addDays(base, e.day).getTime() + e.minute * 60_000));
      }),
    };
  }

  const periodArbitrary = fc
    .tuple(fc.integer({ min: -45, max: 45 }), fc.integer({ min: 1, max: 60 }))
    .map(([start, length]) => ({ from: addDays(base, start), to: addDays(base, start + length) }));

  it("logo and revenue movements, ARPA and MRR per account, over shared histories and several periods", () => {
    fc.assert(
      fc.property(
        fc.array(accountArbitrary, { maxLength: 15 }),
        fc.array(periodArbitrary, { minLength: 1, maxLength: 4 }),
        (rows, periods) => {
          const accounts = rows.map(toAccount);
          // Built once and reused by every formula and period, as a request does.
          const histories = accounts.map(accountHistory);
          for (const period of periods) {
            expect(accountMovementsFromHistories(histories, period)).toEqual(
              reference.accountMovements(accounts, period),
            );
            const movements = revenueMovementsFromHistories(histories, period);
            const expected = reference.revenueMovements(accounts, period);
            expect(movementText(movements)).toEqual(movementText(expected));
            for (const at of [period.from, period.to]) {
              const arpa = averageRevenuePerAccountFromHistories(histories, at);
              const totals = reference.totalMrr(accounts, at);
              expect(arpa.activeAccounts).toBe(totals.activeAccounts);
              expect(arpa.totalMrr.toString()).toBe(totals.totalMrr.toString());
              accounts.forEach((account, index) => {
                const history = histories[index] as (typeof histories)[number];
                expect(isHistoryActiveAt(history, at)).toBe(reference.isActiveAt(account, at));
                expect(timelineMrrAt(history.revenue(), at).toString()).toBe(
                  reference.mrrAt(account.revenueEvents, at).toString(),
                );
                // The MRR ordering's number: the double of the exact amount, with no Decimal made.
                expect(timelineMrrNumberAt(history.revenue(), at)).toBe(
                  reference.mrrAt(account.revenueEvents, at).toNumber(),
                );
                expect(mrrAt(account.revenueEvents, at).toString()).toBe(
                  reference.mrrAt(account.revenueEvents, at).toString(),
                );
              });
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("trailing-year churn and portfolio CLTV: the row functions and the shared histories agree", () => {
    fc.assert(
      fc.property(fc.array(accountArbitrary, { maxLength: 15 }), day, (rows, nowDay) => {
        const accounts = rows.map(toAccount);
        const histories = accounts.map(accountHistory);
        const now = addDays(base, nowDay + 400);
        const yearAgo = { from: addDays(now, -365), to: now };
        const logos = reference.accountMovements(accounts, yearAgo);
        const churn = trailingYearLogoChurnRateFromHistories(histories, now);
        expect(text(churn)).toBe(
          logos.startingAccounts === 0
            ? null
            : new MetricDecimal(100).times(logos.churnedAccounts).div(logos.startingAccounts).toString(),
        );
        const settings = { grossMargin: "0.75", lifetimeCapMonths: 48 };
        const fromHistories = portfolioLifetimeValueFromHistories(histories, now, settings);
        const fromRows = portfolioLifetimeValue(accounts, now, settings);
        expect(text(fromHistories.averageLifetimeValue)).toBe(text(fromRows.averageLifetimeValue));
        expect(text(fromHistories.arpa)).toBe(text(fromRows.arpa));
        expect(text(fromHistories.arpa)).toBe(
          text(
            reference.totalMrr(accounts, now).activeAccounts === 0
              ? null
              : reference
                  .totalMrr(accounts, now)
                  .totalMrr.div(reference.totalMrr(accounts, now).activeAccounts),
          ),
        );
      }),
      { numRuns: 200 },
    );
  });
});
