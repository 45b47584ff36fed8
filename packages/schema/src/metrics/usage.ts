import {
  addDays,
  type CalendarDate,
  DEFAULT_TIME_ZONE,
  daysBetween,
  localDate,
  localMidnight,
} from "./calendar.ts";
import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, isWithinPeriod, type Period, periodLengthDays } from "./period.ts";
import { assertCount, assertKnownKind, assertSeats, assertValidDate } from "./validate.ts";

/** Days of the usage component's window (and the default usage window). */
export const USAGE_HEALTH_WINDOW_DAYS = 30;

export type UsageEventKind = "LOGIN" | "FEATURE" | "SESSION";

const USAGE_EVENT_KINDS: readonly UsageEventKind[] = ["LOGIN", "FEATURE", "SESSION"];

export interface UsageEvent {
  /** Null for events not tied to a known contact: they count as events, not as users. */
  contactId: string | null;
  kind: UsageEventKind;
  featureKey?: string | null;
  durationSeconds?: number | null;
  occurredAt: Date;
}

/** A usage window: [from, to) and the time zone whose calendar days it counts. */
export interface UsageWindow extends Period {
  timeZone: string;
}

/**
 * "Trailing `days` days" at `now` in `timeZone`: the `days` calendar days ending today, today
 * included up to `now`, i.e. from the local midnight `days − 1` days before today to `now`.
 */
export function usageWindow(now: Date, days: number, timeZone: string = DEFAULT_TIME_ZONE): UsageWindow {
  if (!Number.isInteger(days) || days < 1) {
    throw new MetricInputError("INVALID_PERIOD", `a usage window has at least 1 whole day, got ${days}`);
  }
  const today = localDate(now, timeZone);
  return { from: localMidnight(addDays(today, 1 - days), timeZone), to: now, timeZone };
}

/** The calendar days in `timeZone` that [from, to) touches (a partial day counts). */
export function calendarDaysOf(period: Period, timeZone: string = DEFAULT_TIME_ZONE): number {
  assertValidPeriod(period);
  return (
    daysBetween(localDate(period.from, timeZone), localDate(new Date(period.to.getTime() - 1), timeZone)) + 1
  );
}

/** A stretch of raw events [from, to) within one local day; empty when from = to. */
export interface PartialDay {
  from: Date;
  to: Date;
  day: CalendarDate;
}

/**
 * How a window is read exactly: whole local days [wholeDays.from, wholeDays.to) from the daily
 * rollup (none when equal), and the partial days at either edge from raw events (`head` before
 * the first whole day, `tail` after the last: today's part of a trailing window).
 */
export interface UsageWindowParts {
  wholeDays: { from: CalendarDate; to: CalendarDate };
  head: PartialDay;
  tail: PartialDay;
  /** Calendar days the window touches (see `calendarDaysOf`). */
  days: number;
}

export function usageWindowParts(window: UsageWindow): UsageWindowParts {
  const { from, to, timeZone } = window;
  const days = calendarDaysOf(window, timeZone);
  const fromDate = localDate(from, timeZone);
  const firstWhole =
    localMidnight(fromDate, timeZone).getTime() === from.getTime() ? fromDate : addDays(fromDate, 1);
  const toDate = localDate(to, timeZone);
  if (daysBetween(firstWhole, toDate) < 0) {
    // Inside one local day, not starting at its midnight: raw events only.
    return {
      wholeDays: { from: firstWhole, to: firstWhole },
      head: { from, to, day: fromDate },
      tail: { from: to, to, day: toDate },
      days,
    };
  }
  return {
    wholeDays: { from: firstWhole, to: toDate },
    head: { from, to: localMidnight(firstWhole, timeZone), day: fromDate },
    tail: { from: localMidnight(toDate, timeZone), to, day: toDate },
    days,
  };
}

/**
 * One account's usage over a window, as one `GROUP BY account` can produce it. Days are the
 * calendar days of the window's time zone (see `usageWindow`); a distinct user counts once per day.
 */
