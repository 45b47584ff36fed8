// Milestone achievements: per account (with the milestone's key), and the keys each account of
// the workspace achieved before an instant (the portfolio's milestone figures).
import { type SqlReader, sql } from "@pulse/schema/database";
import { groupByAccount, instant, utcColumn } from "./columns.ts";

export interface AchievementFact {
  milestoneKey: string;
  achievedAt: Date;
}

export async function milestoneAchievements(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
): Promise<AchievementFact[][]> {
  const rows = await reader.read<{ accountId: string; milestoneKey: string; achievedAt: string }>(sql`
    SELECT a."accountId"::text AS "accountId", m.key AS "milestoneKey", ${utcColumn('a."achievedAt"', "achievedAt")}
    FROM "MilestoneAchievement" a JOIN "Milestone" m ON m.id = a."milestoneId"
    WHERE a."workspaceId" = ${workspaceId}::uuid AND a."accountId" = ANY(${ids}::uuid[])`);
  return groupByAccount(ids, rows, (row) => ({
    milestoneKey: row.milestoneKey,
    achievedAt: instant(row.achievedAt),
  }));
}

/**
 * Keys of the milestones each account achieved before `before` (one JSON document), for the
 * accounts that signed up at or after `since`: onboarding looks at a period's sign-ups only, so
 * older accounts' achievements (most of them, in an old workspace) are not read.
 */
export async function achievedMilestoneKeys(
  reader: SqlReader,
  workspaceId: string,
  before: Date,
  since: Date,
): Promise<{ keys: Map<string, string[]>; nextAchievedAt: Date | null }> {
  // With the keys, in the same statement: the workspace's first achievement at or after
  // `before` (until then the answer is the same for a later `before`: loaders/workspace-reads.ts).
  const [result] = await reader.read<{ keys: string; next: string | null }>(sql`
    SELECT (SELECT coalesce(json_object_agg(id, keys), '{}'::json)::text FROM (
              SELECT ma."accountId" AS id, json_agg(m.key) AS keys
              FROM "MilestoneAchievement" ma JOIN "Milestone" m ON m.id = ma."milestoneId"
                JOIN "Account" a ON a.id = ma."accountId"
              WHERE ma."workspaceId" = ${workspaceId}::uuid AND ma."achievedAt" < ${before}::timestamp
                AND a."signedUpAt" >= ${since}::timestamp
              GROUP BY ma."accountId") achieved) AS keys,
           (SELECT round(date_part('epoch', min(ma."achievedAt")) * 1000)::int8::text FROM "MilestoneAchievement" ma
            WHERE ma."workspaceId" = ${workspaceId}::uuid AND ma."achievedAt" >= ${before}::timestamp) AS next`);
  return {
    keys: new Map(Object.entries(JSON.parse(result?.keys ?? "{}") as Record<string, string[]>)),
    nextAchievedAt: result?.next == null ? null : new Date(Number(result.next)),
  };
}
