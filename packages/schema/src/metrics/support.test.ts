import { describe, expect, it } from "vitest";
import { type SupportTicket, supportHealthComponent, supportLoad, supportLoadFromCounts } from "./support.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01");
const ticket = (priority: SupportTicket["priority"], daysAgo: number): SupportTicket => ({
  priority,
  openedAt: addDays(now, -daysAgo),
});

describe("support component", () => {
  it("PRODUCT.md example: tickets LOW, HIGH, URGENT → 100 − 5 × 13 = 35", () => {
    expect(supportHealthComponent([ticket("LOW", 1), ticket("HIGH", 2), ticket("URGENT", 3)], now)).toBe(35);
    expect(supportLoadFromCounts({ LOW: 1, HIGH: 1, URGENT: 1 })).toEqual({
      tickets: 3,
      weightedLoad: 13,
      score: 35,
    });
  });

  it("no tickets → 100 (support always has a value)", () => {
    expect(supportHealthComponent([], now)).toBe(100);
  });

  it("never below 0", () => {
    expect(supportLoadFromCounts({ URGENT: 3 }).score).toBe(0);
  });

  it("only tickets opened in [now − 90 days, now) count", () => {
    // NORMAL exactly 90 days ago is in; URGENT 91 days ago, LOW at `now` itself and later are out.
    const tickets = [
      ticket("NORMAL", 90),
      ticket("URGENT", 91),
      ticket("HIGH", 0.5),
      ticket("LOW", 0),
      ticket("LOW", -1),
    ];
    const result = supportLoad(tickets, now);
    expect(result).toEqual({ tickets: 2, weightedLoad: 6, score: 70 });
  });

  it("rejects unknown priorities and bad counts", () => {
    expectMetricError(() => supportLoadFromCounts({ LOW: -1 }), "INVALID_COUNT");
    expectMetricError(() => supportLoadFromCounts(JSON.parse('{"toString": 1}')), "UNKNOWN_KIND");
    expectMetricError(
      () => supportLoad([{ priority: "BLOCKER" as SupportTicket["priority"], openedAt: now }], now),
      "UNKNOWN_KIND",
    );
  });
});
