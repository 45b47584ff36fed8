// Metric targets: a baseline at the target's creation, a target value by its due date, and the
// straight line between them. Progress is the share of the way from baseline to target covered
// by the current value; the pace is the share of the time from creation to due date elapsed.
import { MetricInputError } from "./errors.ts";
import { assertValidDate } from "./validate.ts";

export interface TargetDefinition {
  baseline: number;
  target: number;
  /** When the target was set: the line starts at the baseline here. */
  createdAt: Date;
  dueAt: Date;
}

export type TargetStatus = "ON_TRACK" | "BEHIND" | "ACHIEVED" | "MISSED";

export interface TargetEvaluation {
  /** (current − baseline) / (target − baseline), unclamped (below 0: worse than the baseline); null without a current value. */
  progress: number | null;
  /** Share of [createdAt, dueAt] elapsed at `now`, in [0, 1]: the progress a linear pace has reached. */
  expectedProgress: number;
  status: TargetStatus;
}

export function assertValidTarget(definition: TargetDefinition): void {
  const { baseline, target, createdAt, dueAt } = definition;
  if (!Number.isFinite(baseline))
    throw new MetricInputError("INVALID_TARGET", "baseline must be a finite number");
  if (!Number.isFinite(target))
    throw new MetricInputError("INVALID_TARGET", "target must be a finite number");
  if (target === baseline) throw new MetricInputError("INVALID_TARGET", "target must differ from baseline");
  assertValidDate(createdAt, "createdAt");
  assertValidDate(dueAt, "dueAt");
  if (dueAt.getTime() <= createdAt.getTime()) {
    throw new MetricInputError("INVALID_TARGET", "dueAt must be after the target's creation");
  }
}

/** (current − baseline) / (target − baseline); null when current is null. */
export function targetProgress(definition: TargetDefinition, current: number | null): number | null {
  assertValidTarget(definition);
  if (current === null) return null;
  return (current - definition.baseline) / (definition.target - definition.baseline);
}

/** Share of the target's time elapsed at `at`, clamped to [0, 1]. */
export function expectedTargetProgress(definition: TargetDefinition, at: Date): number {
  assertValidTarget(definition);
  assertValidDate(at, "at");
  const start = definition.createdAt.getTime();
  const share = (at.getTime() - start) / (definition.dueAt.getTime() - start);
  return Math.min(1, Math.max(0, share));
}

/** The target line at `at`: null before the target was set, the target value from its due date on. */
export function targetLineValue(definition: TargetDefinition, at: Date): number | null {
  assertValidTarget(definition);
  assertValidDate(at, "at");
  if (at.getTime() < definition.createdAt.getTime()) return null;
  const share = expectedTargetProgress(definition, at);
  return definition.baseline + (definition.target - definition.baseline) * share;
}

/**
 * Before the due date: ON_TRACK when progress ≥ the linear pace, else BEHIND (also without a
 * current value). From the due date on: ACHIEVED when progress ≥ 1, else MISSED.
 */
export function evaluateTarget(
  definition: TargetDefinition,
  current: number | null,
  now: Date,
): TargetEvaluation {
  const progress = targetProgress(definition, current);
  const expectedProgress = expectedTargetProgress(definition, now);
  const due = now.getTime() >= definition.dueAt.getTime();
  const status: TargetStatus = due
    ? progress !== null && progress >= 1
      ? "ACHIEVED"
      : "MISSED"
    : progress !== null && progress >= expectedProgress
      ? "ON_TRACK"
      : "BEHIND";
  return { progress, expectedProgress, status };
}
