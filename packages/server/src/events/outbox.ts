// The outbox: domain events are rows of "DomainEvent", inserted by the transaction of the change
// that causes them (so an event exists exactly when its change committed, whatever happens to
// the process after the commit), and read back in one total order by subscribers and workers.
//
// The order and the resume cursor. A bigserial alone is not a safe cursor: positions are taken
// when rows are inserted, not when they commit, so a reader could see position 6 committed,
// move its cursor there, and never see position 5 committed a moment later. Serializing every
// writer behind one lock would fix that at the cost of the write path. Instead each row carries
// its transaction's id (pg_current_xact_id) and readers go in (txid, position) order, only
// below the xmin of their snapshot: every transaction with a smaller id has ended, so no row
// can appear there later, and the cursor (txid, position) never skips one. The cost is latency:
// while a transaction that started earlier is still open, newer events wait for it to end.
// Transaction ids are shared by every database of a PostgreSQL cluster, so a long transaction
// in another database (a bulk load, a backup) would hold the horizon back too: the horizon
// leaves out the in-progress transactions that pg_stat_activity shows running in another
// database (they cannot write this outbox). Any it cannot place (a role without the right to
// see other sessions, one that ended meanwhile) still counts, so the rule only errs by waiting.
import { prismaReader, prismaWriter, type SqlReader } from "@pulse/schema/database";
import type { DomainEventType, HealthBand, Prisma } from "@pulse/schema/prisma";
import {
  insertDomainEvents,
  latestOutboxRow,
  lockAccountRows,
  outboxRowsAfter,
  snapshotEventRows,
} from "../data/outbox.ts";
import type { DomainEventDraft } from "./domain-events.ts";

/** The Prisma client inside an interactive transaction. */
type Transaction = Prisma.TransactionClient;

/** A position in the outbox's order. */
export interface OutboxCursor {
  txid: bigint;
  position: bigint;
}

/** A committed event as subscribers see it. */
export interface StoredDomainEvent {
  /** The event's id, which is also its cursor: `<txid>-<position>`. */
  id: string;
  cursor: OutboxCursor;
  workspaceId: string;
  /** Null for events about the workspace itself (a webhook endpoint disabled). */
  accountId: string | null;
  /** The account's segment when the event was read (subscriptions filter on it). */
  segment: string | null;
  /** The account's external id and CSM when the event was read (a viewer token's scope is decided on them). */
  externalId: string | null;
  csmOwner: string | null;
  type: DomainEventType;
  occurredAt: Date;
  payload: unknown;
  snapshotId: string | null;
}

const CURSOR_PATTERN = /^(\d{1,19})-(\d{1,19})$/;

export function encodeCursor(cursor: OutboxCursor): string {
  return `${cursor.txid}-${cursor.position}`;
}

/** The cursor of an event id, or null when the text is not one. */
export function decodeCursor(id: string): OutboxCursor | null {
  const match = CURSOR_PATTERN.exec(id);
  if (!match?.[1] || !match[2]) return null;
  const cursor = { txid: BigInt(match[1]), position: BigInt(match[2]) };
  const max = 2n ** 63n - 1n;
  return cursor.txid > max || cursor.position > max ? null : cursor;
}

export function compareCursors(a: OutboxCursor, b: OutboxCursor): number {
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}

/** `timestamp` columns hold UTC wall-clock time. */
function utc(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** The drafts as the JSON array the insert statements read with jsonb_to_recordset. */
export function outboxRows(drafts: readonly DomainEventDraft[]): string {
  return JSON.stringify(
    drafts.map((draft) => ({
      workspace_id: draft.workspaceId,
      account_id: draft.accountId,
      type: draft.type,
      occurred_at: utc(draft.occurredAt),
      payload: draft.payload,
      snapshot_id: draft.snapshotId ?? null,
      dedupe_key: draft.dedupeKey ?? null,
    })),
  );
}

/**
 * Writes events with one statement, inside the caller's transaction; an event whose dedupe key
 * is already stored is skipped. Returns how many were written.
 */
export async function writeDomainEvents(
  tx: Transaction,
  drafts: readonly DomainEventDraft[],
): Promise<number> {
  if (drafts.length === 0) return 0;
  return insertDomainEvents(prismaWriter(tx), outboxRows(drafts));
}

/**
 * Locks the accounts' rows until the transaction ends, in id order (no deadlock between two
 * writers): state read after it (the latest sentiment, the MRR, the last snapshot) cannot change
 * under the caller, so two concurrent writers never both report the same change.
 */
export async function lockAccounts(tx: Transaction, accountIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(accountIds)].sort();
  if (ids.length === 0) return;
  await lockAccountRows(prismaReader(tx), ids);
}

export interface SnapshotEventState {
  /** The band of the account's newest snapshot, and its day. */
  latest: { band: HealthBand; day: Date } | null;
  /** Whether the last at-risk event entered (true) or left (false); false when there is none. */
  atRisk: boolean;
}

/** What the snapshot events of these accounts compare with (one statement). */
export async function snapshotEventState(
  tx: Transaction,
  accountIds: readonly string[],
): Promise<Map<string, SnapshotEventState>> {
  const rows = await snapshotEventRows(prismaReader(tx), accountIds);
  return new Map(
    rows.map((row) => [
      row.accountId,
      {
        latest: row.band && row.day ? { band: row.band as HealthBand, day: row.day } : null,
        atRisk: row.atRisk === true,
      },
    ]),
  );
}

export interface OutboxRead {
  events: StoredDomainEvent[];
  /** Where the next read starts: the last event read, or the cursor given when none was. */
  cursor: OutboxCursor;
}

/**
 * Committed events after `after`, oldest first, of one workspace or of all, at most `limit`;
 * optionally of one type only, written since a time (a playbook's dry run).
 * Only rows of transactions below this statement's snapshot xmin are read (see the header).
 */
export async function readOutbox(
  reader: SqlReader,
  options: { after: OutboxCursor; workspaceId?: string; limit: number; type?: DomainEventType; since?: Date },
): Promise<OutboxRead> {
  const rows = await outboxRowsAfter(reader, options);
  const events = rows.map((row): StoredDomainEvent => {
    const cursor = { txid: BigInt(row.txid), position: BigInt(row.position) };
    return {
      id: encodeCursor(cursor),
      cursor,
      workspaceId: row.workspaceId,
      accountId: row.accountId,
      segment: row.segment,
      externalId: row.externalId,
      csmOwner: row.csmOwner,
      type: row.type,
      occurredAt: row.occurredAt,
      payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
      snapshotId: row.snapshotId,
    };
  });
  return { events, cursor: events.at(-1)?.cursor ?? options.after };
}

/**
 * The cursor everything committed so far lies at or before: the newest row below the horizon,
 * or (0, 0) when there is none. A reader starting here sees only what commits later.
 */
export async function outboxHead(reader: SqlReader): Promise<OutboxCursor> {
  const row = await latestOutboxRow(reader);
  return row ? { txid: BigInt(row.txid), position: BigInt(row.position) } : { txid: 0n, position: 0n };
}
