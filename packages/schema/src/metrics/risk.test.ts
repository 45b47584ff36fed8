import { describe, expect, it } from "vitest";
import { type AccountRiskInput, accountRisk } from "./risk.ts";
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
