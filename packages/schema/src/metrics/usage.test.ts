import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, expectMetricError, utc } from "./testing.ts";
import {
  type UsageAggregates,
  type UsageEvent,
  usageAggregatesFromEvents,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
} from "./usage.ts";

const from = utc("2026-03-01");
const period = { from, to: addDays(from, 7) };
const at = (days: number, hours = 0): Date => new Date(addDays(from, days).getTime() + hours * 3_600_000);

function aggregates(overrides: Partial<UsageAggregates>): UsageAggregates {
  return {
    seats: 10,
    windowDays: 30,
    activeUsers: 0,
    loginEvents: 0,
    sessionCount: 0,
    sessionSeconds: 0,
    userDays: 0,
    featureCounts: {},
    keyFeatures: [],
    ...overrides,
  };
}

describe("usageAggregatesFromEvents", () => {
  const events: UsageEvent[] = [
    { contactId: "ana", kind: "LOGIN", occurredAt: at(0) },
    { contactId: "ana", kind: "LOGIN", occurredAt: at(0, 5) },
    { contactId: "ana", kind: "FEATURE", featureKey: "reports", occurredAt: at(2) },
    { contactId: "ben", kind: "LOGIN", occurredAt: at(2, 23) },
    { contactId: "ben", kind: "SESSION", durationSeconds: 600, occurredAt: at(3) },
    { contactId: "ben", kind: "SESSION", durationSeconds: 1200, occurredAt: at(6, 23) },
    { contactId: "ben", kind: "SESSION", durationSeconds: null, occurredAt: at(6) },
    { contactId: "cy", kind: "FEATURE", featureKey: "exports", occurredAt: at(4) },
    { contactId: "cy", kind: "FEATURE", featureKey: "reports", occurredAt: at(4, 1) },
    { contactId: null, kind: "LOGIN", occurredAt: at(5) },
    { contactId: "dee", kind: "LOGIN", occurredAt: at(7) },
    { contactId: "eve", kind: "LOGIN", occurredAt: at(-1) },
  ];
  const result = usageAggregatesFromEvents({ events, period, seats: 5, keyFeatures: ["reports", "alerts"] });

  it("counts distinct contacts, (day, contact) pairs and events inside [from, to) only", () => {
    expect(result).toEqual({
      seats: 5,
      windowDays: 7,
      // Calendar days of the window in its zone (UTC here).
      days: 7,
      // ana, ben, cy; "dee" is at `to`, "eve" before `from`, the anonymous login is no user.
      activeUsers: 3,
      loginEvents: 4,
      // The SESSION without a duration does not count toward session length.
      sessionCount: 2,
      sessionSeconds: 1800,
      // ana: days 0, 2; ben: days 2, 3, 6; cy: day 4.
      userDays: 6,
      featureCounts: { reports: 2, exports: 1 },
      keyFeatures: ["reports", "alerts"],
    });
  });

  it("feeds usageMetrics with hand-checkable results", () => {
    const metrics = usageMetrics(result);
    expect(metrics.seatUtilization).toBe(3 / 5);
    // 4 logins / 3 users / (7 / 7) weeks.
    expect(metrics.loginsPerActiveUserPerWeek).toBe(4 / 3);
    expect(metrics.averageSessionMinutes).toBe(15);
    expect(metrics.averageDailyActiveUsers).toBe(6 / 7);
    expect(metrics.stickiness).toBe(6 / 21);
    expect(metrics.featureAdoption).toBe(50);
    expect(metrics.keyFeaturesUsed).toEqual(["reports"]);
  });

  it("rejects unknown event kinds", () => {
    expectMetricError(
      () =>
        usageAggregatesFromEvents({
          events: [{ contactId: "a", kind: "CLICK" as UsageEvent["kind"], occurredAt: at(1) }],
          period,
          seats: 1,
          keyFeatures: [],
        }),
      "UNKNOWN_KIND",
    );
  });

  it("rejects negative seats, negative durations and bad periods", () => {
    expectMetricError(
      () => usageAggregatesFromEvents({ events: [], period, seats: -1, keyFeatures: [] }),
      "INVALID_SEATS",
    );
    expectMetricError(
      () =>
        usageAggregatesFromEvents({
          events: [{ contactId: "a", kind: "SESSION", durationSeconds: -5, occurredAt: at(1) }],
          period,
          seats: 1,
          keyFeatures: [],
        }),
      "INVALID_DURATION",
    );
    expectMetricError(
      () => usageAggregatesFromEvents({ events: [], period: { from, to: from }, seats: 1, keyFeatures: [] }),
      "INVALID_PERIOD",
    );
  });
});

