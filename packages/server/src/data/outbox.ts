// The outbox's statements ("DomainEvent"): the insert of a transaction's events, the account
// locks and state its snapshot events compare with, and the reads in (txid, position) order below
// the horizon. The order, the cursor and why the horizon is safe: see events/outbox.ts.
import { type SqlReader, type SqlStatement, type SqlWriter, sql } from "@pulse/schema/database";
import type { DomainEventType } from "@pulse/schema/prisma";
import { instant, optionalInstant } from "./columns.ts";

/** The columns of the JSON rows `insertDomainEvents` reads with jsonb_to_recordset (events/outbox.ts's outboxRows). */
const OUTBOX_ROW_COLUMNS = `workspace_id uuid, account_id uuid, type text, occurred_at timestamp,
  payload jsonb, snapshot_id uuid, dedupe_key text`;

/** Inserts events given as a JSON array of rows; one whose dedupe key is stored is skipped. Returns how many were written. */
export function insertDomainEvents(writer: SqlWriter, rows: string): Promise<number> {
  return writer.execute({
    text: `INSERT INTO "DomainEvent" ("workspaceId", "accountId", type, "occurredAt", payload, "snapshotId", "dedupeKey")
     SELECT workspace_id, account_id, type::"DomainEventType", occurred_at, payload, snapshot_id, dedupe_key
     FROM jsonb_to_recordset($1::jsonb) AS e(${OUTBOX_ROW_COLUMNS})
     ON CONFLICT ("workspaceId", "dedupeKey") DO NOTHING`,
    values: [rows],
  });
}

