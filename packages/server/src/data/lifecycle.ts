// Lifecycle stage changes: every account's recorded changes (of a segment), oldest first.
import { type SqlReader, sql } from "@pulse/schema/database";
import type { LifecycleStageChangeFact, LifecycleStageName } from "@pulse/schema/metrics";

export interface AccountStages {
  accountId: string;
  seats: number;
  changes: LifecycleStageChangeFact[];
}

/**
 * The stage changes of every account of a segment (all when null) that has any, in one statement
 * as one JSON document of [accountId, seats, [[toStage, changedAt in ms]…]].
 */
export async function stageHistories(
  reader: SqlReader,
  workspaceId: string,
  segment: string | null,
): Promise<AccountStages[]> {
  const [result] = await reader.read<{ accounts: string }>(sql`
    SELECT coalesce(json_agg(json_build_array(a.id, a.seats, h.changes)), '[]'::json)::text AS accounts
    FROM "Account" a
    JOIN (
      SELECT c."accountId",
             json_agg(json_build_array(c."toStage"::text, round(date_part('epoch', c."changedAt") * 1000)::int8)
                      ORDER BY c."changedAt", c."createdAt", c.id) AS changes
      FROM "LifecycleStageChange" c
      WHERE c."workspaceId" = ${workspaceId}::uuid
      GROUP BY c."accountId"
    ) h ON h."accountId" = a.id
    WHERE a."workspaceId" = ${workspaceId}::uuid AND (${segment}::text IS NULL OR a.segment = ${segment}::text)`);
  const tuples = JSON.parse(result?.accounts ?? "[]") as [string, number, [LifecycleStageName, number][]][];
  return tuples.map(([accountId, seats, changes]) => ({
    accountId,
    seats,
    changes: changes.map(([toStage, at]) => ({ toStage, changedAt: new Date(at) })),
  }));
}