describe("usageMetrics", () => {
  it("30-day window: 12 logins by 3 users → 0.9333… per user per week; stickiness from user-days", () => {
    const metrics = usageMetrics(
      aggregates({ activeUsers: 3, loginEvents: 12, userDays: 18, sessionCount: 4, sessionSeconds: 3000n }),
    );
    expect(metrics.loginsPerActiveUserPerWeek).toBe((7 * 12) / (3 * 30));
    expect(metrics.averageDailyActiveUsers).toBe(0.6);
    expect(metrics.stickiness).toBe(0.2);
    expect(metrics.averageSessionMinutes).toBe(12.5);
  });

  it("an empty window gives null ratios, not 0 or NaN", () => {
    const metrics = usageMetrics(aggregates({ seats: 0 }));
    expect(metrics).toMatchObject({
      seatUtilization: null,
      loginsPerActiveUserPerWeek: null,
      averageSessionMinutes: null,
      averageDailyActiveUsers: 0,
      stickiness: null,
      featureAdoption: null,
    });
  });

  it("counts each key feature once even if listed twice; non-key features do not count", () => {
    const metrics = usageMetrics(
      aggregates({
        keyFeatures: ["a", "b", "a", "c", "d", "e"],
        featureCounts: { a: 3, c: 1, zzz: 9, e: 0 },
        activeUsers: 1,
        userDays: 1,
      }),
    );
    expect(metrics.featureAdoption).toBe(40);
  });

  it("rejects aggregates that contradict each other", () => {
    expectMetricError(() => usageMetrics(aggregates({ activeUsers: 2, userDays: 1 })), "INVALID_COUNT");
    expectMetricError(() => usageMetrics(aggregates({ activeUsers: 1, userDays: 31 })), "INVALID_COUNT");
    expectMetricError(() => usageMetrics(aggregates({ seats: -3 })), "INVALID_SEATS");
    expectMetricError(() => usageMetrics(aggregates({ loginEvents: -1 })), "INVALID_COUNT");
    expectMetricError(() => usageMetrics(aggregates({ windowDays: 0 })), "INVALID_PERIOD");
    expectMetricError(() => usageMetrics(aggregates({ featureCounts: { a: 1.5 } })), "INVALID_COUNT");
  });
});

describe("usageHealthComponent", () => {
  it("PRODUCT.md example: 8 active users of 10 seats, feature adoption 60 → usage 70", () => {
    const usage = usageMetrics(
      aggregates({
        activeUsers: 8,
        userDays: 8,
        keyFeatures: ["a", "b", "c", "d", "e"],
        featureCounts: { a: 1, b: 1, c: 1 },
      }),
    );
    expect(usage.featureAdoption).toBe(60);
    expect(usageHealthComponent({ usage, everHadUsage: true })).toBe(70);
  });

  it("caps seat utilization at 1: 15 users on 10 seats, no key feature used → 50", () => {
    const usage = usageMetrics(aggregates({ activeUsers: 15, userDays: 15, keyFeatures: ["a"] }));
    expect(usage.seatUtilization).toBe(1.5);
    expect(usageHealthComponent({ usage, everHadUsage: true })).toBe(50);
  });

  it("no activity in the window scores 0; never any usage event is no data", () => {
    const usage = usageMetrics(aggregates({ keyFeatures: ["a"] }));
    expect(usageHealthComponent({ usage, everHadUsage: true })).toBe(0);
    expect(usageHealthComponent({ usage, everHadUsage: false })).toBeNull();
  });

  it("activity in the window counts as usage even when everHadUsage lags behind", () => {
    const usage = usageMetrics(aggregates({ activeUsers: 5, userDays: 5 }));
    expect(usageHealthComponent({ usage, everHadUsage: false })).toBe(50);
  });

  it("uses the one measurable term when seats or key features are not configured", () => {
    const noSeats = usageMetrics(
      aggregates({ seats: 0, activeUsers: 2, userDays: 2, keyFeatures: ["a", "b"], featureCounts: { a: 4 } }),
    );
    expect(usageHealthComponent({ usage: noSeats, everHadUsage: true })).toBe(50);
    const noKeyFeatures = usageMetrics(aggregates({ activeUsers: 4, userDays: 4 }));
    expect(usageHealthComponent({ usage: noKeyFeatures, everHadUsage: true })).toBe(40);
    const neither = usageMetrics(aggregates({ seats: 0, activeUsers: 4, userDays: 4 }));
    expect(usageHealthComponent({ usage: neither, everHadUsage: true })).toBeNull();
  });
});

