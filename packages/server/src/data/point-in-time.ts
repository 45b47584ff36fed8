// The backtest's windowed reads (loaders/point-in-time-facts.ts batches them): each account of a
// batch with its own window [from, to), sent as arrays beside the ids, answered in one statement
// whatever the number of keys. Rows come back in the keys' order.
import { type SqlReader, type SqlStatement, sql } from "@pulse/schema/database";
import { NPS_DETRACTOR_MAX, type TicketCountsByPriority } from "@pulse/schema/metrics";
import type { InvoiceCounts } from "./invoices.ts";
import type { NpsResponseFact, SurveyScoreCounts } from "./surveys.ts";
import type { UsageColumns } from "./usage.ts";

export interface WindowKey {
  accountId: string;
  from: Date;
  to: Date;
}

/** Usage of a window (as loaders/facts.ts's usage, without the rollup: windows differ per account). */
export interface WindowedUsage {
  activeUsers: number;
  loginEvents: number;
  sessionCount: number;
  sessionSeconds: bigint;
  userDays: number;
  featureCounts: Record<string, number>;
  everHadUsage: boolean;
}

/** The keys as a CTE `page(n, id, "from", "to")`, restricted to the workspace's accounts. */
function windowPage(workspaceId: string, keys: readonly WindowKey[]): SqlStatement {
  return sql`page AS (
    SELECT p.n::int AS n, p.id, p."from", p."to"
    FROM unnest(${keys.map((key) => key.accountId)}::uuid[], ${keys.map((key) => key.from)}::timestamp[],
                ${keys.map((key) => key.to)}::timestamp[]) WITH ORDINALITY AS p(id, "from", "to", n)
    JOIN "Account" a ON a.id = p.id AND a."workspaceId" = ${workspaceId}::uuid)`;
}

/**
 * Usage of each key's window; a day's distinct users are counted per calendar day in the
 * workspace's `timeZone`, as the live read (data/usage.ts) counts them.
 */
export async function usageInWindows(
  reader: SqlReader,
  workspaceId: string,
  keys: readonly WindowKey[],
  timeZone: string,
): Promise<WindowedUsage[]> {
  const rows = await reader.read<UsageColumns & { n: number }>(sql`
    WITH ${windowPage(workspaceId, keys)},
    windowed AS (
      SELECT p.n, e."contactId", e.kind, e."featureKey", e."durationSeconds",
             ((e."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date AS day
      FROM page p JOIN "UsageEvent" e ON e."accountId" = p.id AND e."occurredAt" >= p."from" AND e."occurredAt" < p."to"
    ),
    totals AS (
      SELECT n,
             count(DISTINCT "contactId")::int AS "activeUsers",
             (count(*) FILTER (WHERE kind = 'LOGIN'))::int AS "loginEvents",
             (count(*) FILTER (WHERE kind = 'SESSION' AND "durationSeconds" IS NOT NULL))::int AS "sessionCount",
             (coalesce(sum("durationSeconds") FILTER (WHERE kind = 'SESSION'), 0))::text AS "sessionSeconds",
             count(DISTINCT (day, "contactId")) FILTER (WHERE "contactId" IS NOT NULL)::int AS "userDays"
      FROM windowed GROUP BY n
    ),
    features AS (
      SELECT n, jsonb_object_agg("featureKey", c) AS "featureCounts"
      FROM (SELECT n, "featureKey", count(*)::int AS c FROM windowed
            WHERE kind = 'FEATURE' AND "featureKey" IS NOT NULL GROUP BY 1, 2) f
      GROUP BY n
    )
    SELECT p.n,
           coalesce(t."activeUsers", 0) AS "activeUsers", coalesce(t."loginEvents", 0) AS "loginEvents",
           coalesce(t."sessionCount", 0) AS "sessionCount", coalesce(t."sessionSeconds", '0') AS "sessionSeconds",
           coalesce(t."userDays", 0) AS "userDays", f."featureCounts",
           EXISTS (SELECT 1 FROM "UsageEvent" u WHERE u."accountId" = p.id AND u."occurredAt" < p."to") AS "everHadUsage"
    FROM page p
    LEFT JOIN totals t ON t.n = p.n
    LEFT JOIN features f ON f.n = p.n`);
  const byIndex = new Map(rows.map((row) => [row.n, row]));
  return keys.map((_key, index) => {
    const row = byIndex.get(index + 1);
    return {
      activeUsers: row?.activeUsers ?? 0,
      loginEvents: row?.loginEvents ?? 0,
      sessionCount: row?.sessionCount ?? 0,
      sessionSeconds: BigInt(row?.sessionSeconds ?? "0"),
      userDays: row?.userDays ?? 0,
      featureCounts: row?.featureCounts ?? {},
      everHadUsage: row?.everHadUsage ?? false,
    };
  });
}

