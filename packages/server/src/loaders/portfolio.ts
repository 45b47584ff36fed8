// Every account of a workspace with its revenue events: the input of portfolio metrics (and of
// the trailing-year churn behind each account's CLTV). One statement, whatever the size: the
// database builds one JSON document (events grouped per account), so the client parses one
// value instead of mapping 10,000 account rows and tens of thousands of event rows.
import type { PortfolioAccount } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import type { RevenueFact } from "./facts.ts";

export interface PortfolioAccountRow extends PortfolioAccount {
  id: string;
  segment: string | null;
  firstValueAt: Date | null;
  revenueEvents: RevenueFact[];
}

/** [kind, mrrDelta as decimal text, occurredAt in epoch ms] */
type EventTuple = [RevenueFact["kind"], string, number];
/** [id, segment, signedUpAt, churnedAt, firstValueAt (epoch ms), events in time order] */
type AccountTuple = [string, string | null, number, number | null, number | null, EventTuple[]];

const date = (epochMs: number | null): Date | null => (epochMs === null ? null : new Date(epochMs));

export async function loadPortfolioAccounts(
  prisma: PrismaClient,
  workspaceId: string,
): Promise<PortfolioAccountRow[]> {
  // Timestamps are UTC `timestamp(3)` columns, so epoch milliseconds are exact; trim_scale gives
  // the same decimal text as Prisma's Decimal (18,4) ("12.5", not "12.5000").
  const [result] = await prisma.$queryRaw<{ accounts: string }[]>`
    WITH events AS (
      SELECT "accountId",
             json_agg(json_build_array(kind, trim_scale("mrrDelta")::text, (extract(epoch FROM "occurredAt") * 1000)::int8)
                      ORDER BY "occurredAt", id) AS events
      FROM "RevenueEvent" WHERE "workspaceId" = ${workspaceId}::uuid
      GROUP BY "accountId"
    )
    SELECT coalesce(json_agg(json_build_array(
             a.id, a.segment,
             (extract(epoch FROM a."signedUpAt") * 1000)::int8,
             (extract(epoch FROM a."churnedAt") * 1000)::int8,
             (extract(epoch FROM a."firstValueAt") * 1000)::int8,
             coalesce(e.events, '[]'::json)) ORDER BY a.id), '[]'::json)::text AS accounts
    FROM "Account" a LEFT JOIN events e ON e."accountId" = a.id
    WHERE a."workspaceId" = ${workspaceId}::uuid`;
  const accounts = JSON.parse(result?.accounts ?? "[]") as AccountTuple[];
  return accounts.map(([id, segment, signedUpAt, churnedAt, firstValueAt, events]) => ({
    id,
    segment,
    signedUpAt: new Date(signedUpAt),
    churnedAt: date(churnedAt),
    firstValueAt: date(firstValueAt),
    revenueEvents: events.map(([kind, mrrDelta, occurredAt]) => ({
      kind,
      mrrDelta,
      occurredAt: new Date(occurredAt),
    })),
  }));
}