describe("usage properties", () => {
  const event = fc.record({
    contactId: fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f"), { nil: null }),
    kind: fc.constantFrom("LOGIN", "FEATURE", "SESSION") as fc.Arbitrary<UsageEvent["kind"]>,
    featureKey: fc.constantFrom("x", "y", "z", "w"),
    durationSeconds: fc.option(fc.integer({ min: 0, max: 7200 }), { nil: null }),
    offsetMs: fc.integer({ min: -86_400_000, max: 8 * 86_400_000 }),
  });
  const windowHours = fc.integer({ min: 1, max: 24 * 10 });

  it("Σ daily distinct users = userDays; stickiness ∈ (0, 1]; adoption and usage ∈ [0, 100]", () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        windowHours,
        fc.integer({ min: 0, max: 8 }),
        (rows, hours, seats) => {
          const window = { from, to: new Date(from.getTime() + hours * 3_600_000) };
          const events: UsageEvent[] = rows.map((row) => ({
            ...row,
            occurredAt: new Date(from.getTime() + row.offsetMs),
          }));
          const built = usageAggregatesFromEvents({
            events,
            period: window,
            seats,
            keyFeatures: ["x", "y", "q"],
          });

          const daily = new Map<number, Set<string>>();
          for (const e of events) {
            if (e.contactId === null || e.occurredAt < window.from || e.occurredAt >= window.to) continue;
            const dayIndex = Math.floor((e.occurredAt.getTime() - from.getTime()) / 86_400_000);
            daily.set(dayIndex, (daily.get(dayIndex) ?? new Set()).add(e.contactId));
          }
          const sumOfDaily = [...daily.values()].reduce((sum, users) => sum + users.size, 0);
          expect(built.userDays).toBe(sumOfDaily);

          const metrics = usageMetrics(built);
          if (metrics.stickiness !== null) {
            expect(metrics.stickiness).toBeGreaterThan(0);
            expect(metrics.stickiness).toBeLessThanOrEqual(1);
          }
          expect(metrics.featureAdoption).toBeGreaterThanOrEqual(0);
          expect(metrics.featureAdoption).toBeLessThanOrEqual(100);
          const component = usageHealthComponent({ usage: metrics, everHadUsage: true });
          expect(component).not.toBeNull();
          expect(component).toBeGreaterThanOrEqual(0);
          expect(component).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});

describe("usage windows of calendar days", () => {
  it("counts a user active every local day across a spring-forward change as active on all 30 days", () => {
    // 00:30 in New York on 2026-03-20: the window starts at midnight on 2026-02-19 and holds the
    // 23-hour day of 2026-03-08, so it lasts 29 days minus 30 minutes: ⌈windowDays⌉ is 29, not 30.
    const now = new Date("2026-03-20T04:30:00Z");
    const window = usageWindow(now, 30, "America/New_York");
    expect(window.from.toISOString()).toBe("2026-02-19T05:00:00.000Z");
    const events: UsageEvent[] = Array.from({ length: 30 }, (_, day) => ({
      contactId: "ana",
      kind: "LOGIN" as const,
      occurredAt: new Date(window.from.getTime() + day * 86_400_000 + 6 * 3_600_000),
    })).filter((event) => event.occurredAt < now);
    // The last slice is today's first 30 minutes: a login at 00:10.
    events.push({ contactId: "ana", kind: "LOGIN", occurredAt: new Date("2026-03-20T04:10:00Z") });
    const aggregates = usageAggregatesFromEvents({
      events,
      period: window,
      seats: 1,
      keyFeatures: [],
      timeZone: window.timeZone,
    });
    expect(Math.ceil(aggregates.windowDays)).toBe(29);
    expect(aggregates.days).toBe(30);
    expect(aggregates.userDays).toBe(30);
    const metrics = usageMetrics(aggregates);
    expect(metrics.averageDailyActiveUsers).toBe(1);
    expect(metrics.stickiness).toBe(1);
  });

  it("refuses a window of no whole day and a bad day count", () => {
    expectMetricError(() => usageWindow(new Date("2026-03-20T00:00:00Z"), 0, "UTC"), "INVALID_PERIOD");
    const base = usageAggregatesFromEvents({
      events: [],
      period: { from, to: addDays(from, 7) },
      seats: 1,
      keyFeatures: [],
    });
    expectMetricError(() => usageMetrics({ ...base, days: 0 }), "INVALID_PERIOD");
  });
});
