// Calendar days, weeks, months and quarters in an IANA time zone. Pure (no I/O): offsets come
// from Intl.DateTimeFormat, so they are exact across daylight-saving changes, including 30-minute
// ones (Australia/Lord_Howe) and zones whose midnight is skipped by a change.
import { MetricInputError } from "./errors.ts";
import { MILLISECONDS_PER_DAY } from "./period.ts";

/** A calendar date, "YYYY-MM-DD". */
export type CalendarDate = string;

export const DEFAULT_TIME_ZONE = "UTC";

const HOUR = 3_600_000;
const DAY = MILLISECONDS_PER_DAY;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw new MetricInputError("INVALID_SETTING", `"${timeZone}" is not an IANA time zone name`);
    }
    formatters.set(timeZone, format);
  }
  return format;
}

/** IANA names as spelled in the database: segments start with a capital ("America/Port-au-Prince"). */
const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * Whether `name` is an IANA time zone name this runtime knows, spelled exactly (Intl accepts
 * "asia/kolkata" too; the database and clients should see one spelling). Offsets such as
 * "+02:00" are not zones. Links are accepted ("Asia/Kolkata", which Intl resolves to its older
 * canonical name "Asia/Calcutta"), so `Intl.supportedValuesOf` alone would refuse valid names.
 */
export function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Wall clocks already computed, per zone: a request asks for the same few instants (its `now`,
 * its windows' bounds) once per account, and `formatToParts` costs microseconds each time (it was
 * a fifth of a dashboard page's CPU). A pure function's results, so the cache is exact; each
 * zone's map is emptied when it grows past MAX_CACHED_WALL_CLOCKS.
 */
const wallClocks = new Map<string, Map<number, number>>();
const MAX_CACHED_WALL_CLOCKS = 10_000;

/** The wall-clock time of `instant` in `timeZone`, as milliseconds of a UTC calendar. */
function wallClock(instant: number, timeZone: string): number {
  // UTC's wall clock is the instant itself (no offset, ever).
  if (timeZone === DEFAULT_TIME_ZONE) return instant;
  let cache = wallClocks.get(timeZone);
  if (!cache) {
    cache = new Map();
    wallClocks.set(timeZone, cache);
  }
  let wall = cache.get(instant);
  if (wall === undefined) {
    wall = formattedWallClock(instant, timeZone);
    if (cache.size >= MAX_CACHED_WALL_CLOCKS) cache.clear();
    cache.set(instant, wall);
  }
  return wall;
}

function formattedWallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  // Whole seconds only: sub-second offsets do not exist after 1972.
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
}

/** The offset of `timeZone` from UTC at `instant`, in milliseconds (+05:30 → 19,800,000). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  return wallClock(instant.getTime(), timeZone) - instant.getTime();
}

function assertDate(date: CalendarDate): [number, number, number] {
  const match = DATE_PATTERN.exec(date);
  const utc = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== date) {
    throw new MetricInputError("INVALID_DATE", `"${date}" is not a calendar date (YYYY-MM-DD)`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function dateOfUtc(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The calendar date in `timeZone` of `instant`. */
export function localDate(instant: Date, timeZone: string): CalendarDate {
  return dateOfUtc(wallClock(instant.getTime(), timeZone));
}

/** `date` moved by `days` calendar days. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [year, month, day] = assertDate(date);
  return dateOfUtc(Date.UTC(year, month - 1, day + days));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const [y1, m1, d1] = assertDate(from);
  const [y2, m2, d2] = assertDate(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY);
}

/**
 * The first instant of `date` in `timeZone`: its midnight, or, where a daylight-saving change
 * skips midnight, the instant of the change (the day then starts at 01:00).
 */
export function localMidnight(date: CalendarDate, timeZone: string): Date {
  const [year, month, day] = assertDate(date);
  const wall = Date.UTC(year, month - 1, day);
  // The offset a day before and a day after bracket any change near midnight: try both and keep
  // the earliest instant that reads as this midnight (a repeated midnight counts from its first).
  const candidates = [wall - DAY, wall, wall + DAY]
    .map((probe) => wall - (wallClock(probe, timeZone) - probe))
    .filter((instant) => wallClock(instant, timeZone) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // Midnight does not exist: the day starts at the first instant whose date is `date`.
  let low = wall - 15 * HOUR;
  let high = wall + 15 * HOUR;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(middle, timeZone) >= wall) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** The start of the local day containing `instant`. */
export function startOfLocalDay(instant: Date, timeZone: string): Date {
  return localMidnight(localDate(instant, timeZone), timeZone);
}

export type CalendarInterval = "DAY" | "WEEK" | "MONTH" | "QUARTER";

/** The first local date of the day, week (starting Monday), month or quarter containing `date`. */
export function startOfInterval(date: CalendarDate, interval: CalendarInterval): CalendarDate {
  const [year, month, day] = assertDate(date);
  switch (interval) {
    case "DAY":
      return date;
    case "WEEK": {
      const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
      return addDays(date, -weekday);
    }
    case "MONTH":
      return dateOfUtc(Date.UTC(year, month - 1, 1));
    case "QUARTER":
      return dateOfUtc(Date.UTC(year, month - 1 - ((month - 1) % 3), 1));
  }
}

/** The first local date of the next interval after the one starting at `start`. */
export function nextInterval(start: CalendarDate, interval: CalendarInterval): CalendarDate {
  const [year, month, day] = assertDate(start);
  switch (interval) {
    case "DAY":
      return addDays(start, 1);
    case "WEEK":
      return addDays(start, 7);
    case "MONTH":
      return dateOfUtc(Date.UTC(year, month, day));
    case "QUARTER":
      return dateOfUtc(Date.UTC(year, month + 2, day));
  }
}

/**
 * The interval boundaries in `timeZone` strictly inside (from, to), in order: local midnights
 * starting a day, a week (Monday), a month or a quarter. At most `limit` of them; one more
 * throws RangeError, so a caller can refuse a series that is too long.
 */
export function intervalBoundaries(
  period: { from: Date; to: Date },
  interval: CalendarInterval,
  timeZone: string,
  limit = Number.POSITIVE_INFINITY,
): Date[] {
  const bounds: Date[] = [];
  let start = startOfInterval(localDate(period.from, timeZone), interval);
  for (;;) {
    start = nextInterval(start, interval);
    const bound = localMidnight(start, timeZone);
    if (bound.getTime() >= period.to.getTime()) return bounds;
    if (bound.getTime() > period.from.getTime()) {
      if (bounds.length >= limit) throw new RangeError(`more than ${limit} boundaries`);
      bounds.push(bound);
    }
  }
}
