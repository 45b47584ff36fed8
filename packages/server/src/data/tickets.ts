// Support tickets: counts by priority per account and period.
import { type SqlReader, sql } from "@pulse/schema/database";
import type { Period, TicketCountsByPriority } from "@pulse/schema/metrics";
import { ACCOUNT_ID, groupByAccount } from "./columns.ts";

/** Tickets opened in the period, counted by priority, per account (in the order of `ids`). */
export async function ticketCounts(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  period: Period,
): Promise<TicketCountsByPriority[]> {
  const rows = await reader.read<{
    accountId: string;
    priority: keyof TicketCountsByPriority;
    count: number;
  }>(sql`
    SELECT ${ACCOUNT_ID}, priority::text AS priority, count(*)::int AS count
    FROM "SupportTicket"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
      AND "openedAt" >= ${period.from} AND "openedAt" < ${period.to}
    GROUP BY 1, 2`);
  return groupByAccount(ids, rows, (row) => row).map((accountRows) =>
    Object.fromEntries(accountRows.map((row) => [row.priority, row.count])),
  );
}
