// Tasks: the row lock of a change (two completions at once record one completion).
import { type SqlReader, sql } from "@pulse/schema/database";

/** Locks the workspace's task until the caller's transaction ends; false when there is none. */
export async function lockTask(reader: SqlReader, workspaceId: string, id: string): Promise<boolean> {
  const rows = await reader.read(
    sql`SELECT id::text FROM "Task" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid FOR UPDATE`,
  );
  return rows.length > 0;
}
