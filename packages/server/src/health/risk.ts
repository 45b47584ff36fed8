// The at-risk rule's inputs, gathered one way for every caller: an account's own `risk` field
// aside (its trend comes with its health), the at-risk filter of account lists (workspace-wide
// reads) and the snapshots' at-risk events (batched loaders) both read the latest snapshot
// `HEALTH_TREND_DAYS` before, the NPS responses of the detractor window and the pending
// renewals, and decide with `riskFromInputs`.
import {
  type AccountRisk,
  accountRisk,
  HEALTH_TREND_DAYS,
  healthTrend,
  isAccountAtRisk,
  MILLISECONDS_PER_DAY,
  type Period,
  type RenewalContract,
  RISK_DETRACTOR_WINDOW_DAYS,
  trailingDays,
} from "@pulse/schema/metrics";
import type { SnapshotFact } from "../data/snapshots.ts";
import type { NpsResponseFact } from "../data/surveys.ts";

/** Where the rule's inputs are read as of `now`: the trend's reference instant and the detractor window. */
export function riskWindows(now: Date): { trendReferenceAt: Date; detractors: Period } {
  return {
    trendReferenceAt: new Date(now.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY),
    detractors: trailingDays(now, RISK_DETRACTOR_WINDOW_DAYS),
  };
}

type RiskInputs = {
  now: Date;
  /** Active at `now` (a churned account is never at risk). */
  active: boolean;
  health: { score: number | null; band: SnapshotFact["band"] };
  /** The latest snapshot at or before `riskWindows(now).trendReferenceAt`, if any. */
  reference: SnapshotFact | null | undefined;
  npsResponses: readonly NpsResponseFact[];
  contracts: readonly RenewalContract[];
};

function ruleInput(input: RiskInputs) {
  const { now, reference } = input;
  const trend = healthTrend({
    score: input.health.score,
    snapshots: reference ? [{ takenAt: reference.day, score: reference.score }] : [],
    now,
  });
  return {
    now,
    active: input.active,
    health: input.health,
    trend,
    npsResponses: input.npsResponses,
    contracts: input.contracts,
  };
}

/** The rule over the gathered inputs: the trend from the reference snapshot, then `accountRisk`. */
export function riskFromInputs(input: RiskInputs): AccountRisk {
  return accountRisk(ruleInput(input));
}

/** `riskFromInputs(input).atRisk` without wording the reasons (`isAccountAtRisk`): for lists of every account. */
export function isAtRiskFromInputs(input: RiskInputs): boolean {
  return isAccountAtRisk(ruleInput(input));
}
