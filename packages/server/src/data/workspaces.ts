// The workspace row as a lock: changes that must not interleave within a workspace (a
// configuration version's number, the first-value flag, the playbook limit) take it first.
import { type SqlReader, sql } from "@pulse/schema/database";

/** Locks the workspace's row until the caller's transaction ends (pass `prismaReader(tx)`). */
export async function lockWorkspace(reader: SqlReader, workspaceId: string): Promise<void> {
  await reader.read(sql`SELECT id FROM "Workspace" WHERE id = ${workspaceId}::uuid FOR UPDATE`);
}

/** Whether PostgreSQL knows the IANA zone name (the rollup's days are computed by the database). */
export async function databaseKnowsTimeZone(reader: SqlReader, name: string): Promise<boolean> {
  const [row] = await reader.read<{ known: boolean }>(
    sql`SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ${name}) AS known`,
  );
  return row?.known === true;
}
