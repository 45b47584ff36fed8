// The workspace row as a lock: changes that must not interleave within a workspace (a
// configuration version's number, the first-value flag, the playbook limit) take it first.
import { type SqlReader, sql } from "@pulse/schema/database";

/** Locks the workspace's row until the caller's transaction ends (pass `prismaReader(tx)`). */
export async function lockWorkspace(reader: SqlReader, workspaceId: string): Promise<void> {
  await reader.read(sql`SELECT id FROM "Workspace" WHERE id = ${workspaceId}::uuid FOR UPDATE`);
}
