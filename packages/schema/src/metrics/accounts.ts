import type { Decimal } from "decimal.js";
import { type MoneyInput, toDecimal } from "./decimal.ts";
import { MetricInputError } from "./errors.ts";
import {
  amountUnits,
  DECIMALS,
  type ExactTotal,
  type MoneyArithmetic,
  UNITS,
  UNITS_PER_CURRENCY,
  unitsToDecimal,
} from "./exact-money.ts";
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
const KNOWN_KINDS: ReadonlySet<string> = new Set(REVENUE_EVENT_KINDS);
const GAINING_KINDS: ReadonlySet<string> = new Set(["NEW", "EXPANSION", "REACTIVATION"]);

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

/** An account's amounts in one representation (see exact-money.ts), with what sums them. */
export interface TimelineAmounts<Amount> {
  money: Money<Amount>;
  /** Signed deltas, in the timeline's event order. */
  deltas: readonly Amount[];
  /** `mrrBefore[i]` = MRR before event i = Σ deltas of the events before it; one longer than `deltas`. */
  mrrBefore: readonly Amount[];
}

/** Money arithmetic plus the way out to a Decimal or into an exact total. */
export interface Money<Amount> extends MoneyArithmetic<Amount> {
  toDecimal(amount: Amount): Decimal;
  /** The nearest double, as `toDecimal(amount).toNumber()` gives. */
  toNumber(amount: Amount): number;
  addTo(total: ExactTotal, amount: Amount): void;
}

const UNITS_MONEY: Money<number> = {
  ...UNITS,
  toDecimal: unitsToDecimal,
  // Both are exact doubles, so the quotient is the nearest double to amount / 10,000: the double
  // Number() gives for its decimal text.
  toNumber: (amount) => amount / UNITS_PER_CURRENCY,
  addTo: (total, amount) => total.addUnits(amount),
};
const DECIMAL_MONEY: Money<Decimal> = {
  ...DECIMALS,
  toDecimal: (amount) => amount,
  toNumber: (amount) => amount.toNumber(),
  addTo: (total, amount) => total.addDecimal(amount),
};

/**
 * An account's revenue events checked once and put in time order (ties keep their input order),
 * with the running MRR, so that MRR at any instant is one lookup. Portfolio formulas build it
 * once per account and share it, instead of re-checking and re-summing every event per formula.
 */
export interface RevenueTimeline {
  /** Event instants in epoch milliseconds, ascending. */
  times: readonly number[];
  kinds: readonly RevenueEventKind[];
  /** Runs `use` on the amounts: whole ten-thousandths when every amount fits, else Decimals. */
  amounts<Result>(use: <Amount>(amounts: TimelineAmounts<Amount>) => Result): Result;
}

/** Indexes of the events in time order (ties keep their input order), or null when already so. */
function timeOrder(times: readonly number[]): number[] | null {
  let sorted = true;
  for (let index = 1; index < times.length && sorted; index++) {
    sorted = (times[index] as number) >= (times[index - 1] as number);
  }
  if (sorted) return null;
  return times.map((_, index) => index).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
}

function inOrder<Item>(items: readonly Item[], order: readonly number[] | null): readonly Item[] {
  return order === null ? items : order.map((index) => items[index] as Item);
}

// A class rather than closures: a request builds one timeline per account.
class Timeline<Amount> implements RevenueTimeline {
  readonly times: readonly number[];
  readonly kinds: readonly RevenueEventKind[];
  private readonly data: TimelineAmounts<Amount>;

  constructor(
    times: readonly number[],
    kinds: readonly RevenueEventKind[],
    deltas: readonly Amount[],
    money: Money<Amount>,
  ) {
    const order = timeOrder(times);
    this.times = inOrder(times, order);
    this.kinds = inOrder(kinds, order);
    const ordered = inOrder(deltas, order);
    const mrrBefore = [money.zero];
    let running = money.zero;
    for (const delta of ordered) {
      running = money.plus(running, delta);
      mrrBefore.push(running);
    }
    this.data = { money, deltas: ordered, mrrBefore };
  }

  amounts<Result>(use: <Value>(amounts: TimelineAmounts<Value>) => Result): Result {
    return use(this.data);
  }
}

/**
 * The whole-units timeline, or null when an event does not fit it: an amount with more
 * decimals or sums that could pass 2^53, and any invalid event, which the Decimal path reports.
 */
function unitsTimeline(events: readonly RevenueEvent[]): RevenueTimeline | null {
  const times: number[] = [];
  const kinds: RevenueEventKind[] = [];
  const deltas: number[] = [];
  let magnitude = 0;
  for (const event of events) {
    if (!KNOWN_KINDS.has(event.kind) || !(event.occurredAt instanceof Date)) return null;
    const time = event.occurredAt.getTime();
    const delta = amountUnits(event.mrrDelta);
    if (Number.isNaN(time) || delta === null || (GAINING_KINDS.has(event.kind) ? delta < 0 : delta > 0))
      return null;
    magnitude += Math.abs(delta);
    if (magnitude > Number.MAX_SAFE_INTEGER) return null;
    times.push(time);
    kinds.push(event.kind);
    deltas.push(delta);
  }
  return new Timeline(times, kinds, deltas, UNITS_MONEY);
}

