// Every account of a workspace with its revenue events: the input of portfolio metrics (and of
// the trailing-year churn behind each account's CLTV). One statement, whatever the size: the
// database builds one JSON document (events grouped per account), so the client parses one
// value instead of mapping 10,000 account rows and tens of thousands of event rows.

import { type SqlReader, sql } from "@pulse/schema/database";
import type { PortfolioAccount } from "@pulse/schema/metrics";
import type { RevenueFact } from "./revenue.ts";

export interface PortfolioAccountRow extends PortfolioAccount {
  id: string;
  name: string;
  /** With csmOwner: what a viewer token's scope is decided on. */
  externalId: string;
  csmOwner: string | null;
  segment: string | null;
  firstValueAt: Date | null;
  revenueEvents: RevenueFact[];
}

/** [id, segment, signedUpAt, churnedAt, firstValueAt (epoch ms), events as "kind,mrrDelta,epoch ms,…" or null, externalId, csmOwner, name] */
type AccountTuple = [
  string,
  string | null,
  number,
  number | null,
  number | null,
  string | null,
  string,
  string | null,
  string,
];
const date = (epochMs: number | null): Date | null => (epochMs === null ? null : new Date(epochMs));

function revenueEvents(encoded: string | null): RevenueFact[] {
  if (encoded === null) return [];
  const parts = encoded.split(",");
  const events: RevenueFact[] = [];
  for (let index = 0; index + 2 < parts.length; index += 3) {
    events.push({
      kind: parts[index] as RevenueFact["kind"],
      mrrDelta: parts[index + 1] as string,
      occurredAt: new Date(Number(parts[index + 2])),
    });
  }
  return events;
}

export async function loadPortfolioAccounts(
  reader: SqlReader,
  workspaceId: string,
): Promise<PortfolioAccountRow[]> {
  // Timestamps are UTC `timestamp(3)` columns: epoch seconds as float8, times 1000 and rounded,
  // are their exact milliseconds (cheaper than numeric). trim_scale gives the same decimal text
  // as Prisma's Decimal (18,4) ("12.5", not "12.5000"). Neither accounts nor events are sorted
  // here: no figure depends on their order, and timelines put each account's events in time order.
  const [result] = await reader.read<{ accounts: string }>(sql`
    WITH events AS (
      SELECT "accountId",
             string_agg(kind::text || ',' || trim_scale("mrrDelta")::text || ',' || round(date_part('epoch', "occurredAt") * 1000)::int8::text, ',') AS events
      FROM "RevenueEvent" WHERE "workspaceId" = ${workspaceId}::uuid
      GROUP BY "accountId"
    )
    SELECT coalesce(json_agg(json_build_array(
             a.id, a.segment,
             round(date_part('epoch', a."signedUpAt") * 1000)::int8,
             round(date_part('epoch', a."churnedAt") * 1000)::int8,
             round(date_part('epoch', a."firstValueAt") * 1000)::int8,
             e.events, a."externalId", a."csmOwner", a.name)), '[]'::json)::text AS accounts
    FROM "Account" a LEFT JOIN events e ON e."accountId" = a.id
    WHERE a."workspaceId" = ${workspaceId}::uuid`);
  const accounts = JSON.parse(result?.accounts ?? "[]") as AccountTuple[];
  return accounts.map(
    ([id, segment, signedUpAt, churnedAt, firstValueAt, events, externalId, csmOwner, name]) => ({
      id,
      name,
      externalId,
      csmOwner,
      segment,
      signedUpAt: new Date(signedUpAt),
      churnedAt: date(churnedAt),
      firstValueAt: date(firstValueAt),
      revenueEvents: revenueEvents(events),
    }),
  );
}
