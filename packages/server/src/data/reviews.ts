// Business reviews: whole rows per account, by the time they were held.
import { type SqlReader, sql } from "@pulse/schema/database";
import type { BusinessReview } from "@pulse/schema/prisma";
import { factColumns, groupByAccount } from "./columns.ts";

/** A whole BusinessReview row (every scalar column, see columns.ts). */
export type ReviewFact = BusinessReview;

export async function businessReviews(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
): Promise<ReviewFact[][]> {
  const columns = factColumns("BusinessReview", "r");
  const rows = await reader.read<Record<string, unknown>>(sql`
    SELECT ${columns.select}
    FROM "BusinessReview" r
    WHERE r."workspaceId" = ${workspaceId}::uuid AND r."accountId" = ANY(${ids}::uuid[])
    ORDER BY r."heldAt", r.id`);
  return groupByAccount(ids, rows.map(columns.parse) as ReviewFact[], (review) => review);
}
