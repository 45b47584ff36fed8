import { MILLISECONDS_PER_DAY } from "./period.ts";
import { assertPercentScale, assertValidDate } from "./validate.ts";

export const HEALTH_TREND_DAYS = 30;

export interface HealthSnapshot {
  /** When the snapshot was taken (its day, at UTC midnight, for daily snapshots). */
  takenAt: Date;
  /** Null when the account had too little data for a score that day. */
  score: number | null;
}

/**
 * Score now − the latest snapshot taken at or before now − 30 days; null when there is no
 * current score, no such snapshot, or that snapshot has no score (too little data). Snapshots after that instant are ignored, so passing an
 * account's whole history or just the one row SQL picked gives the same answer.
 */
export function healthTrend(input: {
  score: number | null;
  snapshots: readonly HealthSnapshot[];
  now: Date;
}): number | null {
  const { score, snapshots, now } = input;
  assertValidDate(now, "now");
  if (score !== null) assertPercentScale(score, "health score");
  const cutoff = now.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY;
  let reference: HealthSnapshot | null = null;
  for (const snapshot of snapshots) {
    assertValidDate(snapshot.takenAt, "snapshot.takenAt");
    if (snapshot.score !== null) assertPercentScale(snapshot.score, "snapshot score");
    if (snapshot.takenAt.getTime() > cutoff) continue;
    if (reference === null || snapshot.takenAt > reference.takenAt) reference = snapshot;
  }
  if (score === null || reference === null || reference.score === null) return null;
  return score - reference.score;
}
