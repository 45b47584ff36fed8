import { assertValidPeriod, isWithinPeriod, type Period } from "./period.ts";
import { assertCount, assertKnownKind, assertValidDate } from "./validate.ts";

export type RenewalOutcome = "RENEWED" | "CHURNED" | "PENDING";

export const RENEWAL_OUTCOMES: readonly RenewalOutcome[] = ["RENEWED", "CHURNED", "PENDING"];

export interface RenewalContract {
  endsAt: Date;
  renewalOutcome: RenewalOutcome;
}

export interface RenewalRate {
  /** 100 × renewed / (renewed + churned), in [0, 100]; null when no contract ending in the period is decided. */
  rate: number | null;
  renewed: number;
  churned: number;
  /** Undecided contracts ending in the period: reported, not part of the rate. */
  pending: number;
}

export function assertValidContract(contract: RenewalContract): void {
  assertValidDate(contract.endsAt, "contract.endsAt");
  assertKnownKind(contract.renewalOutcome, RENEWAL_OUTCOMES, "contract.renewalOutcome");
}

/**
 * Contracts counted by the renewal rate; `count` stands for that many contracts with the same end
 * and outcome (a workspace-wide read grouped in SQL), 1 when absent.
 */
export interface CountedRenewalContract extends RenewalContract {
  count?: number;
}

export function renewalRate(contracts: readonly CountedRenewalContract[], period: Period): RenewalRate {
  assertValidPeriod(period);
  const result = { renewed: 0, churned: 0, pending: 0 };
  for (const contract of contracts) {
    assertValidContract(contract);
    const count = contract.count ?? 1;
    if (contract.count !== undefined) assertCount(count, "contract count");
    if (!isWithinPeriod(contract.endsAt, period)) continue;
    if (contract.renewalOutcome === "RENEWED") result.renewed += count;
    else if (contract.renewalOutcome === "CHURNED") result.churned += count;
    else result.pending += count;
  }
  const decided = result.renewed + result.churned;
  return { rate: decided === 0 ? null : (100 * result.renewed) / decided, ...result };
}
