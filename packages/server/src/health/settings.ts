// The workspace settings every metric of a request needs, read once per request (one statement).

import { readerFor, type SqlReader, sql } from "@pulse/schema/database";
import {
  DEFAULT_TIME_ZONE,
  type HealthConfig,
  healthConfigForReads,
  isTimeZone,
  lifetimeSettingsForReads,
  type MilestoneDefinition,
} from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";

export interface WorkspaceSettings {
  workspaceId: string;
  currency: string;
  healthConfig: HealthConfig;
  /** The stored version of `healthConfig` (null for a workspace without versions). */
  healthConfigVersionId: string | null;
  keyFeatures: string[];
  grossMargin: string;
  lifetimeCapMonths: number;
  /** IANA time zone of period dates, series buckets and usage days (default UTC). */
  timeZone: string;
  milestones: (MilestoneDefinition & { id: string; name: string })[];
  /** Revision of the workspace's accounts and revenue events (see loaders/portfolio.ts). */
  factsRevision: string;
}

type SettingsRow = Omit<WorkspaceSettings, "workspaceId" | "healthConfig"> & { healthConfig: unknown };

/**
 * One statement: the workspace's settings with its milestones (by position, then key); through
 * `reader` when given (a request's coalescing reader, see loaders/facts.ts).
 */
export async function loadWorkspaceSettings(
  prisma: PrismaClient,
  workspaceId: string,
  reader: SqlReader = readerFor(prisma),
): Promise<WorkspaceSettings> {
  const [row] = await reader.read<SettingsRow>(sql`
    SELECT w.currency, w."healthConfig", w."keyFeatures", w."grossMargin"::text AS "grossMargin", w."lifetimeCapMonths",
           w."timeZone", w."factsRevision"::text AS "factsRevision",
           (SELECT v.id::text FROM "HealthConfigVersion" v WHERE v."workspaceId" = w.id
            ORDER BY v.version DESC LIMIT 1) AS "healthConfigVersionId",
           coalesce((SELECT json_agg(json_build_object('id', m.id, 'key', m.key, 'name', m.name, 'position', m.position,
                                                       'targetDays', m."targetDays", 'isFirstValue', m."isFirstValue")
                                     ORDER BY m.position, m.key)
                     FROM "Milestone" m WHERE m."workspaceId" = w.id), '[]'::json) AS milestones
    FROM "Workspace" w WHERE w.id = ${workspaceId}::uuid`);
  if (!row) throw new Error(`Workspace ${workspaceId} does not exist.`);
  // Stored settings that the formulas would refuse fall back to their defaults: a read never fails on them.
  const lifetime = lifetimeSettingsForReads({
    grossMargin: row.grossMargin,
    lifetimeCapMonths: row.lifetimeCapMonths,
  });
  return {
    workspaceId,
    currency: row.currency,
    // A stored configuration that no longer validates falls back to the defaults: a read never fails on it.
    healthConfig: healthConfigForReads(row.healthConfig ?? {}).config,
    keyFeatures: row.keyFeatures,
    grossMargin: lifetime.grossMargin,
    lifetimeCapMonths: lifetime.lifetimeCapMonths,
    // A stored zone this runtime does not know (written by hand) reads as UTC, like the other settings.
    timeZone: isTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE,
    milestones: row.milestones,
    factsRevision: row.factsRevision,
    healthConfigVersionId: row.healthConfigVersionId,
  };
}
