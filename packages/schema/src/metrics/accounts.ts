import type { Decimal } from "decimal.js";
import { type MoneyInput, sumDecimals, toDecimal } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
import { assertKnownKind, assertValidDate } from "./validate.ts";

export type RevenueEventKind = "NEW" | "EXPANSION" | "CONTRACTION" | "CHURN" | "REACTIVATION";

export interface RevenueEvent {
  kind: RevenueEventKind;
  /** Signed MRR change: NEW, EXPANSION, REACTIVATION ≥ 0; CONTRACTION, CHURN ≤ 0. */
  mrrDelta: MoneyInput;
  occurredAt: Date;
}

/** What portfolio metrics need of one account: one row per account plus its revenue events. */
export interface PortfolioAccount {
  signedUpAt: Date;
  /** The account's current churn, if any; earlier churns are known from CHURN events. */
  churnedAt: Date | null;
  revenueEvents: readonly RevenueEvent[];
}

const REVENUE_EVENT_KINDS: readonly RevenueEventKind[] = [
  "NEW",
  "EXPANSION",
  "CONTRACTION",
  "CHURN",
  "REACTIVATION",
];
const GAINING_KINDS: ReadonlySet<RevenueEventKind> = new Set(["NEW", "EXPANSION", "REACTIVATION"]);

export interface CheckedRevenueEvent {
  kind: RevenueEventKind;
  mrrDelta: Decimal;
  occurredAt: Date;
}

/** Converts deltas to decimals and rejects a delta whose sign contradicts its kind. */
export function checkRevenueEvents(events: readonly RevenueEvent[]): CheckedRevenueEvent[] {
  return events.map((event) => {
    assertKnownKind(event.kind, REVENUE_EVENT_KINDS, "revenueEvent.kind");
    assertValidDate(event.occurredAt, "revenueEvent.occurredAt");
    const mrrDelta = toDecimal(event.mrrDelta, `${event.kind} mrrDelta`);
    const gaining = GAINING_KINDS.has(event.kind);
    if (gaining ? mrrDelta.lt(0) : mrrDelta.gt(0)) {
      throw new MetricInputError(
        "INVALID_AMOUNT",
        `${event.kind} mrrDelta must be ${gaining ? "≥ 0" : "≤ 0"}, got ${mrrDelta.toString()}`,
      );
    }
    return { kind: event.kind, mrrDelta, occurredAt: event.occurredAt };
  });
}

/** An account's MRR at t = sum of its MRR deltas that occurred before t. */
export function mrrAt(events: readonly RevenueEvent[], at: Date): Decimal {
  assertValidDate(at, "at");
  const t = at.getTime();
  return sumDecimals(
    checkRevenueEvents(events)
      .filter((event) => event.occurredAt.getTime() < t)
      .map((event) => event.mrrDelta),
  );
}

/**
 * Whether the account is churned just before t: the latest churn change before t decides.
 * Churn changes are CHURN events and `churnedAt` (churning), and REACTIVATION events (coming
 * back). At equal instants a reactivation wins, so a churn reversed at once is no churn.
 */
function isChurnedAt(account: PortfolioAccount, t: number): boolean {
  let latestChurn = Number.NEGATIVE_INFINITY;
  let latestReactivation = Number.NEGATIVE_INFINITY;
  if (account.churnedAt !== null && account.churnedAt.getTime() < t)
    latestChurn = account.churnedAt.getTime();
  for (const event of account.revenueEvents) {
    const occurred = event.occurredAt.getTime();
    if (occurred >= t) continue;
    if (event.kind === "CHURN") latestChurn = Math.max(latestChurn, occurred);
    if (event.kind === "REACTIVATION") latestReactivation = Math.max(latestReactivation, occurred);
  }
  return latestChurn > latestReactivation;
}

export function assertValidAccount(account: PortfolioAccount): void {
  assertValidDate(account.signedUpAt, "account.signedUpAt");
  if (account.churnedAt !== null) {
    assertValidDate(account.churnedAt, "account.churnedAt");
    if (account.churnedAt.getTime() < account.signedUpAt.getTime()) {
      throw new MetricInputError("INVALID_DATE", "account.churnedAt must not be before account.signedUpAt");
    }
  }
  for (const event of account.revenueEvents) assertValidDate(event.occurredAt, "revenueEvent.occurredAt");
}

/**
 * Active at t: signed up before t and not churned before t. With half-open periods an account
 * that churns exactly at `to` is still active at `to` (its churn belongs to the next period).
 */
export function isActiveAt(account: PortfolioAccount, at: Date): boolean {
  const t = at.getTime();
  return account.signedUpAt.getTime() < t && !isChurnedAt(account, t);
}
