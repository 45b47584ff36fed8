import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isActiveAt,
  mrrAt,
  type PortfolioAccount,
  type RevenueEvent,
  type RevenueEventKind,
} from "./accounts.ts";
import { MetricDecimal } from "./decimal.ts";
import {
  expansionRate,
  grossRevenueRetention,
  netRevenueRetention,
  revenueChurnRate,
  revenueMovements,
  revenueRetention,
  revenueRetentionFromMovements,
} from "./revenue.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const from = utc("2026-01-01");
const to = utc("2026-02-01");
const period = { from, to };
const before = utc("2025-06-01");

const text = (value: Decimal | null): string | null => (value === null ? null : value.toString());

function event(kind: RevenueEventKind, mrrDelta: string | number, occurredAt: Date): RevenueEvent {
  return { kind, mrrDelta, occurredAt };
}

function account(
  revenueEvents: RevenueEvent[],
  churnedAt: Date | null = null,
  signedUpAt = before,
): PortfolioAccount {
  return { signedUpAt, churnedAt, revenueEvents };
}

describe("revenue retention from movements", () => {
  const example = { startingMrr: "10000", expansionMrr: "1500", contractionMrr: "500", churnedMrr: "1000" };

  it("PRODUCT.md example: start 10,000, expansion 1,500, contraction 500, churned 1,000 → GRR 85, NRR 100, revenue churn 15, expansion rate 15", () => {
    const result = revenueRetentionFromMovements(example);
    expect(text(result.grossRevenueRetention)).toBe("85");
    expect(text(result.netRevenueRetention)).toBe("100");
    expect(text(result.revenueChurnRate)).toBe("15");
    expect(text(result.expansionRate)).toBe("15");
    expect(text(result.expansionRevenue)).toBe("1500");
  });

  it("each rate also stands alone and returns a Decimal", () => {
    expect(grossRevenueRetention(example)).toBeInstanceOf(Decimal);
    expect(text(grossRevenueRetention(example))).toBe("85");
    expect(text(netRevenueRetention(example))).toBe("100");
    expect(text(revenueChurnRate(example))).toBe("15");
    expect(text(expansionRate(example))).toBe("15");
  });

  it("keeps exact decimals: start 3, contraction 1 → GRR 66.66… to 40 digits", () => {
    const grr = grossRevenueRetention({ startingMrr: 3, expansionMrr: 0, contractionMrr: 1, churnedMrr: 0 });
    expect(text(grr)).toBe("66.66666666666666666666666666666666666667");
  });

  it("zero starting MRR → every rate null, expansion revenue still an amount", () => {
    const result = revenueRetentionFromMovements({
      startingMrr: 0,
      expansionMrr: 200,
      contractionMrr: 0,
      churnedMrr: 0,
    });
    expect(result).toMatchObject({
      grossRevenueRetention: null,
      netRevenueRetention: null,
      revenueChurnRate: null,
      expansionRate: null,
    });
    expect(text(result.expansionRevenue)).toBe("200");
  });

  it("rejects negative or non-numeric amounts", () => {
    expectMetricError(
      () => grossRevenueRetention({ startingMrr: 100, expansionMrr: 0, contractionMrr: -5, churnedMrr: 0 }),
      "INVALID_AMOUNT",
    );
    expectMetricError(
      () => netRevenueRetention({ startingMrr: "abc", expansionMrr: 0, contractionMrr: 0, churnedMrr: 0 }),
      "INVALID_AMOUNT",
    );
    expectMetricError(
      () =>
        expansionRate({
          startingMrr: Number.POSITIVE_INFINITY,
          expansionMrr: 0,
          contractionMrr: 0,
          churnedMrr: 0,
        }),
      "INVALID_AMOUNT",
    );
  });
});

describe("mrrAt", () => {
  it("sums the deltas that occurred strictly before t, in exact decimals", () => {
    const events = [
      event("NEW", "0.1", utc("2025-01-01")),
      event("EXPANSION", "0.2", utc("2025-02-01")),
      event("CONTRACTION", "-0.05", utc("2025-03-01")),
    ];
    expect(text(mrrAt(events, utc("2025-02-01")))).toBe("0.1");
    expect(text(mrrAt(events, utc("2025-02-02")))).toBe("0.3");
    expect(text(mrrAt(events, utc("2026-01-01")))).toBe("0.25");
    expect(text(mrrAt([], utc("2026-01-01")))).toBe("0");
  });

  it("rejects a delta whose sign contradicts its kind", () => {
    expectMetricError(() => mrrAt([event("EXPANSION", -10, before)], from), "INVALID_AMOUNT");
    expectMetricError(() => mrrAt([event("CHURN", 10, before)], from), "INVALID_AMOUNT");
    expectMetricError(() => mrrAt([event("NEW", "NaN", before)], from), "INVALID_AMOUNT");
    expectMetricError(() => mrrAt([event("UPGRADE" as RevenueEventKind, 5, before)], from), "UNKNOWN_KIND");
  });
});

