import { type AccountHistory, accountHistory, isHistoryActiveAt, type PortfolioAccount } from "./accounts.ts";
import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, type Period } from "./period.ts";
import { assertCount } from "./validate.ts";

/** How the portfolio's logos moved over a period. */
export interface AccountMovements {
  /** |S|: accounts active at `from` (signed up before `from`, not churned before `from`). */
  startingAccounts: number;
  /** Accounts of S not active at `to`. A churn reversed by a reactivation before `to` is not counted. */
  churnedAccounts: number;
  /** Accounts of S still active at `to` (= startingAccounts − churnedAccounts). */
  retainedAccounts: number;
  /** E: accounts active at `to`. */
  endingAccounts: number;
  /** Sign-ups of the period: accounts that signed up in [from, to), whatever their state at `to`. */
  newAccounts: number;
  /** New accounts still active at `to`. */
  newActiveAccounts: number;
  /** Accounts churned at `from` (signed up before it) and active again at `to`. */
  reactivatedAccounts: number;
  /**
   * N of the customer retention rate: accounts active at `to` that were not in S (new accounts
   * still active, and reactivated ones) = newActiveAccounts + reactivatedAccounts, so that
   * endingAccounts − joinedAccounts = retainedAccounts.
   */
  joinedAccounts: number;
}

export function accountMovements(accounts: readonly PortfolioAccount[], period: Period): AccountMovements {
  assertValidPeriod(period);
  return accountMovementsFromHistories(accounts.map(accountHistory), period);
}

/** `accountMovements` over accounts already checked once (`accountHistory`), e.g. shared by a request. */
export function accountMovementsFromHistories(
  accounts: readonly AccountHistory[],
  period: Period,
): AccountMovements {
  assertValidPeriod(period);
  const movements: AccountMovements = {
    startingAccounts: 0,
    churnedAccounts: 0,
    retainedAccounts: 0,
    endingAccounts: 0,
    newAccounts: 0,
    newActiveAccounts: 0,
    reactivatedAccounts: 0,
    joinedAccounts: 0,
  };
  const from = period.from.getTime();
  const to = period.to.getTime();
  for (const account of accounts) {
    const activeAtStart = isHistoryActiveAt(account, period.from);
    const activeAtEnd = isHistoryActiveAt(account, period.to);
    const isNew = account.signedUpAt >= from && account.signedUpAt < to;
    if (activeAtStart) {
      movements.startingAccounts += 1;
      if (activeAtEnd) movements.retainedAccounts += 1;
      else movements.churnedAccounts += 1;
    }
    if (activeAtEnd) movements.endingAccounts += 1;
    if (isNew) {
      movements.newAccounts += 1;
      if (activeAtEnd) movements.newActiveAccounts += 1;
    } else if (!activeAtStart && activeAtEnd) {
      movements.reactivatedAccounts += 1;
    }
    if (!activeAtStart && activeAtEnd) movements.joinedAccounts += 1;
  }
  return movements;
}

/** 100 × churned / |S|, a count ratio in [0, 100]; null when S is empty. */
export function logoChurnRate(counts: { startingAccounts: number; churnedAccounts: number }): number | null {
  const { startingAccounts, churnedAccounts } = counts;
  assertCount(startingAccounts, "startingAccounts");
  assertCount(churnedAccounts, "churnedAccounts");
  if (churnedAccounts > startingAccounts) {
    throw new MetricInputError("INVALID_COUNT", "churnedAccounts cannot exceed startingAccounts");
  }
  if (startingAccounts === 0) return null;
  return (100 * churnedAccounts) / startingAccounts;
}

/**
 * 100 × (E − N) / S; null when S is empty. N must count every account in E that was not in S
 * (new accounts still active at `to`, and accounts that came back after churning before
 * `from`), so that E − N is exactly the accounts of S still active at `to`.
 */
export function customerRetentionRate(counts: {
  startingAccounts: number;
  endingAccounts: number;
  newAccounts: number;
}): number | null {
  const { startingAccounts, endingAccounts, newAccounts } = counts;
  assertCount(startingAccounts, "startingAccounts");
  assertCount(endingAccounts, "endingAccounts");
  assertCount(newAccounts, "newAccounts");
  const retained = endingAccounts - newAccounts;
  if (retained < 0 || retained > startingAccounts) {
    throw new MetricInputError(
      "INVALID_COUNT",
      `endingAccounts − newAccounts (${retained}) must be between 0 and startingAccounts (${startingAccounts})`,
    );
  }
  if (startingAccounts === 0) return null;
  return (100 * retained) / startingAccounts;
}

export interface LogoRetention extends AccountMovements {
  logoChurnRate: number | null;
  customerRetentionRate: number | null;
}

/** Logo churn and customer retention of a portfolio over a period (retention = 100 − churn). */
export function logoRetention(accounts: readonly PortfolioAccount[], period: Period): LogoRetention {
  assertValidPeriod(period);
  return logoRetentionFromHistories(accounts.map(accountHistory), period);
}

export function logoRetentionFromHistories(
  accounts: readonly AccountHistory[],
  period: Period,
): LogoRetention {
  const movements = accountMovementsFromHistories(accounts, period);
  return {
    ...movements,
    logoChurnRate: logoChurnRate(movements),
    customerRetentionRate: customerRetentionRate({
      startingAccounts: movements.startingAccounts,
      endingAccounts: movements.endingAccounts,
      newAccounts: movements.joinedAccounts,
    }),
  };
}
