// Playbooks as stored rows, and the account state their conditions read. Shared by the
// evaluator, the dry run and the GraphQL layer.
import { prismaReader, type SqlReader, sql } from "@pulse/schema/database";
import { mrrAt } from "@pulse/schema/metrics";
import type {
  DomainEventType,
  HealthBand,
  Prisma,
  PrismaClient,
  RevenueEventKind,
} from "@pulse/schema/prisma";
import type { OutboxCursor } from "../events/outbox.ts";
import type { AccountState, PlaybookAction, PlaybookConditions } from "./conditions.ts";

/** A playbook as the evaluator uses it. */
export interface PlaybookDefinition {
  id: string;
  workspaceId: string;
  name: string;
  triggerType: DomainEventType;
  conditions: PlaybookConditions;
  actions: PlaybookAction[];
  /** It fires on events after this cursor only. */
  activeAfter: OutboxCursor;
}

interface PlaybookRow {
  id: string;
  workspaceId: string;
  name: string;
  triggerType: DomainEventType;
  conditions: Prisma.JsonValue;
  actions: Prisma.JsonValue;
  activeAfterTxid: bigint;
  activeAfterPosition: bigint;
}

/** The stored row as a definition (its JSON was validated when it was written). */
export function playbookDefinition(row: PlaybookRow): PlaybookDefinition {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    name: row.name,
    triggerType: row.triggerType,
    conditions: (row.conditions ?? {}) as PlaybookConditions,
    actions: (row.actions ?? []) as unknown as PlaybookAction[],
    activeAfter: { txid: row.activeAfterTxid, position: row.activeAfterPosition },
  };
}

type RawClient = Pick<PrismaClient, "$queryRawUnsafe"> & {
  revenueEvent: Pick<PrismaClient["revenueEvent"], "findMany">;
};

/**
 * Each account's state as conditions read it, in two statements whatever their number: the
 * account with the band and score of its latest snapshot, then its revenue events (MRR at `now`).
 */
export async function loadAccountStates(
  client: RawClient,
  accountIds: readonly string[],
  now: Date,
  reader: SqlReader = prismaReader(client),
): Promise<Map<string, AccountState>> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return new Map();
  const [rows, revenue] = await Promise.all([
    reader.read<{
      id: string;
      name: string;
      externalId: string;
      segment: string | null;
      plan: string | null;
      csmOwner: string | null;
      band: HealthBand | null;
      score: number | null;
    }>(sql`
      SELECT a.id::text AS id, a.name, a."externalId", a.segment, a.plan, a."csmOwner",
             s.band::text AS band, s.score
      FROM "Account" a
      LEFT JOIN LATERAL (
        SELECT band, score FROM "HealthSnapshot" WHERE "accountId" = a.id ORDER BY day DESC LIMIT 1
      ) s ON true
      WHERE a.id = ANY(${ids}::uuid[])`),
    client.revenueEvent.findMany({
      where: { accountId: { in: ids } },
      select: { accountId: true, kind: true, mrrDelta: true, occurredAt: true },
    }),
  ]);
  const eventsOf = new Map<string, { kind: RevenueEventKind; mrrDelta: string; occurredAt: Date }[]>();
  for (const event of revenue) {
    const list = eventsOf.get(event.accountId) ?? [];
    list.push({ kind: event.kind, mrrDelta: event.mrrDelta.toString(), occurredAt: event.occurredAt });
    eventsOf.set(event.accountId, list);
  }
  return new Map(
    rows.map((row) => [
      row.id,
      {
        ...row,
        score: row.score === null ? null : Number(row.score),
        mrr: mrrAt(eventsOf.get(row.id) ?? [], now),
      },
    ]),
  );
}
