import type { Decimal } from "decimal.js";
import {
  type AccountHistory,
  accountHistory,
  eventsBefore,
  isHistoryActiveAt,
  type PortfolioAccount,
} from "./accounts.ts";
import { HUNDRED, MetricDecimal, type MoneyInput, toDecimal, ZERO } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
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
 * One account of S over the period. Movements are the sums of its event deltas by kind, with
 * two rules so that MRR gained and lost inside the period is not counted twice:
 * - a REACTIVATION offsets the same account's churned MRR of the period (a churn reversed before
 *   `to` is not a churn, as for logos); reactivated MRR beyond it counts as expansion;
 * - losses never exceed the account's starting MRR (what it expanded and then lost in the same
 *   period comes off its expansion), so GRR stays within [0, 100].
 * Then start + expansion − contraction − churned = MRR at `to` − NEW deltas of the period.
 */
function accountRevenueMovements(account: AccountHistory, period: Period): RevenueMovements {
  const timeline = account.revenue();
  const start = eventsBefore(timeline, period.from.getTime());
  const startingMrr = timeline.mrrBefore(start);
  const sums = timeline.sums(start, eventsBefore(timeline, period.to.getTime()));
  // NEW in a period after sign-up is first paid revenue (a trial converting): new business, not expansion.
  let expansion = sums.EXPANSION;
  let contraction = ZERO.minus(sums.CONTRACTION);
  let churned = ZERO.minus(sums.CHURN);
  const reactivated = sums.REACTIVATION;
  if (expansion.isZero() && contraction.isZero() && churned.isZero() && reactivated.isZero()) {
    return { startingMrr, expansionMrr: ZERO, contractionMrr: ZERO, churnedMrr: ZERO };
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
  let total: RevenueMovements = {
    startingMrr: ZERO,
    expansionMrr: ZERO,
    contractionMrr: ZERO,
    churnedMrr: ZERO,
  };
  for (const account of accounts) {
    if (!isHistoryActiveAt(account, period.from)) continue;
    const movements = accountRevenueMovements(account, period);
    total = {
      startingMrr: total.startingMrr.plus(movements.startingMrr),
      expansionMrr: total.expansionMrr.plus(movements.expansionMrr),
      contractionMrr: total.contractionMrr.plus(movements.contractionMrr),
      churnedMrr: total.churnedMrr.plus(movements.churnedMrr),
    };
  }
  return total;
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
