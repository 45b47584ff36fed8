import { describe, expect, it } from "vitest";
import { addDays, expectMetricError, utc } from "./testing.ts";
import { portfolioTimeToFirstValue, timeToFirstValueDays } from "./time-to-value.ts";

const period = { from: utc("2026-01-01"), to: utc("2026-02-01") };

describe("timeToFirstValueDays", () => {
  it("fractional days from sign-up to first value", () => {
    expect(
      timeToFirstValueDays({ signedUpAt: utc("2026-01-01"), firstValueAt: utc("2026-01-02T12:00:00Z") }),
    ).toBe(1.5);
    expect(timeToFirstValueDays({ signedUpAt: utc("2026-01-01"), firstValueAt: utc("2026-01-01") })).toBe(0);
  });

  it("first value not reached → null", () => {
    expect(timeToFirstValueDays({ signedUpAt: utc("2026-01-01"), firstValueAt: null })).toBeNull();
  });

  it("first value before sign-up is invalid", () => {
    expectMetricError(
      () => timeToFirstValueDays({ signedUpAt: utc("2026-01-05"), firstValueAt: utc("2026-01-01") }),
      "INVALID_DATE",
    );
  });
});

describe("portfolioTimeToFirstValue", () => {
  const signedUp = (day: number, daysToValue: number | null) => {
    const signedUpAt = addDays(period.from, day);
    return { signedUpAt, firstValueAt: daysToValue === null ? null : addDays(signedUpAt, daysToValue) };
  };

  it("median and mean over the period's sign-ups that reached first value", () => {
    const accounts = [
      signedUp(0, 2),
      signedUp(3, 10),
      signedUp(5, 3),
      signedUp(7, null),
      signedUp(-1, 100),
      signedUp(31, 1),
    ];
    // Cohort with value: 2, 10, 3 → median 3, mean 5. Day 31 is `to` (excluded), day −1 before `from`.
    expect(portfolioTimeToFirstValue(accounts, period)).toEqual({
      accounts: 3,
      medianDays: 3,
      averageDays: 5,
    });
  });

  it("even count: median is the mean of the two middle values", () => {
    const accounts = [signedUp(0, 1), signedUp(1, 4), signedUp(2, 2), signedUp(3, 9)];
    expect(portfolioTimeToFirstValue(accounts, period)).toEqual({
      accounts: 4,
      medianDays: 3,
      averageDays: 4,
    });
  });

  it("an account signed up exactly at `from` is in the cohort", () => {
    expect(portfolioTimeToFirstValue([signedUp(0, 0.25)], period).medianDays).toBe(0.25);
  });

  it("nobody reached first value → nulls", () => {
    expect(portfolioTimeToFirstValue([signedUp(1, null)], period)).toEqual({
      accounts: 0,
      medianDays: null,
      averageDays: null,
    });
  });
});
