import type { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PortfolioAccount, RevenueEvent } from "./accounts.ts";
import {
  accountLifetimeValue,
  arpaFromTotals,
  averageRevenuePerAccount,
  customerLifetime,
  customerLifetimeValue,
  lifetimeSettingsForReads,
  portfolioLifetimeValue,
  trailingYearLogoChurnRate,
} from "./lifetime-value.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const text = (value: Decimal | null | undefined): string | null => (value == null ? null : value.toString());
const now = utc("2026-07-01");

function payingAccount(mrr: number, signedUpAt: Date, churnedAt: Date | null = null): PortfolioAccount {
  const revenueEvents: RevenueEvent[] = [{ kind: "NEW", mrrDelta: mrr, occurredAt: signedUpAt }];
  if (churnedAt) revenueEvents.push({ kind: "CHURN", mrrDelta: -mrr, occurredAt: churnedAt });
  return { signedUpAt, churnedAt, revenueEvents };
}

describe("customerLifetimeValue", () => {
  it("PRODUCT.md example: MRR 1,000, margin 0.8, trailing-12-month churn 24 → monthly 0.02 → 50 months → 40,000", () => {
    const result = customerLifetimeValue({ mrr: 1000, grossMargin: "0.8", trailingYearLogoChurnRate: 24 });
    expect(text(result?.monthlyChurn)).toBe("0.02");
    expect(text(result?.lifetimeMonths)).toBe("50");
    expect(text(result?.value)).toBe("40000");
  });

  it("PRODUCT.md example: zero churn → 60 months → 48,000", () => {
    const result = customerLifetimeValue({ mrr: 1000, trailingYearLogoChurnRate: 0 });
    expect(text(result?.lifetimeMonths)).toBe("60");
    expect(text(result?.value)).toBe("48000");
  });

  it("defaults to margin 0.8 and caps long lifetimes: churn 12 → 100 months → capped at 60", () => {
    expect(text(customerLifetime({ trailingYearLogoChurnRate: 12 })?.lifetimeMonths)).toBe("60");
    expect(
      text(customerLifetime({ trailingYearLogoChurnRate: 12, lifetimeCapMonths: 120 })?.lifetimeMonths),
    ).toBe("100");
    expect(text(customerLifetimeValue({ mrr: "99.99", trailingYearLogoChurnRate: 40 })?.value)).toBe(
      "2399.76",
    );
  });

  it("unknown churn (no accounts a year ago) → null", () => {
    expect(customerLifetimeValue({ mrr: 1000, trailingYearLogoChurnRate: null })).toBeNull();
  });

  it("rejects settings out of range", () => {
    expectMetricError(
      () => customerLifetimeValue({ mrr: 1, trailingYearLogoChurnRate: 5, grossMargin: 1.5 }),
      "INVALID_SETTING",
    );
    expectMetricError(
      () => customerLifetime({ trailingYearLogoChurnRate: 5, lifetimeCapMonths: 0 }),
      "INVALID_SETTING",
    );
    expectMetricError(() => customerLifetime({ trailingYearLogoChurnRate: 101 }), "SCORE_OUT_OF_RANGE");
    expectMetricError(
      () => customerLifetimeValue({ mrr: "x", trailingYearLogoChurnRate: 5 }),
      "INVALID_AMOUNT",
    );
  });

  it("lifetime never exceeds the cap and CLTV never rises with churn", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (mrr, churnA, churnB) => {
          const [low, high] = churnA <= churnB ? [churnA, churnB] : [churnB, churnA];
          const atLow = customerLifetimeValue({ mrr, trailingYearLogoChurnRate: low });
          const atHigh = customerLifetimeValue({ mrr, trailingYearLogoChurnRate: high });
          expect(atLow?.lifetimeMonths.lte(60)).toBe(true);
          expect(atLow?.value.gte(atHigh?.value ?? Number.NaN)).toBe(true);
        },
      ),
    );
  });
});

