import type { Decimal } from "decimal.js";
import {
  type AccountHistory,
  accountHistory,
  eventsBefore,
  isHistoryActiveAt,
  type PortfolioAccount,
  type RevenueEventKind,
  sumsByKind,
  type TimelineAmounts,
} from "./accounts.ts";
import { HUNDRED, type MoneyInput, toDecimal } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
import { ExactTotal, type MoneyArithmetic } from "./exact-money.ts";
import { assertValidPeriod, type Period } from "./period.ts";

/** MRR movements of the starting cohort S over a period, all as non-negative amounts. */
export interface RevenueMovements {
  startingMrr: Decimal;
  expansionMrr: Decimal;
  contractionMrr: Decimal;
  churnedMrr: Decimal;
}

export interface RevenueMovementsInput {
  startingMrr: MoneyInput;
  expansionMrr: MoneyInput;
  contractionMrr: MoneyInput;
  churnedMrr: MoneyInput;
}

function nonNegativeAmount(value: MoneyInput, what: string): Decimal {
  const amount = toDecimal(value, what);
  if (amount.lt(0))
    throw new MetricInputError("INVALID_AMOUNT", `${what} must be ≥ 0, got ${amount.toString()}`);
  return amount;
}

function checkMovements(input: RevenueMovementsInput): RevenueMovements {
  return {
    startingMrr: nonNegativeAmount(input.startingMrr, "startingMrr"),
    expansionMrr: nonNegativeAmount(input.expansionMrr, "expansionMrr"),
    contractionMrr: nonNegativeAmount(input.contractionMrr, "contractionMrr"),
    churnedMrr: nonNegativeAmount(input.churnedMrr, "churnedMrr"),
  };
}

/**
 * One account of S over the period, from its MRR at `from` and the sums of its deltas by kind in
 * the period (whole units or Decimals, see exact-money.ts). Two rules, so that MRR gained and
 * lost inside the period is not counted twice:
 * - a REACTIVATION offsets the same account's churned MRR of the period (a churn reversed before
 *   `to` is not a churn, as for logos); reactivated MRR beyond it counts as expansion;
 * - losses never exceed the account's starting MRR (what it expanded and then lost in the same
 *   period comes off its expansion), so GRR stays within [0, 100].
 * Then start + expansion − contraction − churned = MRR at `to` − NEW deltas of the period.
 */
function accountRevenueMovements<Amount>(
  money: MoneyArithmetic<Amount>,
  startingMrr: Amount,
  sums: Record<RevenueEventKind, Amount>,
): { startingMrr: Amount; expansionMrr: Amount; contractionMrr: Amount; churnedMrr: Amount } {
  // NEW in a period after sign-up is first paid revenue (a trial converting): new business, not expansion.
  let expansion = sums.EXPANSION;
  let contraction = money.minus(money.zero, sums.CONTRACTION);
  let churned = money.minus(money.zero, sums.CHURN);
  const reactivated = sums.REACTIVATION;
  const reversedChurn = money.min(reactivated, churned);
  churned = money.minus(churned, reversedChurn);
  expansion = money.plus(expansion, money.minus(reactivated, reversedChurn));

  const lossBeyondStart = money.minus(money.plus(contraction, churned), money.max(startingMrr, money.zero));
  if (money.isPositive(lossBeyondStart)) {
    const fromChurned = money.min(churned, lossBeyondStart);
    churned = money.minus(churned, fromChurned);
    contraction = money.minus(contraction, money.minus(lossBeyondStart, fromChurned));
    expansion = money.max(money.zero, money.minus(expansion, lossBeyondStart));
  }
  return { startingMrr, expansionMrr: expansion, contractionMrr: contraction, churnedMrr: churned };
}

/** Sums the movements of the accounts active at `from` (S); other accounts are ignored. */
export function revenueMovements(accounts: readonly PortfolioAccount[], period: Period): RevenueMovements {
  assertValidPeriod(period);
  return revenueMovementsFromHistories(accounts.map(accountHistory), period);
}

