import { MetricInputError } from "./errors.ts";
import type { HealthBand } from "./health-score.ts";
import { isNpsDetractor } from "./nps.ts";
import { MILLISECONDS_PER_DAY } from "./period.ts";
import { assertValidContract, type RenewalContract } from "./renewal.ts";
import { assertPercentScale, assertValidDate } from "./validate.ts";

export const RISK_SCORE_DROP_POINTS = 10;
export const RISK_DETRACTOR_WINDOW_DAYS = 30;
export const RISK_RENEWAL_WINDOW_DAYS = 90;

/** Stable codes: clients filter and translate on these. */
export type RiskReasonCode = "HEALTH_RED" | "HEALTH_DROP" | "RECENT_DETRACTOR" | "RENEWAL_NOT_GREEN";

export interface RiskReason {
  code: RiskReasonCode;
  message: string;
}

export interface AccountRisk {
  atRisk: boolean;
  reasons: RiskReason[];
}

export interface NpsResponse {
  score: number;
  respondedAt: Date;
}

export interface AccountRiskInput {
  now: Date;
  /**
   * Whether the account is active at `now` (`isHistoryActiveAt`). Risk is about the customers
   * still to be kept: a churned account is never at risk, like the health distribution.
   */
  active: boolean;
  health: { score: number | null; band: HealthBand | null };
  /** From `healthTrend`: score now − score 30 days ago. */
  trend: number | null;
  /** NPS responses of the account; only those of the trailing 30 days matter. */
  npsResponses: readonly NpsResponse[];
  /** Contracts of the account; only undecided ones ending in [now, now + 90 days) matter. */
  contracts: readonly RenewalContract[];
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** What makes an account at risk, found once: accountRisk words it, isAccountAtRisk counts it. */
interface RiskFindings {
  red: boolean;
  /** The trend when it is a drop of ≥ 10 points, else null. */
  drop: number | null;
  detractors: number;
  latestDetractor: NpsResponse | undefined;
  /** The earliest undecided contract ending within the renewal window, while not GREEN. */
  renewal: RenewalContract | undefined;
}

/** Checks the input (every response and contract, as before) and finds the rules that apply; null when inactive. */
function riskFindings(input: AccountRiskInput): RiskFindings | null {
  const { now, health, trend } = input;
  assertValidDate(now, "now");
  if (health.score !== null) assertPercentScale(health.score, "health score");
  if (!input.active) return null;

  let drop: number | null = null;
  if (trend !== null) {
    if (!Number.isFinite(trend))
      throw new MetricInputError("SCORE_OUT_OF_RANGE", `trend must be finite, got ${trend}`);
    if (trend <= -RISK_SCORE_DROP_POINTS) drop = trend;
  }

  // Loops rather than filter/reduce: a workspace-wide list evaluates this for every account.
  const nowMs = now.getTime();
  const detractorsFrom = nowMs - RISK_DETRACTOR_WINDOW_DAYS * MILLISECONDS_PER_DAY;
  let detractors = 0;
  let latestDetractor: NpsResponse | undefined;
  for (const response of input.npsResponses) {
    assertValidDate(response.respondedAt, "npsResponse.respondedAt");
    if (!Number.isInteger(response.score) || response.score < 0 || response.score > 10) {
      throw new MetricInputError(
        "SCORE_OUT_OF_RANGE",
        `NPS scores are integers from 0 to 10, got ${response.score}`,
      );
    }
    const at = response.respondedAt.getTime();
    if (!isNpsDetractor(response.score) || at < detractorsFrom || at >= nowMs) continue;
    detractors += 1;
    if (latestDetractor === undefined || at > latestDetractor.respondedAt.getTime())
      latestDetractor = response;
  }

  const renewalUntil = nowMs + RISK_RENEWAL_WINDOW_DAYS * MILLISECONDS_PER_DAY;
  let next: RenewalContract | undefined;
  for (const contract of input.contracts) {
    assertValidContract(contract);
    const endsAt = contract.endsAt.getTime();
    if (contract.renewalOutcome !== "PENDING" || endsAt < nowMs || endsAt >= renewalUntil) continue;
    if (next === undefined || endsAt < next.endsAt.getTime()) next = contract;
  }
  return {
    red: health.band === "RED",
    drop,
    detractors,
    latestDetractor,
    renewal: health.band === "GREEN" ? undefined : next,
  };
}

/**
 * At risk = RED, or a drop of ≥ 10 points in 30 days, or an NPS detractor in the trailing 30
 * days, or a renewal within 90 days while not GREEN. An account without a health score is not
 * GREEN: an upcoming renewal with unknown health (or too little data) is flagged. Only active
 * accounts are at risk.
 */
export function accountRisk(input: AccountRiskInput): AccountRisk {
  const findings = riskFindings(input);
  if (findings === null) return { atRisk: false, reasons: [] };
  const { health } = input;
  const reasons: RiskReason[] = [];
  if (findings.red) {
    const score = health.score === null ? "" : ` (score ${health.score.toFixed(1)})`;
    reasons.push({ code: "HEALTH_RED", message: `Health is RED${score}` });
  }
  if (findings.drop !== null) {
    reasons.push({
      code: "HEALTH_DROP",
      message: `Health dropped ${(-findings.drop).toFixed(1)} points in 30 days`,
    });
  }
  const latest = findings.latestDetractor;
  if (latest !== undefined) {
    const count = findings.detractors === 1 ? "An NPS detractor" : `${findings.detractors} NPS detractors`;
    reasons.push({
      code: "RECENT_DETRACTOR",
      message: `${count} in the last 30 days (latest: score ${latest.score} on ${day(latest.respondedAt)})`,
    });
  }
  if (findings.renewal !== undefined) {
    const state = health.band === null ? "no health score" : `health ${health.band}`;
    reasons.push({
      code: "RENEWAL_NOT_GREEN",
      message: `Renewal on ${day(findings.renewal.endsAt)} with ${state}`,
    });
  }
  return { atRisk: reasons.length > 0, reasons };
}

/** `accountRisk(input).atRisk` (same checks, same errors), without wording the reasons: for lists of every account. */
export function isAccountAtRisk(input: AccountRiskInput): boolean {
  const findings = riskFindings(input);
  if (findings === null) return false;
  return (
    findings.red ||
    findings.drop !== null ||
    findings.latestDetractor !== undefined ||
    findings.renewal !== undefined
  );
}
