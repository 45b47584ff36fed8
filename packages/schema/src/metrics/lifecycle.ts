// The lifecycle journey: from each account's recorded stage changes, per stage, the accounts in
// it at the period's end, those entering it in the period, how many of them converted to the next
// stage by the period's end, and the median days of the stays that ended in the period.
import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, isWithinPeriod, MILLISECONDS_PER_DAY, type Period } from "./period.ts";
import { assertCount, assertKnownKind, assertValidDate } from "./validate.ts";

export const LIFECYCLE_STAGES = ["ONBOARDING", "ADOPTION", "ACTIVE", "RENEWAL", "CHURNED"] as const;
export type LifecycleStageName = (typeof LIFECYCLE_STAGES)[number];

/**
 * The stage a stay converts to: onboarding → adoption → active → renewal, and a renewal converts
 * when the account is back to ACTIVE (renewed). CHURNED has no next stage.
 */
export const NEXT_LIFECYCLE_STAGE: Readonly<Record<LifecycleStageName, LifecycleStageName | null>> = {
  ONBOARDING: "ADOPTION",
  ADOPTION: "ACTIVE",
  ACTIVE: "RENEWAL",
  RENEWAL: "ACTIVE",
  CHURNED: null,
};

export interface LifecycleStageChangeFact {
  toStage: LifecycleStageName;
  changedAt: Date;
}

/** The median of the values (the mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  for (const value of values) {
    if (!Number.isFinite(value))
      throw new MetricInputError("INVALID_DURATION", `not a finite value: ${value}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median length in days of stays given as [enteredAt, leftAt] pairs; null when there are none. */
export function medianDays(stays: readonly { enteredAt: Date; leftAt: Date }[]): number | null {
  return median(
    stays.map((stay) => {
      assertValidDate(stay.enteredAt, "enteredAt");
      assertValidDate(stay.leftAt, "leftAt");
      const elapsed = stay.leftAt.getTime() - stay.enteredAt.getTime();
      if (elapsed < 0) throw new MetricInputError("INVALID_DURATION", "a stay must not end before it starts");
      return elapsed / MILLISECONDS_PER_DAY;
    }),
  );
}

/** 100 × converted / entered; null when nobody entered. */
export function conversionRate(entered: number, converted: number): number | null {
  assertCount(entered, "entered");
  assertCount(converted, "converted");
  if (converted > entered) throw new MetricInputError("INVALID_COUNT", "converted must not exceed entered");
  return entered === 0 ? null : (100 * converted) / entered;
}

export interface StageStay {
  stage: LifecycleStageName;
  enteredAt: Date;
  /** When the next change moved the account on; null while it is still in the stage. */
  leftAt: Date | null;
  nextStage: LifecycleStageName | null;
}

/**
 * An account's stays, in time order. Changes are ordered by time (equal instants keep their input
 * order); a change to the stage the account is already in (a repeated import) is no new stay.
 */
export function stageStays(changes: readonly LifecycleStageChangeFact[]): StageStay[] {
  const ordered = changes
    .map((change, index) => {
      assertKnownKind(change.toStage, LIFECYCLE_STAGES, "toStage");
      assertValidDate(change.changedAt, "changedAt");
      return { change, index };
    })
    .sort((a, b) => a.change.changedAt.getTime() - b.change.changedAt.getTime() || a.index - b.index);
  const stays: StageStay[] = [];
  for (const { change } of ordered) {
    const current = stays.at(-1);
    if (current?.stage === change.toStage) continue;
    if (current) {
      current.leftAt = change.changedAt;
      current.nextStage = change.toStage;
    }
    stays.push({ stage: change.toStage, enteredAt: change.changedAt, leftAt: null, nextStage: null });
  }
  return stays;
}

export interface StageJourney {
  stage: LifecycleStageName;
  /** Accounts whose latest change before the period's end put them in this stage. */
  accountsAtEnd: number;
  /** Stays in this stage that began in the period. */
  entered: number;
  /** Of those, the ones that moved on to the next stage before the period's end. */
  converted: number;
  /** 100 × converted / entered; null without entries or next stage. */
  conversionRate: number | null;
  /** Stays in this stage that ended in the period. */
  completedStays: number;
  /** Median days of those stays; null without any. */
  medianDaysInStage: number | null;
}

/** Per stage (in LIFECYCLE_STAGES order), the journey over `period` of the accounts given. */
export function lifecycleJourney(
  accounts: readonly (readonly LifecycleStageChangeFact[])[],
  period: Period,
): StageJourney[] {
  assertValidPeriod(period);
  const to = period.to.getTime();
  const tally = new Map(
    LIFECYCLE_STAGES.map((stage) => [
      stage,
      { atEnd: 0, entered: 0, converted: 0, completed: [] as { enteredAt: Date; leftAt: Date }[] },
    ]),
  );
  for (const changes of accounts) {
    let atEnd: LifecycleStageName | null = null;
    for (const stay of stageStays(changes)) {
      const counts = tally.get(stay.stage);
      if (!counts) continue;
      if (stay.enteredAt.getTime() < to) atEnd = stay.stage;
      if (isWithinPeriod(stay.enteredAt, period)) {
        counts.entered++;
        const next = NEXT_LIFECYCLE_STAGE[stay.stage];
        if (next !== null && stay.nextStage === next && stay.leftAt !== null && stay.leftAt.getTime() < to) {
          counts.converted++;
        }
      }
      if (stay.leftAt !== null && isWithinPeriod(stay.leftAt, period)) {
        counts.completed.push({ enteredAt: stay.enteredAt, leftAt: stay.leftAt });
      }
    }
    if (atEnd !== null) {
      const counts = tally.get(atEnd);
      if (counts) counts.atEnd++;
    }
  }
  return LIFECYCLE_STAGES.map((stage) => {
    const counts = tally.get(stage) ?? { atEnd: 0, entered: 0, converted: 0, completed: [] };
    return {
      stage,
      accountsAtEnd: counts.atEnd,
      entered: counts.entered,
      converted: counts.converted,
      conversionRate:
        NEXT_LIFECYCLE_STAGE[stage] === null ? null : conversionRate(counts.entered, counts.converted),
      completedStays: counts.completed.length,
      medianDaysInStage: medianDays(counts.completed),
    };
  });
}

/** The mean of the known values; null when none is known (accounts without data are left out). */
export function meanOfKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  if (known.length === 0) return null;
  for (const value of known) {
    if (!Number.isFinite(value)) throw new MetricInputError("INVALID_COUNT", `not a finite value: ${value}`);
  }
  return known.reduce((sum, value) => sum + value, 0) / known.length;
}

/** The stage of the latest change before `at` (as of t: strictly before); null before the first. */
export function stageAt(changes: readonly LifecycleStageChangeFact[], at: Date): LifecycleStageName | null {
  assertValidDate(at, "at");
  let stage: LifecycleStageName | null = null;
  for (const stay of stageStays(changes)) {
    if (stay.enteredAt.getTime() < at.getTime()) stage = stay.stage;
  }
  return stage;
}