export function revenueTimeline(events: readonly RevenueEvent[]): RevenueTimeline {
  const units = unitsTimeline(events);
  if (units !== null) return units;
  const checked = checkRevenueEvents(events);
  return new Timeline(
    checked.map((event) => event.occurredAt.getTime()),
    checked.map((event) => event.kind),
    checked.map((event) => event.mrrDelta),
    DECIMAL_MONEY,
  );
}

/** Σ deltas by kind of the events [start, end) of a timeline. */
export function sumsByKind<Amount>(
  amounts: TimelineAmounts<Amount>,
  kinds: readonly RevenueEventKind[],
  start: number,
  end: number,
): Record<RevenueEventKind, Amount> {
  const { money } = amounts;
  const sums = {
    NEW: money.zero,
    EXPANSION: money.zero,
    CONTRACTION: money.zero,
    CHURN: money.zero,
    REACTIVATION: money.zero,
  };
  for (let index = start; index < end; index++) {
    const kind = kinds[index] as RevenueEventKind;
    sums[kind] = money.plus(sums[kind], amounts.deltas[index] as Amount);
  }
  return sums;
}

/** How many of the timeline's events occurred before t (binary search). */
export function eventsBefore(timeline: RevenueTimeline, t: number): number {
  let low = 0;
  let high = timeline.times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((timeline.times[middle] as number) < t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** MRR at t from a timeline: the running sum of the deltas that occurred before t. */
export function timelineMrrAt(timeline: RevenueTimeline, at: Date): Decimal {
  assertValidDate(at, "at");
  const index = eventsBefore(timeline, at.getTime());
  return timeline.amounts(<Amount>(amounts: TimelineAmounts<Amount>) =>
    amounts.money.toDecimal(amounts.mrrBefore[index] as Amount),
  );
}

/** `timelineMrrAt(timeline, at).toNumber()` without making a Decimal: the MRR ordering of account lists. */
export function timelineMrrNumberAt(timeline: RevenueTimeline, at: Date): number {
  assertValidDate(at, "at");
  const index = eventsBefore(timeline, at.getTime());
  return timeline.amounts(<Amount>(amounts: TimelineAmounts<Amount>) =>
    amounts.money.toNumber(amounts.mrrBefore[index] as Amount),
  );
}

/** Adds the timeline's MRR at t to an exact total (no Decimal per account when amounts fit units). */
export function addMrrAt(total: ExactTotal, timeline: RevenueTimeline, at: Date): void {
  const index = eventsBefore(timeline, at.getTime());
  timeline.amounts(<Amount>(amounts: TimelineAmounts<Amount>) =>
    amounts.money.addTo(total, amounts.mrrBefore[index] as Amount),
  );
}

/** An account's MRR at t = sum of its MRR deltas that occurred before t. */
export function mrrAt(events: readonly RevenueEvent[], at: Date): Decimal {
  assertValidDate(at, "at");
  return timelineMrrAt(revenueTimeline(events), at);
}

/**
 * One account of the portfolio checked once: its dates and churn changes, and its revenue
 * timeline. The timeline is built (and its events checked) on first use only, so a formula that
 * never needs an account's MRR does not reject its events, as with the row functions.
 */
export interface AccountHistory {
  /** Epoch milliseconds. */
  signedUpAt: number;
  /** Instants of churning (CHURN events and `churnedAt`) and of coming back (REACTIVATION). */
  churns: readonly number[];
  reactivations: readonly number[];
  revenue(): RevenueTimeline;
}

class CheckedAccount implements AccountHistory {
  readonly signedUpAt: number;
  readonly churns: number[];
  readonly reactivations: number[] = [];
  private readonly events: readonly RevenueEvent[];
  private timeline: RevenueTimeline | undefined;

  constructor(account: PortfolioAccount) {
    this.signedUpAt = account.signedUpAt.getTime();
    this.churns = account.churnedAt === null ? [] : [account.churnedAt.getTime()];
    this.events = account.revenueEvents;
    for (const event of account.revenueEvents) {
      if (event.kind === "CHURN") this.churns.push(event.occurredAt.getTime());
      if (event.kind === "REACTIVATION") this.reactivations.push(event.occurredAt.getTime());
    }
  }

  revenue(): RevenueTimeline {
    this.timeline ??= revenueTimeline(this.events);
    return this.timeline;
  }
}

export function accountHistory(account: PortfolioAccount): AccountHistory {
  assertValidAccount(account);
  return new CheckedAccount(account);
}

function latestBefore(instants: readonly number[], t: number): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const instant of instants) if (instant < t && instant > latest) latest = instant;
  return latest;
}

/**
 * Whether the account is churned just before t: the latest churn change before t decides.
 * Churn changes are CHURN events and `churnedAt` (churning), and REACTIVATION events (coming
 * back). At equal instants a reactivation wins, so a churn reversed at once is no churn.
 */
function isChurnedAt(history: AccountHistory, t: number): boolean {
  return latestBefore(history.churns, t) > latestBefore(history.reactivations, t);
}

/**
 * Active at t: signed up before t and not churned before t. With half-open periods an account
 * that churns exactly at `to` is still active at `to` (its churn belongs to the next period).
 */
export function isHistoryActiveAt(history: AccountHistory, at: Date): boolean {
  const t = at.getTime();
  return history.signedUpAt < t && !isChurnedAt(history, t);
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

/** Active at t (see `isHistoryActiveAt`), for one account row. */
export function isActiveAt(account: PortfolioAccount, at: Date): boolean {
  return isHistoryActiveAt(accountHistory(account), at);
}
