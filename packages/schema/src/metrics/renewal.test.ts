import { describe, expect, it } from "vitest";
import { type RenewalContract, type RenewalOutcome, renewalRate } from "./renewal.ts";
import { expectMetricError, utc } from "./testing.ts";

const period = { from: utc("2026-01-01"), to: utc("2026-04-01") };

describe("renewalRate", () => {
  it("100 × renewed / decided contracts ending in the period; pending reported apart", () => {
    const contracts: RenewalContract[] = [
      { endsAt: utc("2026-01-15"), renewalOutcome: "RENEWED" },
      { endsAt: utc("2026-02-15"), renewalOutcome: "RENEWED" },
      { endsAt: utc("2026-03-15"), renewalOutcome: "RENEWED" },
      { endsAt: utc("2026-03-20"), renewalOutcome: "CHURNED" },
      { endsAt: utc("2026-03-25"), renewalOutcome: "PENDING" },
      { endsAt: utc("2025-12-31"), renewalOutcome: "CHURNED" },
    ];
    expect(renewalRate(contracts, period)).toEqual({ rate: 75, renewed: 3, churned: 1, pending: 1 });
  });

  it("a contract ending at `from` counts, one ending at `to` does not", () => {
    const contracts: RenewalContract[] = [
      { endsAt: period.from, renewalOutcome: "CHURNED" },
      { endsAt: period.to, renewalOutcome: "RENEWED" },
    ];
    expect(renewalRate(contracts, period)).toEqual({ rate: 0, renewed: 0, churned: 1, pending: 0 });
  });

  it("nothing decided → null, not 0 or 100", () => {
    expect(renewalRate([], period).rate).toBeNull();
    expect(renewalRate([{ endsAt: utc("2026-02-01"), renewalOutcome: "PENDING" }], period)).toEqual({
      rate: null,
      renewed: 0,
      churned: 0,
      pending: 1,
    });
  });

  it("rejects an invalid period or date", () => {
    expectMetricError(() => renewalRate([], { from: period.to, to: period.from }), "INVALID_PERIOD");
    expectMetricError(
      () => renewalRate([{ endsAt: new Date("nope"), renewalOutcome: "RENEWED" }], period),
      "INVALID_DATE",
    );
    expectMetricError(
      () => renewalRate([{ endsAt: utc("2026-02-01"), renewalOutcome: "LOST" as RenewalOutcome }], period),
      "UNKNOWN_KIND",
    );
  });
});

describe("renewalRate over contracts counted per end and outcome", () => {
  it("counts each entry `count` times, as the same contracts listed one by one", () => {
    const period = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") };
    const endsAt = new Date("2026-02-01T00:00:00Z");
    const outside = new Date("2026-05-01T00:00:00Z");
    const counted = renewalRate(
      [
        { endsAt, renewalOutcome: "RENEWED", count: 3 },
        { endsAt, renewalOutcome: "CHURNED", count: 1 },
        { endsAt, renewalOutcome: "PENDING", count: 2 },
        { endsAt: outside, renewalOutcome: "CHURNED", count: 5 },
      ],
      period,
    );
    const listed = renewalRate(
      [
        ...Array.from({ length: 3 }, () => ({ endsAt, renewalOutcome: "RENEWED" as const })),
        { endsAt, renewalOutcome: "CHURNED" },
        ...Array.from({ length: 2 }, () => ({ endsAt, renewalOutcome: "PENDING" as const })),
        ...Array.from({ length: 5 }, () => ({ endsAt: outside, renewalOutcome: "CHURNED" as const })),
      ],
      period,
    );
    expect(counted).toEqual(listed);
    expect(counted).toEqual({ rate: 75, renewed: 3, churned: 1, pending: 2 });
  });

  it("rejects a count that is not a non-negative integer", () => {
    const period = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") };
    const endsAt = new Date("2026-02-01T00:00:00Z");
    expect(() => renewalRate([{ endsAt, renewalOutcome: "RENEWED", count: 1.5 }], period)).toThrow(/count/);
    expect(() => renewalRate([{ endsAt, renewalOutcome: "RENEWED", count: -1 }], period)).toThrow(/count/);
  });
});
