import type { Decimal } from "decimal.js";
import { MetricDecimal, type MoneyInput, toDecimal, ZERO } from "./decimal.ts";
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

/** Sums of an account's deltas by kind over a run of its events (CONTRACTION and CHURN ≤ 0). */
export type RevenueSums = Record<RevenueEventKind, Decimal>;

/**
 * An account's revenue events checked once and put in time order (ties keep their input order),
 * with the running MRR, so that MRR at any instant is one lookup. Portfolio formulas build it
 * once per account and share it, instead of re-checking and re-summing every event per formula.
 */
export interface RevenueTimeline {
  /** Event instants in epoch milliseconds, ascending. */
  times: readonly number[];
  kinds: readonly RevenueEventKind[];
  /** MRR before event `index` (= Σ deltas of the events before it); `index` may be the length. */
  mrrBefore(index: number): Decimal;
  /** Σ deltas by kind of the events [start, end). */
  sums(start: number, end: number): RevenueSums;
}

/**
 * Amounts with at most 4 decimals (the database's scale) are summed as whole ten-thousandths in
 * plain numbers, exactly as long as no sum can pass 2^53; a Decimal is made only for a result.
 * Any other amount (more decimals, an exponent, a Decimal object) takes the Decimal path. Both
 * give the same values: sums of such amounts are exact in either.
 */
const UNITS_PER_CURRENCY = 10_000;
const PLAIN_AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,4}))?$/;

function amountUnits(value: MoneyInput): number | null {
  const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
  const match = text === null ? null : PLAIN_AMOUNT.exec(text);
  if (!match) return null;
  const units = Number(match[2]) * UNITS_PER_CURRENCY + Number((match[3] ?? "").padEnd(4, "0"));
  return match[1] === "-" ? -units : units;
}

function unitsToDecimal(units: number): Decimal {
  if (units === 0) return ZERO;
  const magnitude = Math.abs(units);
  const fraction = String(magnitude % UNITS_PER_CURRENCY).padStart(4, "0");
  return new MetricDecimal(
    `${units < 0 ? "-" : ""}${Math.floor(magnitude / UNITS_PER_CURRENCY)}.${fraction}`,
  );
}

function emptySums(): RevenueSums {
  return { NEW: ZERO, EXPANSION: ZERO, CONTRACTION: ZERO, CHURN: ZERO, REACTIVATION: ZERO };
}

/** Indexes of the events in time order; ties keep their input order. */
function timeOrder(times: readonly number[]): number[] {
  const order = times.map((_, index) => index);
  if (times.every((time, index) => index === 0 || time >= (times[index - 1] as number))) return order;
  return order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
}

/**
 * The whole-units path, or null when an event does not fit it: an amount with more decimals or
 * a sum that could pass 2^53, and any invalid event, which the Decimal path then reports.
 */
function unitsTimeline(events: readonly RevenueEvent[]): RevenueTimeline | null {
  const times: number[] = [];
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
    deltas.push(delta);
  }
  const order = timeOrder(times);
  const kinds = order.map((index) => (events[index] as RevenueEvent).kind);
  const units = order.map((index) => deltas[index] as number);
  const running = [0];
  for (const delta of units) running.push((running.at(-1) as number) + delta);
  const mrr: (Decimal | undefined)[] = [];
  return {
    times: order.map((index) => times[index] as number),
    kinds,
    mrrBefore(index) {
      let value = mrr[index];
      if (value === undefined) {
        value = unitsToDecimal(running[index] as number);
        mrr[index] = value;
      }
      return value;
    },
    sums(start, end) {
      const byKind = { NEW: 0, EXPANSION: 0, CONTRACTION: 0, CHURN: 0, REACTIVATION: 0 };
      for (let index = start; index < end; index++) {
        byKind[kinds[index] as RevenueEventKind] += units[index] as number;
      }
      const sums = emptySums();
      for (const kind of REVENUE_EVENT_KINDS)
        if (byKind[kind] !== 0) sums[kind] = unitsToDecimal(byKind[kind]);
      return sums;
    },
  };
}

function decimalTimeline(events: readonly RevenueEvent[]): RevenueTimeline {
  const inputOrder = checkRevenueEvents(events);
  const checked = timeOrder(inputOrder.map((event) => event.occurredAt.getTime())).map(
    (index) => inputOrder[index] as CheckedRevenueEvent,
  );
  const running: Decimal[] = [ZERO];
  let total = ZERO;
  for (const event of checked) {
    total = total.plus(event.mrrDelta);
    running.push(total);
  }
  return {
    times: checked.map((event) => event.occurredAt.getTime()),
    kinds: checked.map((event) => event.kind),
    mrrBefore: (index) => running[index] as Decimal,
    sums(start, end) {
      const sums = emptySums();
      for (const event of checked.slice(start, end)) sums[event.kind] = sums[event.kind].plus(event.mrrDelta);
      return sums;
    },
  };
}

export function revenueTimeline(events: readonly RevenueEvent[]): RevenueTimeline {
  return unitsTimeline(events) ?? decimalTimeline(events);
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
  return timeline.mrrBefore(eventsBefore(timeline, at.getTime()));
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

export function accountHistory(account: PortfolioAccount): AccountHistory {
  assertValidAccount(account);
  const churns: number[] = account.churnedAt === null ? [] : [account.churnedAt.getTime()];
  const reactivations: number[] = [];
  for (const event of account.revenueEvents) {
    if (event.kind === "CHURN") churns.push(event.occurredAt.getTime());
    if (event.kind === "REACTIVATION") reactivations.push(event.occurredAt.getTime());
  }
  let timeline: RevenueTimeline | undefined;
  return {
    signedUpAt: account.signedUpAt.getTime(),
    churns,
    reactivations,
    revenue: () => {
      timeline ??= revenueTimeline(account.revenueEvents);
      return timeline;
    },
  };
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
