import type { Decimal } from "decimal.js";
import {
  type AccountHistory,
  accountHistory,
  addMrrAt,
  isHistoryActiveAt,
  mrrAt,
  type PortfolioAccount,
} from "./accounts.ts";
import { HUNDRED, MetricDecimal, type MoneyInput, toDecimal } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
import { ExactTotal } from "./exact-money.ts";
import { trailingDays } from "./period.ts";
import { accountMovementsFromHistories } from "./retention.ts";
import { assertCount, assertValidDate } from "./validate.ts";

export const DEFAULT_GROSS_MARGIN = "0.8";
export const DEFAULT_LIFETIME_CAP_MONTHS = 60;
/** Monthly churn is derived from logo churn over the trailing 365 days. */
export const LIFETIME_CHURN_WINDOW_DAYS = 365;

export interface LifetimeSettings {
  /** Share of revenue kept after cost of service, in [0, 1]; default 0.8. */
  grossMargin?: MoneyInput;
  /** Longest lifetime assumed, in months (> 0); default 60, also used when churn is zero. */
  lifetimeCapMonths?: number;
}

function checkSettings(settings: LifetimeSettings): { grossMargin: Decimal; lifetimeCapMonths: Decimal } {
  const grossMargin = toDecimal(settings.grossMargin ?? DEFAULT_GROSS_MARGIN, "grossMargin");
  if (grossMargin.lt(0) || grossMargin.gt(1)) {
    throw new MetricInputError("INVALID_SETTING", `grossMargin must be between 0 and 1, got ${grossMargin}`);
  }
  const cap = settings.lifetimeCapMonths ?? DEFAULT_LIFETIME_CAP_MONTHS;
  if (!Number.isFinite(cap) || cap <= 0) {
    throw new MetricInputError("INVALID_SETTING", `lifetimeCapMonths must be a positive number, got ${cap}`);
  }
  return { grossMargin, lifetimeCapMonths: new MetricDecimal(cap) };
}

/**
 * The lifetime settings reads compute with: each stored value that the formulas would refuse
 * (written before a rule existed, or by hand) is replaced by its default, so a stored setting
 * never makes a read fail. `invalid` names the settings replaced.
 */
export function lifetimeSettingsForReads(stored: { grossMargin: string; lifetimeCapMonths: number }): {
  grossMargin: string;
  lifetimeCapMonths: number;
  invalid: ("grossMargin" | "lifetimeCapMonths")[];
} {
  const invalid: ("grossMargin" | "lifetimeCapMonths")[] = [];
  const valid = (settings: LifetimeSettings) => {
    try {
      checkSettings(settings);
      return true;
    } catch (error) {
      if (error instanceof MetricInputError) return false;
      throw error;
    }
  };
  let { grossMargin, lifetimeCapMonths } = stored;
  if (!valid({ grossMargin })) {
    invalid.push("grossMargin");
    grossMargin = DEFAULT_GROSS_MARGIN;
  }
  if (!valid({ lifetimeCapMonths })) {
    invalid.push("lifetimeCapMonths");
    lifetimeCapMonths = DEFAULT_LIFETIME_CAP_MONTHS;
  }
  return { grossMargin, lifetimeCapMonths, invalid };
}

/** ARPA = total MRR / active accounts; null when there are no active accounts. */
export function arpaFromTotals(totals: { totalMrr: MoneyInput; activeAccounts: number }): Decimal | null {
  assertCount(totals.activeAccounts, "activeAccounts");
  const totalMrr = toDecimal(totals.totalMrr, "totalMrr");
  if (totals.activeAccounts === 0) return null;
  return totalMrr.div(totals.activeAccounts);
}

export interface Arpa {
  arpa: Decimal | null;
  totalMrr: Decimal;
  activeAccounts: number;
}

/** ARPA at an instant, over the accounts active at that instant. */
export function averageRevenuePerAccount(accounts: readonly PortfolioAccount[], at: Date): Arpa {
  assertValidDate(at, "at");
  return averageRevenuePerAccountFromHistories(accounts.map(accountHistory), at);
}

/** `averageRevenuePerAccount` over accounts already checked once (`accountHistory`). */
export function averageRevenuePerAccountFromHistories(accounts: readonly AccountHistory[], at: Date): Arpa {
  assertValidDate(at, "at");
  const total = new ExactTotal();
  let activeAccounts = 0;
  for (const account of accounts) {
    if (!isHistoryActiveAt(account, at)) continue;
    activeAccounts += 1;
    addMrrAt(total, account.revenue(), at);
  }
  const totalMrr = total.value();
  return { arpa: arpaFromTotals({ totalMrr, activeAccounts }), totalMrr, activeAccounts };
}

export interface CustomerLifetime {
  /** Trailing-year logo churn rate / 100 / 12. */
  monthlyChurn: Decimal;
  /** min(cap, 1 / monthly churn); the cap when churn is zero. */
  lifetimeMonths: Decimal;
}

