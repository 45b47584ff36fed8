import { describe, expect, it } from "vitest";
import { csmSentiment, type SentimentRating, sentimentHealthComponent } from "./sentiment.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const now = utc("2026-06-01");

describe("csmSentiment", () => {
  it("latest entry and the series oldest first, keeping extra fields; future entries ignored", () => {
    const entries = [
      { id: "b", rating: "YELLOW" as const, createdAt: addDays(now, -10), note: "slow rollout" },
      { id: "a", rating: "GREEN" as const, createdAt: addDays(now, -40), note: null },
      { id: "c", rating: "RED" as const, createdAt: addDays(now, 1), note: "typo: future" },
    ];
    const result = csmSentiment(entries, now);
    expect(result.series.map((entry) => entry.id)).toEqual(["a", "b"]);
    expect(result.latest).toEqual(entries[0]);
  });

  it("no entries → latest null, empty series", () => {
    expect(csmSentiment([], now)).toEqual({ latest: null, series: [] });
  });

  it("rejects unknown ratings", () => {
    expectMetricError(
      () =>
        sentimentHealthComponent([{ rating: "AMBER" as SentimentRating, createdAt: addDays(now, -1) }], now),
      "UNKNOWN_KIND",
    );
  });

  it("rejects invalid dates", () => {
    expectMetricError(
      () => csmSentiment([{ rating: "RED", createdAt: new Date(Number.NaN) }], now),
      "INVALID_DATE",
    );
  });
});

describe("sentimentHealthComponent", () => {
  it("GREEN 100, YELLOW 50, RED 0 from the latest entry", () => {
    expect(sentimentHealthComponent([{ rating: "GREEN", createdAt: addDays(now, -1) }], now)).toBe(100);
    expect(sentimentHealthComponent([{ rating: "YELLOW", createdAt: addDays(now, -1) }], now)).toBe(50);
    expect(
      sentimentHealthComponent(
        [
          { rating: "GREEN", createdAt: addDays(now, -30) },
          { rating: "RED", createdAt: addDays(now, -2) },
        ],
        now,
      ),
    ).toBe(0);
  });

  it("only an entry of the trailing 90 days counts; an older latest entry is no data", () => {
    expect(sentimentHealthComponent([{ rating: "GREEN", createdAt: addDays(now, -90) }], now)).toBe(100);
    expect(sentimentHealthComponent([{ rating: "GREEN", createdAt: addDays(now, -91) }], now)).toBeNull();
    expect(sentimentHealthComponent([], now)).toBeNull();
  });
});