describe("ARPA", () => {
  it("total MRR / active accounts, in decimals", () => {
    expect(text(arpaFromTotals({ totalMrr: "1000", activeAccounts: 3 })?.toDecimalPlaces(4))).toBe(
      "333.3333",
    );
    expect(text(arpaFromTotals({ totalMrr: "0.3", activeAccounts: 3 }))).toBe("0.1");
  });

  it("no active accounts → null", () => {
    expect(arpaFromTotals({ totalMrr: 0, activeAccounts: 0 })).toBeNull();
    expect(averageRevenuePerAccount([], now).arpa).toBeNull();
  });

  it("over accounts: only accounts active at the instant, with their MRR at it", () => {
    const accounts = [
      payingAccount(100, utc("2026-01-01")),
      payingAccount(300, utc("2026-02-01")),
      payingAccount(500, utc("2026-03-01"), utc("2026-05-01")),
      payingAccount(700, now),
    ];
    const result = averageRevenuePerAccount(accounts, now);
    expect(result.activeAccounts).toBe(2);
    expect(text(result.totalMrr)).toBe("400");
    expect(text(result.arpa)).toBe("200");
  });
});

describe("portfolio and account lifetime value", () => {
  // 50 accounts active a year ago, 12 of them churned in the trailing year → 24 % → 50 months.
  const yearAgo = addDays(now, -365);
  const accounts = [
    ...Array.from({ length: 38 }, () => payingAccount(1000, addDays(yearAgo, -30))),
    ...Array.from({ length: 12 }, (_, i) =>
      payingAccount(1000, addDays(yearAgo, -30), addDays(yearAgo, 10 + i)),
    ),
  ];

  it("trailing-year churn is logo churn over [now − 365 days, now)", () => {
    expect(text(trailingYearLogoChurnRate(accounts, now))).toBe("24");
    expect(trailingYearLogoChurnRate([payingAccount(10, addDays(now, -5))], now)).toBeNull();
  });

  it("average CLTV = ARPA × margin × lifetime", () => {
    const result = portfolioLifetimeValue(accounts, now);
    expect(result.activeAccounts).toBe(38);
    expect(text(result.arpa)).toBe("1000");
    expect(text(result.lifetime?.lifetimeMonths)).toBe("50");
    expect(text(result.averageLifetimeValue)).toBe("40000");
  });

  it("respects workspace settings", () => {
    const result = portfolioLifetimeValue(accounts, now, { grossMargin: "0.5", lifetimeCapMonths: 24 });
    expect(text(result.averageLifetimeValue)).toBe("12000");
  });

  it("per account: its MRR at now with the portfolio's churn", () => {
    const result = accountLifetimeValue({
      revenueEvents: [
        { kind: "NEW", mrrDelta: 800, occurredAt: utc("2026-01-01") },
        { kind: "EXPANSION", mrrDelta: 200, occurredAt: utc("2026-06-01") },
      ],
      trailingYearLogoChurnRate: trailingYearLogoChurnRate(accounts, now),
      now,
    });
    expect(text(result?.value)).toBe("40000");
  });

  it("no active account → null average; no history → null lifetime", () => {
    const result = portfolioLifetimeValue([], now);
    expect(result).toMatchObject({
      averageLifetimeValue: null,
      arpa: null,
      lifetime: null,
      activeAccounts: 0,
    });
  });
});

describe("lifetimeSettingsForReads", () => {
  it("keeps valid stored settings and replaces each invalid one by its default", () => {
    expect(lifetimeSettingsForReads({ grossMargin: "0.7500", lifetimeCapMonths: 36 })).toEqual({
      grossMargin: "0.7500",
      lifetimeCapMonths: 36,
      invalid: [],
    });
    expect(lifetimeSettingsForReads({ grossMargin: "1.5", lifetimeCapMonths: 0 })).toEqual({
      grossMargin: "0.8",
      lifetimeCapMonths: 60,
      invalid: ["grossMargin", "lifetimeCapMonths"],
    });
  });
});
