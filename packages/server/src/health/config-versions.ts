// Versions of a workspace's health configuration: every change stores the whole configuration as
// a new version (when, by which key) in the same transaction as the change itself and as today's
// snapshots recomputed with it, so a failure leaves the configuration, its versions and the
// snapshots as they were.
import { type Database, prismaReader, prismaWriter, type SqlReader } from "@pulse/schema/database";
import { type HealthConfig, healthConfigForReads } from "@pulse/schema/metrics";
import {
  healthConfigVersion,
  insertHealthConfigVersion,
  type StoredVersionRow,
  storeHealthConfig,
} from "../data/config-versions.ts";
import { lockWorkspace } from "../data/workspaces.ts";
import { loadWorkspaceSettings } from "./settings.ts";
import { prepareTodaysSnapshots, writeHealthSnapshots } from "./snapshots.ts";

export interface HealthConfigVersionRow {
  id: string;
  version: number;
  createdAt: Date;
  apiKeyId: string | null;
  restoredFromVersion: number | null;
  config: HealthConfig;
}

/** A stored version as reads see it: merged over the defaults (a backfilled one may be partial). */
export function versionRow(row: StoredVersionRow): HealthConfigVersionRow {
  return { ...row, config: healthConfigForReads(row.config).config };
}

/** Writing today's snapshots of a large workspace takes longer than Prisma's 5 s default. */
const CHANGE_TIMEOUT_MS = 120_000;

/**
 * Makes `config` the workspace's configuration: stores it and its new version and today's
 * snapshots computed with it, in one transaction. The snapshots are computed before the
 * transaction (reads only); the workspace row is locked first, so concurrent changes get
 * consecutive version numbers.
 */
export async function changeHealthConfig(
  database: Database,
  input: {
    workspaceId: string;
    config: HealthConfig;
    apiKeyId: string | null;
    now: Date;
    restoredFromVersion?: number;
  },
): Promise<HealthConfigVersionRow> {
  const prisma = database.prisma;
  const settings = await loadWorkspaceSettings(database.primaryReader, input.workspaceId);
  const prepared = await prepareTodaysSnapshots(
    database,
    input.workspaceId,
    { ...settings, healthConfig: input.config },
    input.now,
  );
  const stored = JSON.stringify(input.config);
  const { version, eventsWritten } = await prisma.$transaction(
    async (tx) => {
      await lockWorkspace(prismaReader(tx), input.workspaceId);
      const writer = prismaWriter(tx);
      await storeHealthConfig(writer, input.workspaceId, stored, input.now);
      const row = await insertHealthConfigVersion(writer, {
        workspaceId: input.workspaceId,
        config: stored,
        apiKeyId: input.apiKeyId,
        restoredFromVersion: input.restoredFromVersion ?? null,
        now: input.now,
      });
      if (!row) throw new Error("The configuration version was not stored.");
      let events = 0;
      for (const chunk of prepared)
        events += await writeHealthSnapshots(tx, input.workspaceId, chunk, row.id);
      return { version: versionRow(row), eventsWritten: events };
    },
    { timeout: CHANGE_TIMEOUT_MS, maxWait: CHANGE_TIMEOUT_MS },
  );
  if (eventsWritten > 0) database.outboxSignal.written();
  return version;
}

/** One stored version of the workspace, or null (also for another workspace's version). */
export async function findHealthConfigVersion(
  reader: SqlReader,
  workspaceId: string,
  id: string,
): Promise<HealthConfigVersionRow | null> {
  const row = await healthConfigVersion(reader, workspaceId, id);
  return row ? versionRow(row) : null;
}
