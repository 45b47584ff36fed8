// The domain events of health snapshots: band changed and at-risk entered/left, written in the
// snapshot's transaction and pointing at the snapshot. Only the account's newest snapshot
// speaks (recomputing an older day changes nothing now), and it compares with what the outbox
// and the snapshots said before, read under the account's row lock: a recomputation with the
// same band and risk writes nothing, and two servers computing one account report it once.
import type { AccountRisk } from "@pulse/schema/metrics";
import type { HealthBand, Prisma } from "@pulse/schema/prisma";
import { type DomainEventDraft, snapshotEvents } from "../events/domain-events.ts";
import { lockAccounts, snapshotEventState, writeDomainEvents } from "../events/outbox.ts";
import type { AccountFacts } from "../loaders/facts.ts";
import { riskFromInputs, riskWindows } from "./risk.ts";

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
  const windows = riskWindows(asOf);
  const reference = facts.snapshotAtOrBefore(windows.trendReferenceAt);
  const detractors = facts.npsDetractors(windows.detractors);
  const contracts = facts.pendingContracts(asOf);
  const risks = await Promise.all(
    healths.map(async (health) => {
      const [earlier, npsResponses, pending] = await Promise.all([
        reference.load(health.accountId),
        detractors.load(health.accountId),
        contracts.load(health.accountId),
      ]);
      return riskFromInputs({
        now: asOf,
        active: health.active,
        health,
        reference: earlier,
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