describe("revenueRetention over accounts", () => {
  it("hand-computed portfolio: S starts at 1,000 + 500 + 300; new accounts are ignored", () => {
    const accounts = [
      account([event("NEW", 1000, before), event("EXPANSION", 250, addDays(from, 3))]),
      account([event("NEW", 500, before), event("CONTRACTION", -100, addDays(from, 9))]),
      account([event("NEW", 300, before), event("CHURN", -300, addDays(from, 12))], addDays(from, 12)),
      account([event("NEW", 900, addDays(from, 2))], null, addDays(from, 2)),
    ];
    const result = revenueRetention(accounts, period);
    expect(text(result.startingMrr)).toBe("1800");
    expect(text(result.expansionMrr)).toBe("250");
    expect(text(result.contractionMrr)).toBe("100");
    expect(text(result.churnedMrr)).toBe("300");
    // GRR = 100 × (1800 − 100 − 300) / 1800 = 77.77…; NRR = 100 × 1650 / 1800 = 91.66…
    expect(result.grossRevenueRetention?.toDecimalPlaces(6).toString()).toBe("77.777778");
    expect(result.netRevenueRetention?.toDecimalPlaces(6).toString()).toBe("91.666667");
  });

  it("events at `from` are in the period, events at `to` are not", () => {
    const accounts = [
      account([event("NEW", 100, before), event("EXPANSION", 10, from), event("EXPANSION", 50, to)]),
    ];
    const movements = revenueMovements(accounts, period);
    expect(text(movements.startingMrr)).toBe("100");
    expect(text(movements.expansionMrr)).toBe("10");
  });

  it("zero starting MRR (only new accounts) → null rates", () => {
    const accounts = [account([event("NEW", 100, addDays(from, 1))], null, from)];
    expect(revenueRetention(accounts, period).grossRevenueRetention).toBeNull();
  });

  it("churn and reactivation in the same period cancel out: no churned MRR, NRR = MRR at `to` / start", () => {
    const accounts = [
      account([
        event("NEW", 1000, before),
        event("CHURN", -1000, addDays(from, 5)),
        event("REACTIVATION", 1000, addDays(from, 20)),
      ]),
      account([event("NEW", 1000, before)]),
    ];
    const result = revenueRetention(accounts, period);
    expect(text(result.churnedMrr)).toBe("0");
    expect(text(result.expansionMrr)).toBe("0");
    expect(text(result.grossRevenueRetention)).toBe("100");
    expect(text(result.netRevenueRetention)).toBe("100");
  });

  it("a reactivation at a higher price counts the surplus as expansion", () => {
    const accounts = [
      account([
        event("NEW", 1000, before),
        event("CHURN", -1000, addDays(from, 5)),
        event("REACTIVATION", 1200, addDays(from, 20)),
      ]),
    ];
    const result = revenueRetention(accounts, period);
    expect(text(result.churnedMrr)).toBe("0");
    expect(text(result.expansionMrr)).toBe("200");
    expect(text(result.netRevenueRetention)).toBe("120");
  });

  it("expansion then churn in the same period: GRR 0, never negative; NRR 0", () => {
    const accounts = [
      account(
        [
          event("NEW", 100, before),
          event("EXPANSION", 100, addDays(from, 1)),
          event("CHURN", -200, addDays(from, 8)),
        ],
        addDays(from, 8),
      ),
    ];
    const result = revenueRetention(accounts, period);
    expect(text(result.churnedMrr)).toBe("100");
    expect(text(result.expansionMrr)).toBe("0");
    expect(text(result.grossRevenueRetention)).toBe("0");
    expect(text(result.netRevenueRetention)).toBe("0");
  });

  it("a NEW event of an account already in S (trial converting) is new business, not expansion", () => {
    const accounts = [account([event("NEW", 400, addDays(from, 3))]), account([event("NEW", 100, before)])];
    const result = revenueRetention(accounts, period);
    expect(text(result.startingMrr)).toBe("100");
    expect(text(result.expansionMrr)).toBe("0");
    expect(text(result.netRevenueRetention)).toBe("100");
  });

  it("accounts churned before `from` are not in S", () => {
    const accounts = [
      account([event("NEW", 100, before), event("CHURN", -100, utc("2025-12-01"))], utc("2025-12-01")),
      account([event("NEW", 100, before)]),
    ];
    expect(text(revenueRetention(accounts, period).startingMrr)).toBe("100");
  });
});

