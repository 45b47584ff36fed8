// Playbooks: the row lock of a change, and the evaluator's cursor in the outbox (one row, id 1).
import { type SqlReader, type SqlWriter, sql } from "@pulse/schema/database";

/** Locks the workspace's playbook until the caller's transaction ends; false when there is none. */
export async function lockPlaybook(reader: SqlReader, workspaceId: string, id: string): Promise<boolean> {
  const rows = await reader.read(
    sql`SELECT id::text FROM "Playbook" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid FOR UPDATE`,
  );
  return rows.length > 0;
}

/** The evaluator's cursor, locked for the caller's transaction; undefined when missing or held by another evaluator. */
export async function lockPlaybookCursor(
  reader: SqlReader,
): Promise<{ txid: bigint; position: bigint } | undefined> {
  const [row] = await reader.read<{ txid: string; position: string }>(sql`
    SELECT txid::text AS txid, position::text AS position FROM "PlaybookCursor" WHERE id = 1
    FOR UPDATE SKIP LOCKED`);
  return row ? { txid: BigInt(row.txid), position: BigInt(row.position) } : undefined;
}

/** Creates the evaluator's cursor at `head` unless it exists. */
export async function ensurePlaybookCursor(
  writer: SqlWriter,
  head: { txid: bigint; position: bigint },
): Promise<void> {
  await writer.execute(sql`INSERT INTO "PlaybookCursor" (id, txid, position, "updatedAt")
    VALUES (1, ${head.txid.toString()}::bigint, ${head.position.toString()}::bigint, now()) ON CONFLICT (id) DO NOTHING`);
}