/** Locks the accounts' rows (sorted ids) until the caller's transaction ends. */
export async function lockAccountRows(reader: SqlReader, sortedIds: readonly string[]): Promise<void> {
  await reader.read(
    sql`SELECT id FROM "Account" WHERE id = ANY(${sortedIds}::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
  );
}

/** Per account: its newest snapshot's band and day, and whether its last at-risk event entered. */
export async function snapshotEventRows(
  reader: SqlReader,
  accountIds: readonly string[],
): Promise<{ accountId: string; band: string | null; day: Date | null; atRisk: boolean | null }[]> {
  const rows = await reader.read<{
    accountId: string;
    band: string | null;
    day: string | Date | null;
    atRisk: boolean | null;
  }>(sql`
    SELECT a.id::text AS "accountId", s.band::text AS band, s.day, (r.type = 'AT_RISK_ENTERED') AS "atRisk"
    FROM unnest(${[...accountIds]}::uuid[]) AS a(id)
    LEFT JOIN LATERAL (
      SELECT band, day FROM "HealthSnapshot" WHERE "accountId" = a.id ORDER BY day DESC LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT type FROM "DomainEvent"
      WHERE "accountId" = a.id AND type IN ('AT_RISK_ENTERED', 'AT_RISK_LEFT')
      ORDER BY txid DESC, position DESC LIMIT 1
    ) r ON true`);
  return rows.map((row) => ({ ...row, day: optionalInstant(row.day) }));
}

/**
 * The horizon: every transaction of this database with a smaller id has ended as of this
 * statement's snapshot. The smallest in-progress id not running in another database, or the
 * snapshot's xmax when there is none.
 */
const HORIZON = `(WITH snap AS (SELECT pg_current_snapshot() AS s)
  SELECT COALESCE(
    (SELECT min(x) FROM snap, pg_snapshot_xip(snap.s) AS x
     WHERE NOT EXISTS (
       SELECT 1 FROM pg_stat_activity a
       WHERE a.datname <> current_database() AND a.backend_xid IS NOT NULL
         AND a.backend_xid::text::bigint = x::text::bigint % 4294967296)),
    (SELECT pg_snapshot_xmax(s) FROM snap))::text::bigint)`;

/** The horizon as a `sql` fragment (no parameters). */
export function horizonSql(): SqlStatement {
  return { text: HORIZON, values: [], parts: [HORIZON] };
}

export interface OutboxRow {
  /** bigints, as text. */
  txid: string;
  position: string;
  workspaceId: string;
  accountId: string | null;
  segment: string | null;
  externalId: string | null;
  csmOwner: string | null;
  type: DomainEventType;
  occurredAt: Date;
  payload: unknown;
  snapshotId: string | null;
}

/**
 * Committed events after `after`, in (txid, position) order below the horizon, of one workspace
 * or of all, at most `limit`; optionally of one type only, written since a time.
 */
export async function outboxRowsAfter(
  reader: SqlReader,
  options: {
    after: { txid: bigint; position: bigint };
    workspaceId?: string;
    limit: number;
    type?: DomainEventType;
    since?: Date;
  },
): Promise<OutboxRow[]> {
  const { after, limit } = options;
  const workspace = options.workspaceId ? sql`AND e."workspaceId" = ${options.workspaceId}::uuid` : sql``;
  const type = options.type ? sql`AND e.type = ${options.type}::"DomainEventType"` : sql``;
  const since = options.since
    ? sql`AND e."createdAt" >= (${options.since.toISOString()}::timestamptz AT TIME ZONE 'UTC')`
    : sql``;
  const horizon = horizonSql();
  const rows = await reader.read<Omit<OutboxRow, "occurredAt"> & { occurredAt: string | Date }>(sql`
    SELECT e.txid::text AS txid, e.position::text AS position, e."workspaceId"::text AS "workspaceId",
           e."accountId"::text AS "accountId", a.segment, a."externalId", a."csmOwner", e.type::text AS type, e."occurredAt",
           e.payload, e."snapshotId"::text AS "snapshotId"
    FROM "DomainEvent" e LEFT JOIN "Account" a ON a.id = e."accountId"
    WHERE (e.txid, e.position) > (${after.txid.toString()}::bigint, ${after.position.toString()}::bigint)
      AND e.txid < ${horizon} ${workspace} ${type} ${since}
    ORDER BY e.txid, e.position
    LIMIT ${limit}::int`);
  return rows.map((row) => ({ ...row, occurredAt: instant(row.occurredAt) }));
}

/** The newest event below the horizon (txid and position as text), or undefined when there is none. */
export async function latestOutboxRow(
  reader: SqlReader,
): Promise<{ txid: string; position: string } | undefined> {
  const horizon = horizonSql();
  const [row] = await reader.read<{ txid: string; position: string }>(sql`
    SELECT e.txid::text AS txid, e.position::text AS position FROM "DomainEvent" e
    WHERE e.txid < ${horizon}
    -- The columns, not the text aliases of the same names (text order would put "99" after "100").
    ORDER BY e.txid DESC, e.position DESC LIMIT 1`);
  return row;
}

/**
 * Deletes at most `limit` events created before `before` that every "OutboxConsumer" has read
 * past, keeping each account's newest at-risk event and the events whose dedupe key stops a
 * time scan from writing them again (see webhooks/outbox-cleanup.ts). Returns how many.
 */
export function deleteReadOutboxEvents(writer: SqlWriter, before: Date, limit: number): Promise<number> {
  return writer.execute(sql`
    DELETE FROM "DomainEvent" WHERE position IN (
      SELECT e.position FROM "DomainEvent" e
      WHERE e."createdAt" < ${before}::timestamp
        AND NOT EXISTS (
          SELECT 1 FROM "OutboxConsumer" c WHERE (c.txid, c.position) < (e.txid, e.position))
        AND (e."dedupeKey" IS NULL
             OR NOT (e."dedupeKey" LIKE 'milestone-%' OR e."dedupeKey" LIKE 'renewal-window:%'))
        AND NOT (e.type IN ('AT_RISK_ENTERED', 'AT_RISK_LEFT') AND NOT EXISTS (
          SELECT 1 FROM "DomainEvent" later
          WHERE later."accountId" = e."accountId" AND later.type IN ('AT_RISK_ENTERED', 'AT_RISK_LEFT')
            AND (later.txid, later.position) > (e.txid, e.position)))
      ORDER BY e.txid, e.position
      LIMIT ${limit}::int)`);
}
