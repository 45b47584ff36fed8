// Sentiment entries: whole rows per account, oldest first.
import { type SqlReader, sql } from "@pulse/schema/database";
import type { SentimentEntry } from "@pulse/schema/prisma";
import { factColumns, groupByAccount } from "./columns.ts";

/** A whole SentimentEntry row (every scalar column, see columns.ts). */
export type SentimentFact = SentimentEntry;

export async function sentimentEntries(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
): Promise<SentimentFact[][]> {
  const columns = factColumns("SentimentEntry", "s");
  const rows = await reader.read<Record<string, unknown>>(sql`
    SELECT ${columns.select}
    FROM "SentimentEntry" s
    WHERE s."workspaceId" = ${workspaceId}::uuid AND s."accountId" = ANY(${ids}::uuid[])
    ORDER BY s."createdAt", s.id`);
  return groupByAccount(ids, rows.map(columns.parse) as SentimentFact[], (entry) => entry);
}
