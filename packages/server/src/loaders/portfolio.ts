// Every account of a workspace with its revenue events: the input of portfolio metrics (and of
// the trailing-year churn behind each account's CLTV). One statement, whatever the size: the
// database builds one JSON document (events grouped per account), so the client parses one
// value instead of mapping 10,000 account rows and tens of thousands of event rows.
import type { PortfolioAccount } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import type { RevenueFact } from "./facts.ts";

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
  prisma: PrismaClient,
  workspaceId: string,
): Promise<PortfolioAccountRow[]> {
  // Timestamps are UTC `timestamp(3)` columns: epoch seconds as float8, times 1000 and rounded,
  // are their exact milliseconds (cheaper than numeric). trim_scale gives the same decimal text
  // as Prisma's Decimal (18,4) ("12.5", not "12.5000"). Neither accounts nor events are sorted
  // here: no figure depends on their order, and timelines put each account's events in time order.
  const [result] = await prisma.$queryRaw<{ accounts: string }[]>`
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
    WHERE a."workspaceId" = ${workspaceId}::uuid`;
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

/**
 * Each workspace's portfolio inputs, kept between requests while its facts revision stays the same
 * (every statement that changes its accounts or revenue events bumps it, whoever sends it: see the
 * facts_revision migration), so a dashboard page or a portfolio does not read and parse every
 * account's revenue history on every request. Exact: an entry is used only for the revision it was
 * read at, and a reader that sees an older revision (a lagging replica) reads again. One per
 * server; the least recently used workspaces beyond `maxWorkspaces` are dropped.
 */
export class PortfolioCache {
  private readonly entries = new Map<string, { revision: string; rows: Promise<PortfolioAccountRow[]> }>();

  constructor(private readonly maxWorkspaces = 32) {}

  get(
    workspaceId: string,
    revision: string,
    load: () => Promise<PortfolioAccountRow[]>,
  ): Promise<PortfolioAccountRow[]> {
    const entry = this.entries.get(workspaceId);
    this.entries.delete(workspaceId);
    if (entry && entry.revision === revision) {
      this.entries.set(workspaceId, entry);
      return entry.rows;
    }
    const rows = load();
    const fresh = { revision, rows };
    this.entries.set(workspaceId, fresh);
    // A failed read is not kept.
    rows.catch(() => {
      if (this.entries.get(workspaceId) === fresh) this.entries.delete(workspaceId);
    });
    while (this.entries.size > this.maxWorkspaces) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return rows;
  }
}