export interface UsageAggregates {
  seats: number;
  /** (to − from) in days, see `periodLengthDays`. */
  windowDays: number;
  /** Calendar days the window touches (`calendarDaysOf`); ⌈windowDays⌉ when not given. */
  days?: number;
  /** Distinct contacts with any event in the window. */
  activeUsers: number;
  loginEvents: number;
  /** SESSION events that carry a duration. */
  sessionCount: number;
  /** Sum of those sessions' durations. */
  sessionSeconds: number | bigint;
  /** Distinct (day, contact) pairs, so Σ over days of daily distinct users = userDays. */
  userDays: number;
  /** FEATURE events per feature key. */
  featureCounts: Readonly<Record<string, number>>;
  /** Feature keys the workspace counts for adoption. */
  keyFeatures: readonly string[];
}

/**
 * Builds the aggregates from raw events; events outside [from, to) are ignored. Days are the
 * calendar days of `timeZone` (default UTC).
 */
export function usageAggregatesFromEvents(input: {
  events: readonly UsageEvent[];
  period: Period;
  seats: number;
  keyFeatures: readonly string[];
  timeZone?: string;
}): UsageAggregates {
  const { events, period, seats, keyFeatures, timeZone = DEFAULT_TIME_ZONE } = input;
  const windowDays = periodLengthDays(period);
  const days = calendarDaysOf(period, timeZone);
  assertSeats(seats);
  const contacts = new Set<string>();
  const contactDays = new Set<string>();
  const featureCounts: Record<string, number> = {};
  let loginEvents = 0;
  let sessionCount = 0;
  let sessionSeconds = 0;
  for (const event of events) {
    assertValidDate(event.occurredAt, "usageEvent.occurredAt");
    assertKnownKind(event.kind, USAGE_EVENT_KINDS, "usageEvent.kind");
    if (!isWithinPeriod(event.occurredAt, period)) continue;
    if (event.contactId !== null) {
      const day = localDate(event.occurredAt, timeZone);
      contacts.add(event.contactId);
      contactDays.add(`${day}\u0000${event.contactId}`);
    }
    if (event.kind === "LOGIN") loginEvents += 1;
    if (event.kind === "FEATURE" && event.featureKey) {
      featureCounts[event.featureKey] = (featureCounts[event.featureKey] ?? 0) + 1;
    }
    if (event.kind === "SESSION" && event.durationSeconds != null) {
      if (!Number.isFinite(event.durationSeconds) || event.durationSeconds < 0) {
        throw new MetricInputError(
          "INVALID_DURATION",
          `durationSeconds must be ≥ 0, got ${event.durationSeconds}`,
        );
      }
      sessionCount += 1;
      sessionSeconds += event.durationSeconds;
    }
  }
  return {
    seats,
    windowDays,
    days,
    activeUsers: contacts.size,
    loginEvents,
    sessionCount,
    sessionSeconds,
    userDays: contactDays.size,
    featureCounts,
    keyFeatures: [...keyFeatures],
  };
}

export interface UsageMetrics {
  windowDays: number;
  seats: number;
  activeUsers: number;
  /** Active users / seats as a ratio (may exceed 1); null when seats are 0 (unknown). */
  seatUtilization: number | null;
  /** LOGIN events / active users / (window days / 7); null without active users. */
  loginsPerActiveUserPerWeek: number | null;
  /** Mean SESSION duration in minutes; null without sessions. */
  averageSessionMinutes: number | null;
  /** Σ daily distinct users / days in the window. */
  averageDailyActiveUsers: number;
  /** Average daily active users / active users, a ratio in (0, 1]; null without active users. */
  stickiness: number | null;
  /** 100 × distinct key features used / key features defined; null when none are defined. */
  featureAdoption: number | null;
  keyFeaturesUsed: string[];
  featureCounts: Readonly<Record<string, number>>;
}

/** Number of days in the window: a trailing partial day still is a day users can be active in. */
function dayCount(usage: Pick<UsageAggregates, "windowDays" | "days">): number {
  return usage.days ?? Math.ceil(usage.windowDays);
}

