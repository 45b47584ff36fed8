// Playbooks: the row lock of a change.
import { type SqlReader, sql } from "@pulse/schema/database";

/** Locks the workspace's playbook until the caller's transaction ends; false when there is none. */
export async function lockPlaybook(reader: SqlReader, workspaceId: string, id: string): Promise<boolean> {
  const rows = await reader.read(
    sql`SELECT id::text FROM "Playbook" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid FOR UPDATE`,
  );
  return rows.length > 0;
}
