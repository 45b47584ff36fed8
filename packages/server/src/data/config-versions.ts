// Health configuration versions: the workspace's current configuration and its numbered versions.
import { type SqlReader, type SqlWriter, sql } from "@pulse/schema/database";
import { instant, utcColumn } from "./columns.ts";

export interface StoredVersionRow {
  id: string;
  version: number;
  createdAt: Date;
  apiKeyId: string | null;
  restoredFromVersion: number | null;
  /** As stored: validated by the caller (health/config-versions.ts). */
  config: unknown;
}

const VERSION_COLUMNS = sql`id::text AS id, version, ${utcColumn('"createdAt"', "createdAt")}, "apiKeyId"::text AS "apiKeyId", "restoredFromVersion", config`;

type VersionRow = Omit<StoredVersionRow, "createdAt"> & { createdAt: string | Date };
const toStored = (row: VersionRow): StoredVersionRow => ({ ...row, createdAt: instant(row.createdAt) });

/** Makes `config` (JSON text) the workspace's current configuration. */
export async function storeHealthConfig(writer: SqlWriter, workspaceId: string, config: string, now: Date) {
  await writer.execute(sql`UPDATE "Workspace" SET "healthConfig" = ${config}::jsonb, "updatedAt" = ${now}::timestamp
    WHERE id = ${workspaceId}::uuid`);
}

/** Stores `config` as the workspace's next version (call with the workspace row locked). */
export async function insertHealthConfigVersion(
  writer: SqlWriter,
  input: {
    workspaceId: string;
    config: string;
    apiKeyId: string | null;
    restoredFromVersion: number | null;
    now: Date;
  },
): Promise<StoredVersionRow | undefined> {
  const [row] = await writer.returning<VersionRow>(sql`
    INSERT INTO "HealthConfigVersion" (id, "workspaceId", version, config, "apiKeyId", "restoredFromVersion", "createdAt")
    SELECT gen_random_uuid(), ${input.workspaceId}::uuid, coalesce(max(version), 0) + 1, ${input.config}::jsonb,
           ${input.apiKeyId}::uuid, ${input.restoredFromVersion}::int, ${input.now}::timestamp
    FROM "HealthConfigVersion" WHERE "workspaceId" = ${input.workspaceId}::uuid
    RETURNING ${VERSION_COLUMNS}`);
  return row ? toStored(row) : undefined;
}

/** One stored version of the workspace, or undefined (also for another workspace's version). */
export async function healthConfigVersion(
  reader: SqlReader,
  workspaceId: string,
  id: string,
): Promise<StoredVersionRow | undefined> {
  const [row] = await reader.read<VersionRow>(sql`
    SELECT ${VERSION_COLUMNS}
    FROM "HealthConfigVersion" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid`);
  return row ? toStored(row) : undefined;
}