function checkAggregates(usage: UsageAggregates): number {
  assertSeats(usage.seats);
  if (!Number.isFinite(usage.windowDays) || usage.windowDays <= 0) {
    throw new MetricInputError("INVALID_PERIOD", `windowDays must be > 0, got ${usage.windowDays}`);
  }
  assertCount(usage.activeUsers, "activeUsers");
  assertCount(usage.loginEvents, "loginEvents");
  assertCount(usage.sessionCount, "sessionCount");
  assertCount(usage.userDays, "userDays");
  if (usage.days !== undefined && (!Number.isInteger(usage.days) || usage.days < 1)) {
    throw new MetricInputError("INVALID_PERIOD", `days must be a whole number ≥ 1, got ${usage.days}`);
  }
  const sessionSeconds = Number(usage.sessionSeconds);
  if (!Number.isFinite(sessionSeconds) || sessionSeconds < 0) {
    throw new MetricInputError("INVALID_DURATION", `sessionSeconds must be ≥ 0, got ${usage.sessionSeconds}`);
  }
  for (const [featureKey, count] of Object.entries(usage.featureCounts))
    assertCount(count, `featureCounts.${featureKey}`);
  // Each active user is active on 1..days days; anything else means the aggregates used other day boundaries.
  if (usage.userDays < usage.activeUsers || usage.userDays > usage.activeUsers * dayCount(usage)) {
    throw new MetricInputError(
      "INVALID_COUNT",
      `userDays (${usage.userDays}) must be between activeUsers (${usage.activeUsers}) and activeUsers × ${dayCount(usage)} days`,
    );
  }
  return sessionSeconds;
}

export function usageMetrics(usage: UsageAggregates): UsageMetrics {
  const sessionSeconds = checkAggregates(usage);
  const { seats, activeUsers, windowDays, userDays } = usage;
  const keyFeatures = [...new Set(usage.keyFeatures)];
  const keyFeaturesUsed = keyFeatures.filter((key) => (usage.featureCounts[key] ?? 0) > 0);
  const days = dayCount(usage);
  return {
    windowDays,
    seats,
    activeUsers,
    seatUtilization: seats === 0 ? null : activeUsers / seats,
    loginsPerActiveUserPerWeek:
      activeUsers === 0 ? null : (7 * usage.loginEvents) / (activeUsers * windowDays),
    averageSessionMinutes: usage.sessionCount === 0 ? null : sessionSeconds / (60 * usage.sessionCount),
    averageDailyActiveUsers: userDays / days,
    stickiness: activeUsers === 0 ? null : userDays / (days * activeUsers),
    featureAdoption: keyFeatures.length === 0 ? null : (100 * keyFeaturesUsed.length) / keyFeatures.length,
    keyFeaturesUsed,
    featureCounts: usage.featureCounts,
  };
}

/**
 * Usage component over the trailing 30 days: 100 × (min(1, seat utilization) + adoption / 100) / 2.
 * No data only when the account never had a usage event; a silent window scores 0. When seats
 * or key features are not configured, the term that cannot be measured is left out and the
 * other one stands alone; with neither, there is nothing to measure (null). Activity in the
 * window counts as usage even if `everHadUsage` was read before it arrived.
 */
export function usageHealthComponent(input: { usage: UsageMetrics; everHadUsage: boolean }): number | null {
  const { usage, everHadUsage } = input;
  const activeInWindow =
    usage.activeUsers > 0 || Object.values(usage.featureCounts).some((count) => count > 0);
  if (!everHadUsage && !activeInWindow) return null;
  const terms: number[] = [];
  if (usage.seats > 0) terms.push(Math.min(100, (100 * usage.activeUsers) / usage.seats));
  if (usage.featureAdoption !== null) terms.push(usage.featureAdoption);
  if (terms.length === 0) return null;
  return terms.reduce((sum, term) => sum + term, 0) / terms.length;
}
