// Revenue events: every MRR change per account, oldest first (MRR, ARR and CLTV are computed from them).
import { type SqlReader, sql } from "@pulse/schema/database";
import { ACCOUNT_ID, groupByAccount, instant, utcColumn } from "./columns.ts";

export interface RevenueFact {
  kind: "NEW" | "EXPANSION" | "CONTRACTION" | "CHURN" | "REACTIVATION";
  /** A decimal, as text. */
  mrrDelta: string;
  occurredAt: Date;
}

export async function revenueEvents(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
): Promise<RevenueFact[][]> {
  const rows = await reader.read<{
    accountId: string;
    kind: RevenueFact["kind"];
    mrrDelta: string;
    occurredAt: string;
  }>(sql`
    SELECT ${ACCOUNT_ID}, kind::text AS kind, "mrrDelta"::text AS "mrrDelta",
           ${utcColumn('"occurredAt"', "occurredAt")}
    FROM "RevenueEvent"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
    ORDER BY "occurredAt", id`);
  return groupByAccount(ids, rows, (row) => ({
    kind: row.kind,
    mrrDelta: row.mrrDelta,
    occurredAt: instant(row.occurredAt),
  }));
}
