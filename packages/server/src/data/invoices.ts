// Invoices: how many fell due in a period, and how many of those were paid on time.
import { type SqlReader, sql } from "@pulse/schema/database";
import type { Period } from "@pulse/schema/metrics";
import { ACCOUNT_ID } from "./columns.ts";

export interface InvoiceCounts {
  invoicesDue: number;
  paidOnTime: number;
}

/** Invoices due in the period, and how many were paid on or before their due date, per account. */
export async function invoiceCounts(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  period: Period,
): Promise<InvoiceCounts[]> {
  const rows = await reader.read<{ accountId: string } & InvoiceCounts>(sql`
    SELECT ${ACCOUNT_ID}, count(*)::int AS "invoicesDue",
           (count(*) FILTER (WHERE "paidAt" IS NOT NULL AND "paidAt" <= "dueAt"))::int AS "paidOnTime"
    FROM "Invoice"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
      AND "dueAt" >= ${period.from}::timestamp AND "dueAt" < ${period.to}::timestamp
    GROUP BY 1`);
  const byId = new Map(rows.map((row) => [row.accountId, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return { invoicesDue: row?.invoicesDue ?? 0, paidOnTime: row?.paidOnTime ?? 0 };
  });
}
