import { describe, expect, it } from "vitest";
import { expectMetricError, utc } from "./testing.ts";
import {
  acquisitionSpendInPeriod,
  cacPaybackMonths,
  customerAcquisitionCost,
  lifetimeValueToCac,
  unitEconomics,
} from "./unit-economics.ts";

const JANUARY = { from: utc("2026-01-01"), to: utc("2026-02-01") };

describe("acquisitionSpendInPeriod", () => {
  const entries = [
    { periodStart: utc("2026-01-01"), periodEnd: utc("2026-02-01"), amount: "3100", segment: "SMB" },
    { periodStart: utc("2026-01-01"), periodEnd: utc("2026-02-01"), amount: "6200", segment: "Enterprise" },
    { periodStart: utc("2026-02-01"), periodEnd: utc("2026-03-01"), amount: "2800", segment: null },
  ];

  it("counts whole entries inside the period, all segments without one", () => {
    expect(acquisitionSpendInPeriod(entries, JANUARY).toString()).toBe("9300");
    expect(acquisitionSpendInPeriod(entries, JANUARY, "SMB").toString()).toBe("3100");
    expect(acquisitionSpendInPeriod(entries, JANUARY, "Mid-Market").toString()).toBe("0");
  });

  it("spreads an entry evenly over its span (10 of January's 31 days of 3,100 = 1,000)", () => {
    const period = { from: utc("2026-01-22"), to: utc("2026-02-08") };
    // SMB: 10/31 × 3100 = 1000; Enterprise: 10/31 × 6200 = 2000; February: 7/28 × 2800 = 700.
    expect(acquisitionSpendInPeriod(entries, period).toString()).toBe("3700");
    expect(acquisitionSpendInPeriod(entries, period, "SMB").toString()).toBe("1000");
  });

  it("refuses a negative amount or an empty span", () => {
    expectMetricError(
      () => acquisitionSpendInPeriod([{ ...entries[0], amount: "-1" } as never], JANUARY),
      "INVALID_AMOUNT",
    );
    expectMetricError(
      () =>
        acquisitionSpendInPeriod(
          [{ periodStart: utc("2026-01-02"), periodEnd: utc("2026-01-02"), amount: 1, segment: null }],
          JANUARY,
        ),
      "INVALID_PERIOD",
    );
  });
});

describe("CAC, payback and LTV:CAC", () => {
  it("worked example: spend 12,000 for 8 new accounts, ARPA 500, margin 0.8, CLTV 20,000", () => {
    const cac = customerAcquisitionCost("12000", 8);
    expect(cac?.toString()).toBe("1500");
    // 1500 / (500 × 0.8) = 3.75 months; 20000 / 1500 = 13.33…
    expect(cacPaybackMonths(cac, "500", "0.8")?.toString()).toBe("3.75");
    expect(lifetimeValueToCac("20000", cac)?.toFixed(4)).toBe("13.3333");
    const all = unitEconomics({
      spend: "12000",
      newAccounts: 8,
      arpa: "500",
      averageLifetimeValue: "20000",
      grossMargin: "0.8",
    });
    expect(all.acquisitionSpend.toString()).toBe("12000");
    expect(all.cac?.toString()).toBe("1500");
    expect(all.cacPaybackMonths?.toString()).toBe("3.75");
    expect(all.ltvToCac?.toNumber()).toBeCloseTo(13.333333333, 9);
  });

  it("is null without new accounts, ARPA, CLTV, or with a zero CAC", () => {
    expect(customerAcquisitionCost("100", 0)).toBeNull();
    expect(cacPaybackMonths(null, "500", "0.8")).toBeNull();
    expect(cacPaybackMonths("100", null, "0.8")).toBeNull();
    expect(cacPaybackMonths("100", "0", "0.8")).toBeNull();
    expect(cacPaybackMonths("0", "500", "0.8")?.toString()).toBe("0");
    expect(lifetimeValueToCac("100", "0")).toBeNull();
    expect(lifetimeValueToCac(null, "10")).toBeNull();
  });

  it("refuses bad inputs with a code", () => {
    expectMetricError(() => customerAcquisitionCost("10", -1), "INVALID_COUNT");
    expectMetricError(() => customerAcquisitionCost("-10", 1), "INVALID_AMOUNT");
    expectMetricError(() => cacPaybackMonths("10", "10", "1.5"), "INVALID_SETTING");
  });
});