/** `revenueMovements` over accounts already checked once (`accountHistory`), e.g. shared by a request. */
export function revenueMovementsFromHistories(
  accounts: readonly AccountHistory[],
  period: Period,
): RevenueMovements {
  assertValidPeriod(period);
  const totals = {
    startingMrr: new ExactTotal(),
    expansionMrr: new ExactTotal(),
    contractionMrr: new ExactTotal(),
    churnedMrr: new ExactTotal(),
  };
  for (const account of accounts) {
    if (!isHistoryActiveAt(account, period.from)) continue;
    const timeline = account.revenue();
    const start = eventsBefore(timeline, period.from.getTime());
    const end = eventsBefore(timeline, period.to.getTime());
    timeline.amounts(<Amount>(amounts: TimelineAmounts<Amount>) => {
      const { money } = amounts;
      const sums = sumsByKind(amounts, timeline.kinds, start, end);
      const movements = accountRevenueMovements(money, amounts.mrrBefore[start] as Amount, sums);
      money.addTo(totals.startingMrr, movements.startingMrr);
      money.addTo(totals.expansionMrr, movements.expansionMrr);
      money.addTo(totals.contractionMrr, movements.contractionMrr);
      money.addTo(totals.churnedMrr, movements.churnedMrr);
    });
  }
  return {
    startingMrr: totals.startingMrr.value(),
    expansionMrr: totals.expansionMrr.value(),
    contractionMrr: totals.contractionMrr.value(),
    churnedMrr: totals.churnedMrr.value(),
  };
}

/** 100 × (start − contraction − churned) / start; null when starting MRR is zero. */
export function grossRevenueRetention(input: RevenueMovementsInput): Decimal | null {
  const m = checkMovements(input);
  if (m.startingMrr.isZero()) return null;
  return HUNDRED.times(m.startingMrr.minus(m.contractionMrr).minus(m.churnedMrr)).div(m.startingMrr);
}

/** 100 × (start + expansion − contraction − churned) / start; null when starting MRR is zero. */
export function netRevenueRetention(input: RevenueMovementsInput): Decimal | null {
  const m = checkMovements(input);
  if (m.startingMrr.isZero()) return null;
  return HUNDRED.times(m.startingMrr.plus(m.expansionMrr).minus(m.contractionMrr).minus(m.churnedMrr)).div(
    m.startingMrr,
  );
}

/** 100 − GRR; null when starting MRR is zero. */
export function revenueChurnRate(input: RevenueMovementsInput): Decimal | null {
  const m = checkMovements(input);
  if (m.startingMrr.isZero()) return null;
  return HUNDRED.times(m.contractionMrr.plus(m.churnedMrr)).div(m.startingMrr);
}

/** 100 × expansion / start; null when starting MRR is zero. */
export function expansionRate(input: RevenueMovementsInput): Decimal | null {
  const m = checkMovements(input);
  if (m.startingMrr.isZero()) return null;
  return HUNDRED.times(m.expansionMrr).div(m.startingMrr);
}

export interface RevenueRetention extends RevenueMovements {
  /** Expansion revenue = expansion MRR of S in the period (an amount, so never null). */
  expansionRevenue: Decimal;
  grossRevenueRetention: Decimal | null;
  netRevenueRetention: Decimal | null;
  revenueChurnRate: Decimal | null;
  expansionRate: Decimal | null;
}

export function revenueRetentionFromMovements(input: RevenueMovementsInput): RevenueRetention {
  const movements = checkMovements(input);
  return {
    ...movements,
    expansionRevenue: movements.expansionMrr,
    grossRevenueRetention: grossRevenueRetention(movements),
    netRevenueRetention: netRevenueRetention(movements),
    revenueChurnRate: revenueChurnRate(movements),
    expansionRate: expansionRate(movements),
  };
}

/** GRR, NRR, revenue churn and expansion of a portfolio over a period. */
export function revenueRetention(accounts: readonly PortfolioAccount[], period: Period): RevenueRetention {
  return revenueRetentionFromMovements(revenueMovements(accounts, period));
}

export function revenueRetentionFromHistories(
  accounts: readonly AccountHistory[],
  period: Period,
): RevenueRetention {
  return revenueRetentionFromMovements(revenueMovementsFromHistories(accounts, period));
}
