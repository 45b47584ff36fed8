// The domain events of health snapshots: band changed and at-risk entered/left, written in the
// snapshot's transaction and pointing at the snapshot. Only the account's newest snapshot
// speaks (recomputing an older day changes nothing now), and it compares with what the outbox
// and the snapshots said before, read under the account's row lock: a recomputation with the
// same band and risk writes nothing, and two servers computing one account report it once.
import {
  type AccountRisk,
  accountRisk,
  HEALTH_TREND_DAYS,
  healthTrend,
  MILLISECONDS_PER_DAY,
  RISK_DETRACTOR_WINDOW_DAYS,
  trailingDays,
} from "@pulse/schema/metrics";
import type { HealthBand, Prisma } from "@pulse/schema/prisma";
import { type DomainEventDraft, snapshotEvents } from "../events/domain-events.ts";
import { lockAccounts, snapshotEventState, writeDomainEvents } from "../events/outbox.ts";
import type { AccountFacts } from "../loaders/facts.ts";

export interface SnapshotHealth {
  accountId: string;
  score: number | null;
  band: HealthBand | null;
  /** Active at the snapshot's instant (a churned account is never at risk). */
  active: boolean;
}

/** Each account's risk as of `asOf`, from its score and the facts (read before the transaction). */
export async function snapshotRisks(
  facts: AccountFacts,
  healths: readonly SnapshotHealth[],
  asOf: Date,
): Promise<Map<string, AccountRisk>> {
  const reference = facts.snapshotAtOrBefore(
    new Date(asOf.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY),
  );
  const detractors = facts.npsDetractors(trailingDays(asOf, RISK_DETRACTOR_WINDOW_DAYS));
  const contracts = facts.pendingContracts(asOf);
  const risks = await Promise.all(
    healths.map(async (health) => {
      const [earlier, npsResponses, pending] = await Promise.all([
        reference.load(health.accountId),
        detractors.load(health.accountId),
        contracts.load(health.accountId),
      ]);
      const trend = healthTrend({
        score: health.score,
        snapshots: earlier ? [{ takenAt: earlier.day, score: earlier.score }] : [],
        now: asOf,
      });
      return accountRisk({
        now: asOf,
        active: health.active,
        health,
        trend,
        npsResponses,
        contracts: pending,
      });
    }),
  );
  return new Map(healths.map((health, index) => [health.accountId, risks[index] as AccountRisk]));
}

/**
 * Locks the accounts and reads what their events compare with; call before writing the
 * snapshots, in their transaction. The returned function takes the written snapshots' ids and
 * writes the events.
 */
export async function prepareSnapshotEvents(
  tx: Prisma.TransactionClient,
  input: {
    workspaceId: string;
    day: Date;
    asOf: Date;
    healths: readonly SnapshotHealth[];
    risks: Map<string, AccountRisk>;
  },
): Promise<(snapshotIds: ReadonlyMap<string, string>) => Promise<number>> {
  const ids = input.healths.map((health) => health.accountId);
  await lockAccounts(tx, ids);
  const state = await snapshotEventState(tx, ids);
  return async (snapshotIds) => {
    const drafts: DomainEventDraft[] = [];
    for (const health of input.healths) {
      const previous = state.get(health.accountId);
      const snapshotId = snapshotIds.get(health.accountId);
      const risk = input.risks.get(health.accountId);
      if (!previous || !snapshotId || !risk) continue;
      if (previous.latest && previous.latest.day.getTime() > input.day.getTime()) continue;
      drafts.push(
        ...snapshotEvents({
          workspaceId: input.workspaceId,
          accountId: health.accountId,
          snapshotId,
          occurredAt: input.asOf,
          previousBand: previous.latest?.band ?? null,
          wasAtRisk: previous.atRisk,
          current: { band: health.band, score: health.score },
          risk,
        }),
      );
    }
    return writeDomainEvents(tx, drafts);
  };
}
