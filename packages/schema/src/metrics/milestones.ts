import { MetricInputError } from "./errors.ts";
import { assertValidPeriod, isWithinPeriod, MILLISECONDS_PER_DAY, type Period } from "./period.ts";
import { assertCount, assertValidDate } from "./validate.ts";

export interface MilestoneDefinition {
  key: string;
  name?: string;
  /** Display order; ties and absent positions fall back to the key. */
  position?: number;
  /** Days after sign-up by which the milestone should be achieved. */
  targetDays: number;
  isFirstValue?: boolean;
}

export interface MilestoneAchievement {
  milestoneKey: string;
  achievedAt: Date;
}

export type MilestoneStatus = "ACHIEVED" | "STALLED" | "PENDING";

export interface MilestoneState {
  key: string;
  name: string | null;
  targetAt: Date;
  achievedAt: Date | null;
  status: MilestoneStatus;
  /** Achieved after its target day. */
  late: boolean;
}

export interface MilestoneProgress {
  defined: number;
  achieved: number;
  /** achieved / defined as a ratio in [0, 1]; null when the workspace defines no milestone. */
  progress: number | null;
  /** Keys of the milestones whose target day passed without achievement. */
  stalled: string[];
  milestones: MilestoneState[];
}

function checkDefinitions(milestones: readonly MilestoneDefinition[]): MilestoneDefinition[] {
  const keys = new Set<string>();
  for (const milestone of milestones) {
    if (keys.has(milestone.key)) {
      throw new MetricInputError("INVALID_COUNT", `milestone key ${milestone.key} is defined twice`);
    }
    keys.add(milestone.key);
    if (!Number.isFinite(milestone.targetDays) || milestone.targetDays < 0) {
      throw new MetricInputError(
        "INVALID_DURATION",
        `milestone ${milestone.key}: targetDays must be ≥ 0, got ${milestone.targetDays}`,
      );
    }
  }
  return [...milestones].sort(
    (a, b) =>
      (a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER) ||
      a.key.localeCompare(b.key),
  );
}

/** Earliest achievement per milestone key among those before `asOf`. */
function achievementsBefore(achievements: readonly MilestoneAchievement[], asOf: Date): Map<string, Date> {
  const earliest = new Map<string, Date>();
  for (const achievement of achievements) {
    assertValidDate(achievement.achievedAt, "achievedAt");
    if (achievement.achievedAt.getTime() >= asOf.getTime()) continue;
    const known = earliest.get(achievement.milestoneKey);
    if (known === undefined || achievement.achievedAt < known)
      earliest.set(achievement.milestoneKey, achievement.achievedAt);
  }
  return earliest;
}

/**
 * One account's onboarding as of `now`. A milestone is stalled once `now` reaches its target
 * day (signedUpAt + targetDays × 24 h) without an achievement before `now`. Achievements of
 * milestones the workspace no longer defines are ignored.
 */
export function milestoneProgress(input: {
  milestones: readonly MilestoneDefinition[];
  achievements: readonly MilestoneAchievement[];
  signedUpAt: Date;
  now: Date;
}): MilestoneProgress {
  const { signedUpAt, now } = input;
  assertValidDate(signedUpAt, "signedUpAt");
  assertValidDate(now, "now");
  const achievedAtByKey = achievementsBefore(input.achievements, now);
  const milestones = checkDefinitions(input.milestones).map((milestone): MilestoneState => {
    const targetAt = new Date(signedUpAt.getTime() + milestone.targetDays * MILLISECONDS_PER_DAY);
    const achievedAt = achievedAtByKey.get(milestone.key) ?? null;
    let status: MilestoneStatus = "PENDING";
    if (achievedAt !== null) status = "ACHIEVED";
    else if (now.getTime() >= targetAt.getTime()) status = "STALLED";
    return {
      key: milestone.key,
      name: milestone.name ?? null,
      targetAt,
      achievedAt,
      status,
      late: achievedAt !== null && achievedAt.getTime() > targetAt.getTime(),
    };
  });
  const achieved = milestones.filter((milestone) => milestone.status === "ACHIEVED").length;
  return {
    defined: milestones.length,
    achieved,
    progress: milestones.length === 0 ? null : achieved / milestones.length,
    stalled: milestones
      .filter((milestone) => milestone.status === "STALLED")
      .map((milestone) => milestone.key),
    milestones,
  };
}

/** Milestones component = 100 × achieved / defined; no data when no milestone is defined. */
export function milestonesHealthComponent(progress: { achieved: number; defined: number }): number | null {
  assertCount(progress.achieved, "achieved");
  assertCount(progress.defined, "defined");
  if (progress.achieved > progress.defined) {
    throw new MetricInputError("INVALID_COUNT", "achieved milestones cannot exceed defined milestones");
  }
  if (progress.defined === 0) return null;
  return (100 * progress.achieved) / progress.defined;
}

export interface OnboardingAccount {
  signedUpAt: Date;
  achievedMilestoneKeys: readonly string[];
}

export interface OnboardingCompletion {
  /** 100 × accounts that achieved every defined milestone / cohort size; null for an empty cohort or no milestones. */
  rate: number | null;
  completed: number;
  cohortSize: number;
}

/** Completion of the cohort that signed up in [from, to), as of the achievements given. */
export function onboardingCompletionRate(input: {
  milestones: readonly Pick<MilestoneDefinition, "key">[];
  accounts: readonly OnboardingAccount[];
  period: Period;
}): OnboardingCompletion {
  assertValidPeriod(input.period);
  const keys = new Set(input.milestones.map((milestone) => milestone.key));
  const required = [...keys];
  let cohortSize = 0;
  let completed = 0;
  for (const account of input.accounts) {
    assertValidDate(account.signedUpAt, "signedUpAt");
    if (!isWithinPeriod(account.signedUpAt, input.period)) continue;
    cohortSize += 1;
    // An account achieves a handful of milestones: a scan of its keys, no Set per account.
    const achieved = account.achievedMilestoneKeys;
    if (required.every((key) => achieved.includes(key))) completed += 1;
  }
  const rate = cohortSize === 0 || keys.size === 0 ? null : (100 * completed) / cohortSize;
  return { rate, completed: keys.size === 0 ? 0 : completed, cohortSize };
}
