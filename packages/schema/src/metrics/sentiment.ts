import { isWithinPeriod, trailingDays } from "./period.ts";
import { assertKnownKind, assertValidDate } from "./validate.ts";

export type SentimentRating = "RED" | "YELLOW" | "GREEN";

export interface SentimentEntry {
  rating: SentimentRating;
  createdAt: Date;
}

const SENTIMENT_RATINGS: readonly SentimentRating[] = ["RED", "YELLOW", "GREEN"];

/** Only a recent CSM rating says something about health today. */
export const SENTIMENT_HEALTH_WINDOW_DAYS = 90;

export const SENTIMENT_COMPONENT_SCORES: Readonly<Record<SentimentRating, number>> = {
  GREEN: 100,
  YELLOW: 50,
  RED: 0,
};

export interface CsmSentiment<Entry extends SentimentEntry> {
  latest: Entry | null;
  /** Entries created before `now`, oldest first. */
  series: Entry[];
}

/** Latest entry and the series as of `now`; extra fields (note, author, id) are kept. */
export function csmSentiment<Entry extends SentimentEntry>(
  entries: readonly Entry[],
  now: Date,
): CsmSentiment<Entry> {
  assertValidDate(now, "now");
  for (const entry of entries) {
    assertValidDate(entry.createdAt, "sentiment.createdAt");
    assertKnownKind(entry.rating, SENTIMENT_RATINGS, "sentiment.rating");
  }
  // Array sort is stable, so entries at the same instant keep their given order.
  const series = entries
    .filter((entry) => entry.createdAt.getTime() < now.getTime())
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return { latest: series.at(-1) ?? null, series };
}

/** GREEN 100, YELLOW 50, RED 0 from the latest entry of the trailing 90 days; else no data. */
export function sentimentHealthComponent(entries: readonly SentimentEntry[], now: Date): number | null {
  const { latest } = csmSentiment(entries, now);
  if (latest === null || !isWithinPeriod(latest.createdAt, trailingDays(now, SENTIMENT_HEALTH_WINDOW_DAYS))) {
    return null;
  }
  return SENTIMENT_COMPONENT_SCORES[latest.rating];
}
