import { describe, expect, it } from "vitest";
import { type AccountRiskInput, accountRisk, isAccountAtRisk } from "./risk.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01");
const healthy: AccountRiskInput = {
  now,
  active: true,
  health: { score: 82, band: "GREEN" },
  trend: 3,
  npsResponses: [],
  contracts: [],
};

const codes = (input: Partial<AccountRiskInput>) =>
  accountRisk({ ...healthy, ...input }).reasons.map((r) => r.code);

describe("accountRisk", () => {
  it("a healthy account is not at risk", () => {
    expect(accountRisk(healthy)).toEqual({ atRisk: false, reasons: [] });
  });

  it("a churned (inactive) account is never at risk, whatever its health", () => {
    const red = { ...healthy, health: { score: 10, band: "RED" as const }, trend: -30 };
    expect(accountRisk(red).atRisk).toBe(true);
    expect(accountRisk({ ...red, active: false })).toEqual({ atRisk: false, reasons: [] });
  });

  it("RED band", () => {
    const result = accountRisk({ ...healthy, health: { score: 35, band: "RED" } });
    expect(result.atRisk).toBe(true);
    expect(result.reasons).toEqual([{ code: "HEALTH_RED", message: "Health is RED (score 35.0)" }]);
  });

  it("a drop of 10 points or more in 30 days, not 9.99", () => {
    expect(codes({ trend: -10 })).toEqual(["HEALTH_DROP"]);
    expect(accountRisk({ ...healthy, trend: -12.25 }).reasons[0].message).toBe(
      "Health dropped 12.3 points in 30 days",
    );
    expect(codes({ trend: -9.99 })).toEqual([]);
    expect(codes({ trend: null })).toEqual([]);
  });

  it("an NPS detractor (score ≤ 6) in [now − 30 days, now)", () => {
    expect(codes({ npsResponses: [{ score: 6, respondedAt: addDays(now, -30) }] })).toEqual([
      "RECENT_DETRACTOR",
    ]);
    expect(codes({ npsResponses: [{ score: 7, respondedAt: addDays(now, -1) }] })).toEqual([]);
    expect(codes({ npsResponses: [{ score: 2, respondedAt: addDays(now, -31) }] })).toEqual([]);
    const two = accountRisk({
      ...healthy,
      npsResponses: [
        { score: 3, respondedAt: addDays(now, -20) },
        { score: 5, respondedAt: addDays(now, -2) },
      ],
    });
    expect(two.reasons[0].message).toBe(
      "2 NPS detractors in the last 30 days (latest: score 5 on 2026-05-30)",
    );
  });

  it("a pending renewal within 90 days while not GREEN", () => {
    const soon = [{ endsAt: addDays(now, 45), renewalOutcome: "PENDING" as const }];
    expect(codes({ contracts: soon })).toEqual([]);
    const yellow = accountRisk({ ...healthy, health: { score: 55, band: "YELLOW" }, contracts: soon });
    expect(yellow.reasons).toEqual([
      { code: "RENEWAL_NOT_GREEN", message: "Renewal on 2026-07-16 with health YELLOW" },
    ]);
    expect(codes({ health: { score: null, band: null }, contracts: soon })).toEqual(["RENEWAL_NOT_GREEN"]);
  });

  it("ignores decided contracts and renewals outside [now, now + 90 days)", () => {
    const yellow = { score: 55, band: "YELLOW" as const };
    expect(
      codes({ health: yellow, contracts: [{ endsAt: addDays(now, 10), renewalOutcome: "RENEWED" }] }),
    ).toEqual([]);
    expect(
      codes({ health: yellow, contracts: [{ endsAt: addDays(now, 90), renewalOutcome: "PENDING" }] }),
    ).toEqual([]);
    expect(
      codes({ health: yellow, contracts: [{ endsAt: addDays(now, -1), renewalOutcome: "PENDING" }] }),
    ).toEqual([]);
    expect(codes({ health: yellow, contracts: [{ endsAt: now, renewalOutcome: "PENDING" }] })).toEqual([
      "RENEWAL_NOT_GREEN",
    ]);
  });

  it("lists every reason that applies, in a stable order", () => {
    expect(
      codes({
        health: { score: 20, band: "RED" },
        trend: -30,
        npsResponses: [{ score: 0, respondedAt: addDays(now, -3) }],
        contracts: [{ endsAt: addDays(now, 30), renewalOutcome: "PENDING" }],
      }),
    ).toEqual(["HEALTH_RED", "HEALTH_DROP", "RECENT_DETRACTOR", "RENEWAL_NOT_GREEN"]);
  });

  it("rejects invalid NPS scores and dates", () => {
    expectMetricError(
      () => accountRisk({ ...healthy, npsResponses: [{ score: 11, respondedAt: now }] }),
      "SCORE_OUT_OF_RANGE",
    );
    expectMetricError(() => accountRisk({ ...healthy, now: new Date("x") }), "INVALID_DATE");
  });
});

describe("isAccountAtRisk", () => {
  it("is accountRisk(...).atRisk on every combination of the rules, and fails the same way", () => {
    const dayMs = 86_400_000;
    const bands = [null, "GREEN", "YELLOW", "RED"] as const;
    const trends = [null, -25, -10, -9.99, 0, 4];
    const responses = [
      [],
      [{ score: 3, respondedAt: new Date(now.getTime() - 2 * dayMs) }],
      [{ score: 9, respondedAt: new Date(now.getTime() - 2 * dayMs) }],
      [{ score: 0, respondedAt: new Date(now.getTime() - 31 * dayMs) }],
      [{ score: 6, respondedAt: now }],
    ];
    const contracts = [
      [],
      [{ endsAt: new Date(now.getTime() + 10 * dayMs), renewalOutcome: "PENDING" as const }],
      [{ endsAt: new Date(now.getTime() + 90 * dayMs), renewalOutcome: "PENDING" as const }],
      [{ endsAt: new Date(now.getTime() + 10 * dayMs), renewalOutcome: "RENEWED" as const }],
      [{ endsAt: now, renewalOutcome: "PENDING" as const }],
    ];
    let atRisk = 0;
    let cases = 0;
    for (const active of [true, false])
      for (const band of bands)
        for (const trend of trends)
          for (const npsResponses of responses)
            for (const contractList of contracts) {
              const input: AccountRiskInput = {
                now,
                active,
                health: { score: band === null ? null : 50, band },
                trend,
                npsResponses,
                contracts: contractList,
              };
              const expected = accountRisk(input).atRisk;
              expect(isAccountAtRisk(input)).toBe(expected);
              cases += 1;
              if (expected) atRisk += 1;
            }
    expect(atRisk).toBeGreaterThan(0);
    expect(atRisk).toBeLessThan(cases);
    for (const bad of [
      { ...healthy, trend: Number.NaN },
      { ...healthy, health: { score: 101, band: "GREEN" as const } },
      { ...healthy, npsResponses: [{ score: 11, respondedAt: now }] },
      { ...healthy, contracts: [{ endsAt: new Date(Number.NaN), renewalOutcome: "PENDING" as const }] },
    ]) {
      expect(() => accountRisk(bad)).toThrow();
      expect(() => isAccountAtRisk(bad)).toThrow();
    }
  });
});
