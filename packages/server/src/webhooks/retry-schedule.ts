// When a failed delivery is tried again: exponential backoff with jitter, for a retry window
// (24 hours by default) from its first attempt, and one last attempt at the window's end, so a
// receiver that is down for up to the whole window still gets the event.

export interface RetrySchedule {
  /** Delay after the first failed attempt (ms). */
  baseDelayMs: number;
  /** Longest delay between two attempts (ms). */
  maxDelayMs: number;
  /** Attempts go on this long after the first one (ms). */
  retryWindowMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseDelayMs: 30_000,
  maxDelayMs: 4 * 3_600_000,
  retryWindowMs: 24 * 3_600_000,
};

/**
 * The time of the next attempt after `failedAttempts` failures (1 after the first), or null
 * when the window is over. The delay doubles per failure up to the cap; "equal jitter" keeps
 * half of it and draws the other half (random in [0, 1)), so receivers that failed together
 * are not retried together.
 */
export function nextAttemptAt(
  schedule: RetrySchedule,
  input: { failedAttempts: number; firstAttemptAt: Date; now: Date; random: number },
): Date | null {
  const exponent = Math.min(Math.max(input.failedAttempts - 1, 0), 40);
  const delay = Math.min(schedule.baseDelayMs * 2 ** exponent, schedule.maxDelayMs);
  const jittered = delay / 2 + (delay / 2) * input.random;
  const windowEnd = input.firstAttemptAt.getTime() + schedule.retryWindowMs;
  const next = input.now.getTime() + jittered;
  if (next < windowEnd) return new Date(next);
  // The last attempt is made at the window's end (unless that has passed).
  return input.now.getTime() < windowEnd ? new Date(windowEnd) : null;
}