/** Null when the trailing-year churn rate is unknown (no accounts were active a year ago). */
export function customerLifetime(input: {
  trailingYearLogoChurnRate: MoneyInput | null;
  lifetimeCapMonths?: number;
}): CustomerLifetime | null {
  const { lifetimeCapMonths } = checkSettings({ lifetimeCapMonths: input.lifetimeCapMonths });
  if (input.trailingYearLogoChurnRate === null) return null;
  const churnRate = toDecimal(input.trailingYearLogoChurnRate, "trailingYearLogoChurnRate");
  if (churnRate.lt(0) || churnRate.gt(100)) {
    throw new MetricInputError(
      "SCORE_OUT_OF_RANGE",
      `trailingYearLogoChurnRate must be in [0, 100], got ${churnRate}`,
    );
  }
  const monthlyChurn = churnRate.div(HUNDRED).div(12);
  if (monthlyChurn.isZero()) return { monthlyChurn, lifetimeMonths: lifetimeCapMonths };
  // 1200 / rate rather than 1 / monthlyChurn: one division, so 24 % gives exactly 50 months.
  return {
    monthlyChurn,
    lifetimeMonths: MetricDecimal.min(lifetimeCapMonths, new MetricDecimal(1200).div(churnRate)),
  };
}

export interface LifetimeValue extends CustomerLifetime {
  /** MRR × gross margin × lifetime months. */
  value: Decimal;
}

/** CLTV of one account (or of an average account when given ARPA as its MRR). */
export function customerLifetimeValue(
  input: { mrr: MoneyInput; trailingYearLogoChurnRate: MoneyInput | null } & LifetimeSettings,
): LifetimeValue | null {
  const { grossMargin } = checkSettings(input);
  const mrr = toDecimal(input.mrr, "mrr");
  const lifetime = customerLifetime(input);
  if (lifetime === null) return null;
  return { ...lifetime, value: mrr.times(grossMargin).times(lifetime.lifetimeMonths) };
}

/** Logo churn over [now − 365 days, now) as an exact decimal, null when nobody was active then. */
export function trailingYearLogoChurnRate(accounts: readonly PortfolioAccount[], now: Date): Decimal | null {
  assertValidDate(now, "now");
  return trailingYearLogoChurnRateFromHistories(accounts.map(accountHistory), now);
}

export function trailingYearLogoChurnRateFromHistories(
  accounts: readonly AccountHistory[],
  now: Date,
): Decimal | null {
  assertValidDate(now, "now");
  const { startingAccounts, churnedAccounts } = accountMovementsFromHistories(
    accounts,
    trailingDays(now, LIFETIME_CHURN_WINDOW_DAYS),
  );
  if (startingAccounts === 0) return null;
  return HUNDRED.times(churnedAccounts).div(startingAccounts);
}

export interface PortfolioLifetimeValue {
  /** Mean CLTV of the accounts active at `now` = ARPA × gross margin × lifetime; null without data. */
  averageLifetimeValue: Decimal | null;
  arpa: Decimal | null;
  activeAccounts: number;
  trailingYearLogoChurnRate: Decimal | null;
  lifetime: CustomerLifetime | null;
}

export function portfolioLifetimeValue(
  accounts: readonly PortfolioAccount[],
  now: Date,
  settings: LifetimeSettings = {},
): PortfolioLifetimeValue {
  assertValidDate(now, "now");
  return portfolioLifetimeValueFromHistories(accounts.map(accountHistory), now, settings);
}

export function portfolioLifetimeValueFromHistories(
  accounts: readonly AccountHistory[],
  now: Date,
  settings: LifetimeSettings = {},
): PortfolioLifetimeValue {
  const churnRate = trailingYearLogoChurnRateFromHistories(accounts, now);
  const { arpa, activeAccounts } = averageRevenuePerAccountFromHistories(accounts, now);
  const lifetime = customerLifetime({ trailingYearLogoChurnRate: churnRate, ...settings });
  const average =
    arpa === null
      ? null
      : customerLifetimeValue({ mrr: arpa, trailingYearLogoChurnRate: churnRate, ...settings });
  return {
    averageLifetimeValue: average?.value ?? null,
    arpa,
    activeAccounts,
    trailingYearLogoChurnRate: churnRate,
    lifetime,
  };
}

/** CLTV of one account at `now`: its MRR at `now` with the portfolio's trailing-year churn. */
export function accountLifetimeValue(
  input: {
    revenueEvents: PortfolioAccount["revenueEvents"];
    trailingYearLogoChurnRate: MoneyInput | null;
    now: Date;
  } & LifetimeSettings,
): LifetimeValue | null {
  const { revenueEvents, now, ...rest } = input;
  return customerLifetimeValue({ ...rest, mrr: mrrAt(revenueEvents, now) });
}
