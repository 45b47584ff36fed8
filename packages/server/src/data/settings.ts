// The workspace's settings row with its latest configuration version and its milestones.
import { type SqlReader, sql } from "@pulse/schema/database";

export interface SettingsRow {
  currency: string;
  /** As stored: validated by the caller (health/settings.ts). */
  healthConfig: unknown;
  keyFeatures: string[];
  /** A decimal, as text. */
  grossMargin: string;
  lifetimeCapMonths: number;
  /** IANA name as stored (checked by the caller). */
  timeZone: string;
  /** A bigint, as text. */
  factsRevision: string;
  /** Bigints, as text. */
  snapshotsRevision: string;
  contractsRevision: string;
  milestonesRevision: string;
  surveysRevision: string;
  healthConfigVersionId: string | null;
  milestones: {
    id: string;
    key: string;
    name: string;
    position: number;
    targetDays: number;
    isFirstValue: boolean;
  }[];
}

/** One statement: the workspace's settings with its milestones (by position, then key); null for no workspace. */
export async function workspaceSettingsRow(
  reader: SqlReader,
  workspaceId: string,
): Promise<SettingsRow | null> {
  const [row] = await reader.read<SettingsRow>(sql`
    SELECT w.currency, w."healthConfig", w."keyFeatures", w."grossMargin"::text AS "grossMargin", w."lifetimeCapMonths",
           w."timeZone", w."factsRevision"::text AS "factsRevision",
           w."snapshotsRevision"::text AS "snapshotsRevision", w."contractsRevision"::text AS "contractsRevision",
           w."milestonesRevision"::text AS "milestonesRevision", w."surveysRevision"::text AS "surveysRevision",
           (SELECT v.id::text FROM "HealthConfigVersion" v WHERE v."workspaceId" = w.id
            ORDER BY v.version DESC LIMIT 1) AS "healthConfigVersionId",
           coalesce((SELECT json_agg(json_build_object('id', m.id, 'key', m.key, 'name', m.name, 'position', m.position,
                                                       'targetDays', m."targetDays", 'isFirstValue', m."isFirstValue")
                                     ORDER BY m.position, m.key)
                     FROM "Milestone" m WHERE m."workspaceId" = w.id), '[]'::json) AS milestones
    FROM "Workspace" w WHERE w.id = ${workspaceId}::uuid`);
  return row ?? null;
}