describe("revenue retention properties", () => {
  const cents = fc.integer({ min: 0, max: 10_000_00 }).map((value) => new Decimal(value).div(100));

  it("from movements: GRR ≤ 100, NRR − GRR = expansion rate (so NRR ≥ GRR iff expansion ≥ 0), churn = 100 − GRR", () => {
    fc.assert(
      fc.property(cents, cents, cents, cents, (start, expansion, contraction, churned) => {
        fc.pre(start.gt(0));
        const movements = {
          startingMrr: start,
          expansionMrr: expansion,
          contractionMrr: contraction,
          churnedMrr: churned,
        };
        const result = revenueRetentionFromMovements(movements);
        const grr = result.grossRevenueRetention ?? new Decimal(Number.NaN);
        const nrr = result.netRevenueRetention ?? new Decimal(Number.NaN);
        expect(grr.lte(100)).toBe(true);
        expect(
          nrr
            .minus(grr)
            .minus(result.expansionRate ?? 0)
            .abs()
            .lt("1e-30"),
        ).toBe(true);
        expect(nrr.gte(grr)).toBe(expansion.gte(0));
        expect(nrr.gt(grr)).toBe(expansion.gt(0));
        expect(
          grr
            .plus(result.revenueChurnRate ?? 0)
            .minus(100)
            .abs()
            .lt("1e-30"),
        ).toBe(true);
      }),
    );
  });

  /** A realistic history: MRR never negative, churn takes all MRR, reactivation only after churn. */
  const lifecycle = fc.record({
    signedUpDay: fc.integer({ min: -60, max: 20 }),
    initialMrr: fc.integer({ min: 0, max: 5000 }),
    steps: fc.array(
      fc.record({
        action: fc.constantFrom("EXPANSION", "CONTRACTION", "CHURN", "REACTIVATION"),
        amount: fc.integer({ min: 1, max: 5000 }),
        gapDays: fc.integer({ min: 0, max: 15 }),
      }),
      { maxLength: 8 },
    ),
  });

  function simulate(row: typeof lifecycle extends fc.Arbitrary<infer T> ? T : never): PortfolioAccount {
    const signedUpAt = addDays(from, row.signedUpDay);
    const events: RevenueEvent[] = [];
    if (row.initialMrr > 0) events.push(event("NEW", row.initialMrr, signedUpAt));
    let mrr = row.initialMrr;
    let churnedAt: Date | null = null;
    let day = row.signedUpDay;
    for (const step of row.steps) {
      day += step.gapDays;
      const at = addDays(from, day);
      if (churnedAt === null && step.action === "EXPANSION") {
        events.push(event("EXPANSION", step.amount, at));
        mrr += step.amount;
      } else if (churnedAt === null && step.action === "CONTRACTION" && mrr > 0) {
        const amount = Math.min(step.amount, mrr);
        events.push(event("CONTRACTION", -amount, at));
        mrr -= amount;
      } else if (churnedAt === null && step.action === "CHURN") {
        events.push(event("CHURN", -mrr, at));
        mrr = 0;
        churnedAt = at;
      } else if (churnedAt !== null && step.action === "REACTIVATION") {
        events.push(event("REACTIVATION", step.amount, at));
        mrr += step.amount;
        churnedAt = null;
      }
    }
    return { signedUpAt, churnedAt, revenueEvents: events };
  }

  it("over accounts: GRR ∈ [0, 100], NRR ≥ GRR, and NRR = 100 × MRR of S at `to` / MRR of S at `from`", () => {
    fc.assert(
      fc.property(fc.array(lifecycle, { maxLength: 12 }), (rows) => {
        const accounts = rows.map(simulate);
        const cohort = accounts.filter((a) => isActiveAt(a, from));
        const startOfS = cohort.reduce(
          (sum, a) => sum.plus(mrrAt(a.revenueEvents, from)),
          new MetricDecimal(0),
        );
        const endOfS = cohort.reduce((sum, a) => sum.plus(mrrAt(a.revenueEvents, to)), new MetricDecimal(0));
        const result = revenueRetention(accounts, period);
        expect(result.startingMrr.equals(startOfS)).toBe(true);
        if (result.grossRevenueRetention === null || result.netRevenueRetention === null) {
          expect(startOfS.isZero()).toBe(true);
          return;
        }
        expect(result.grossRevenueRetention.gte(0)).toBe(true);
        expect(result.grossRevenueRetention.lte(100)).toBe(true);
        expect(result.netRevenueRetention.gte(result.grossRevenueRetention)).toBe(true);
        const expectedNrr = endOfS.times(100).div(startOfS);
        expect(result.netRevenueRetention.minus(expectedNrr).abs().lt("1e-30")).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
