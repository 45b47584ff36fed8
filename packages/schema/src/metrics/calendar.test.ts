import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  intervalBoundaries,
  isTimeZone,
  localDate,
  localMidnight,
  startOfInterval,
  zoneOffsetMs,
} from "./calendar.ts";
import { usageWindow, usageWindowParts } from "./usage.ts";

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Santiago",
] as const;
const HOUR = 3_600_000;
const instants = fc
  .integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) })
  .map((ms) => new Date(ms));
const zones = fc.constantFrom(...ZONES);

describe("calendar in a time zone", () => {
  it("knows midnights across daylight-saving changes", () => {
    // US spring forward (2026-03-08) keeps midnight at UTC−5; the next day is UTC−4.
    expect(localMidnight("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(localMidnight("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(localMidnight("2026-11-02", "America/New_York").toISOString()).toBe("2026-11-02T05:00:00.000Z");
    expect(localMidnight("2026-03-30", "Europe/Berlin").toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(localMidnight("2026-10-26", "Europe/Berlin").toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect(localMidnight("2026-01-01", "Asia/Kolkata").toISOString()).toBe("2025-12-31T18:30:00.000Z");
    // Lord Howe moves by 30 minutes: +10:30 in winter, +11 in summer.
    expect(localMidnight("2026-10-04", "Australia/Lord_Howe").toISOString()).toBe("2026-10-03T13:30:00.000Z");
    expect(localMidnight("2026-10-05", "Australia/Lord_Howe").toISOString()).toBe("2026-10-04T13:00:00.000Z");
    expect(zoneOffsetMs(new Date("2026-10-04T12:00:00Z"), "Australia/Lord_Howe")).toBe(11 * HOUR);
    // Chile skips midnight on 2026-09-06: the day starts at 01:00 (the change, 04:00 UTC).
    expect(localMidnight("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("puts every instant between its day's first instant and the next day's", () => {
    fc.assert(
      fc.property(instants, zones, (instant, zone) => {
        const date = localDate(instant, zone);
        const start = localMidnight(date, zone);
        const end = localMidnight(addDays(date, 1), zone);
        expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(instant.getTime()).toBeLessThan(end.getTime());
        expect(localDate(start, zone)).toBe(date);
        // The instant before a day's start belongs to the day before.
        expect(localDate(new Date(start.getTime() - 1), zone)).toBe(addDays(date, -1));
        // Local days last 23 to 25 hours (Lord Howe: 23.5 or 24.5).
        expect(end.getTime() - start.getTime()).toBeGreaterThanOrEqual(23 * HOUR);
        expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(25 * HOUR);
      }),
      { numRuns: 400 },
    );
  });

  it("aligns week, month and quarter boundaries to local midnights of Mondays and firsts", () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 200 }), zones, (from, days, zone) => {
        const to = new Date(from.getTime() + days * 86_400_000);
        for (const interval of ["WEEK", "MONTH", "QUARTER"] as const) {
          const bounds = intervalBoundaries({ from, to }, interval, zone);
          let previous = from.getTime();
          for (const bound of bounds) {
            expect(bound.getTime()).toBeGreaterThan(previous);
            previous = bound.getTime();
            const date = localDate(bound, zone);
            expect(localMidnight(date, zone).getTime()).toBe(bound.getTime());
            expect(startOfInterval(date, interval)).toBe(date);
          }
          expect(previous).toBeLessThan(to.getTime());
        }
      }),
      { numRuns: 150 },
    );
    const weeks = intervalBoundaries(
      { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-20T00:00:00Z") },
      "WEEK",
      "America/New_York",
    );
    expect(weeks.map((bound) => bound.toISOString())).toEqual([
      "2026-03-02T05:00:00.000Z",
      "2026-03-09T04:00:00.000Z",
      "2026-03-16T04:00:00.000Z",
    ]);
    expect(() =>
      intervalBoundaries({ from: new Date("2026-01-01"), to: new Date("2027-01-01") }, "WEEK", "UTC", 10),
    ).toThrow(RangeError);
  });

  it("counts calendar days and validates dates and zone names", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(() => addDays("2026-02-30", 1)).toThrow(/calendar date/);
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Asia/Kolkata")).toBe(true);
    expect(isTimeZone("America/Port-au-Prince")).toBe(true);
    expect(isTimeZone("asia/kolkata")).toBe(false);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("+02:00")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("usage windows", () => {
  it("trailing 30 days are the 30 local days ending today, today up to now", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    const window = usageWindow(now, 30, "America/New_York");
    // 30 days back from 2026-03-10 is 2026-02-09, midnight at UTC−5.
    expect(window.from.toISOString()).toBe("2026-02-09T05:00:00.000Z");
    expect(window.to).toBe(now);
    const parts = usageWindowParts(window);
    expect(parts.days).toBe(30);
    expect(parts.wholeDays).toEqual({ from: "2026-02-09", to: "2026-03-10" });
    expect(parts.head.from.getTime()).toBe(parts.head.to.getTime());
    expect(parts.tail).toEqual({ from: new Date("2026-03-10T04:00:00Z"), to: now, day: "2026-03-10" });
  });

  it("splits any window exactly into partial days and whole days", () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 60 * 24 * 45 }), zones, (from, minutes, zone) => {
        const to = new Date(from.getTime() + minutes * 60_000);
        const { wholeDays, head, tail, days } = usageWindowParts({ from, to, timeZone: zone });
        const wholeFrom = localMidnight(wholeDays.from, zone).getTime();
        const wholeTo = localMidnight(wholeDays.to, zone).getTime();
        const whole = daysBetween(wholeDays.from, wholeDays.to);
        expect(whole).toBeGreaterThanOrEqual(0);
        expect(head.from).toEqual(from);
        expect(tail.to).toEqual(to);
        if (whole > 0) {
          // head, whole days, tail tile [from, to) without gap or overlap.
          expect(head.to.getTime()).toBe(wholeFrom);
          expect(tail.from.getTime()).toBe(wholeTo);
        } else {
          expect(head.to.getTime()).toBeLessThanOrEqual(tail.from.getTime());
          expect(Math.max(head.to.getTime(), tail.from.getTime()) <= to.getTime()).toBe(true);
          const covered = head.to.getTime() - head.from.getTime() + (tail.to.getTime() - tail.from.getTime());
          expect(covered).toBe(to.getTime() - from.getTime());
        }
        // Each partial part lies in its labelled day.
        for (const part of [head, tail]) {
          if (part.from.getTime() === part.to.getTime()) continue;
          expect(localDate(part.from, zone)).toBe(part.day);
          expect(localDate(new Date(part.to.getTime() - 1), zone)).toBe(part.day);
        }
        const partial = [head, tail].filter((part) => part.from.getTime() < part.to.getTime()).length;
        expect(days).toBe(whole + partial);
      }),
      { numRuns: 400 },
    );
  });
});