export async function surveyScoreCountsInWindows(
  reader: SqlReader,
  workspaceId: string,
  keys: readonly WindowKey[],
): Promise<SurveyScoreCounts[]> {
  const rows = await reader.read<{ n: number; counts: Partial<SurveyScoreCounts> }>(sql`
    WITH ${windowPage(workspaceId, keys)}
    SELECT n, json_object_agg(kind, counts) AS counts
    FROM (SELECT n, kind, json_agg(json_build_object('score', score, 'count', c) ORDER BY score) AS counts
          FROM (SELECT p.n, s.kind::text AS kind, s.score, count(*)::int AS c
                FROM page p JOIN "SurveyResponse" s
                  ON s."accountId" = p.id AND s."createdAt" >= p."from" AND s."createdAt" < p."to"
                GROUP BY 1, 2, 3) scores
          GROUP BY 1, 2) kinds
    GROUP BY 1`);
  const byIndex = new Map(rows.map((row) => [row.n, row.counts]));
  return keys.map((_key, index) => {
    const counts = byIndex.get(index + 1);
    return { NPS: counts?.NPS ?? [], CSAT: counts?.CSAT ?? [], CES: counts?.CES ?? [] };
  });
}

export async function ticketCountsInWindows(
  reader: SqlReader,
  workspaceId: string,
  keys: readonly WindowKey[],
): Promise<TicketCountsByPriority[]> {
  const rows = await reader.read<{
    n: number;
    priority: keyof TicketCountsByPriority;
    count: number;
  }>(sql`
    WITH ${windowPage(workspaceId, keys)}
    SELECT p.n, t.priority::text AS priority, count(*)::int AS count
    FROM page p JOIN "SupportTicket" t ON t."accountId" = p.id AND t."openedAt" >= p."from" AND t."openedAt" < p."to"
    GROUP BY 1, 2`);
  const byIndex = new Map<number, TicketCountsByPriority>();
  for (const row of rows) byIndex.set(row.n, { ...byIndex.get(row.n), [row.priority]: row.count });
  return keys.map((_key, index) => byIndex.get(index + 1) ?? {});
}

export async function invoiceCountsInWindows(
  reader: SqlReader,
  workspaceId: string,
  keys: readonly WindowKey[],
): Promise<InvoiceCounts[]> {
  const rows = await reader.read<{ n: number } & InvoiceCounts>(sql`
    WITH ${windowPage(workspaceId, keys)}
    SELECT p.n, count(*)::int AS "invoicesDue",
           (count(*) FILTER (WHERE i."paidAt" IS NOT NULL AND i."paidAt" <= i."dueAt"))::int AS "paidOnTime"
    FROM page p JOIN "Invoice" i ON i."accountId" = p.id AND i."dueAt" >= p."from" AND i."dueAt" < p."to"
    GROUP BY 1`);
  const byIndex = new Map(rows.map((row) => [row.n, row]));
  return keys.map((_key, index) => {
    const row = byIndex.get(index + 1);
    return { invoicesDue: row?.invoicesDue ?? 0, paidOnTime: row?.paidOnTime ?? 0 };
  });
}

export async function npsDetractorsInWindows(
  reader: SqlReader,
  workspaceId: string,
  keys: readonly WindowKey[],
): Promise<NpsResponseFact[][]> {
  const rows = await reader.read<{ n: number; score: number; respondedAt: Date }>(sql`
    WITH ${windowPage(workspaceId, keys)}
    SELECT p.n, s.score, s."createdAt" AT TIME ZONE 'UTC' AS "respondedAt"
    FROM page p JOIN "SurveyResponse" s
      ON s."accountId" = p.id AND s.kind = 'NPS' AND s.score <= ${NPS_DETRACTOR_MAX}
     AND s."createdAt" >= p."from" AND s."createdAt" < p."to"`);
  const byIndex = new Map<number, NpsResponseFact[]>();
  for (const row of rows) {
    const list = byIndex.get(row.n) ?? [];
    list.push({ score: row.score, respondedAt: new Date(row.respondedAt) });
    byIndex.set(row.n, list);
  }
  return keys.map((_key, index) => byIndex.get(index + 1) ?? []);
}
