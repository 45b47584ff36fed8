// Survey responses: score counts per account and period, NPS detractors, and the workspace-wide
// reads behind the NPS ordering, the at-risk filter and the portfolio's survey series.
import { type SqlReader, type SqlStatement, sql } from "@pulse/schema/database";
import { NPS_DETRACTOR_MAX, type Period, type ScoreCount } from "@pulse/schema/metrics";
import type { PrismaClient, SurveyKind } from "@pulse/schema/prisma";
import { ACCOUNT_ID, groupByAccount, instant, utcColumn } from "./columns.ts";

export type { SurveyKind };
export type SurveyScoreCounts = Record<SurveyKind, ScoreCount[]>;

export interface NpsResponseFact {
  score: number;
  respondedAt: Date;
}

const noCounts = (counts?: Partial<SurveyScoreCounts>): SurveyScoreCounts => ({
  NPS: counts?.NPS ?? [],
  CSAT: counts?.CSAT ?? [],
  CES: counts?.CES ?? [],
});

/** Responses per kind and score created in the period, per account (in the order of `ids`). */
export async function surveyScoreCounts(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  period: Period,
): Promise<SurveyScoreCounts[]> {
  // One row per account, its counts by kind already grouped in SQL.
  const rows = await reader.read<{ accountId: string; counts: Partial<SurveyScoreCounts> }>(sql`
    SELECT "accountId", json_object_agg(kind, counts) AS counts
    FROM (SELECT ${ACCOUNT_ID}, kind::text AS kind,
                 json_agg(json_build_object('score', score, 'count', n) ORDER BY score) AS counts
          FROM (SELECT "accountId", kind, score, count(*)::int AS n
                FROM "SurveyResponse"
                WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
                  AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
                GROUP BY 1, 2, 3) scores
          GROUP BY 1, 2) kinds
    GROUP BY 1`);
  const byId = new Map(rows.map((row) => [row.accountId, row.counts]));
  return ids.map((id) => noCounts(byId.get(id)));
}

/** NPS detractors' responses (score and time) in the period, per account: risk looks for recent ones. */
export async function npsDetractors(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  period: Period,
): Promise<NpsResponseFact[][]> {
  const rows = await reader.read<{ accountId: string; score: number; respondedAt: string }>(sql`
    SELECT ${ACCOUNT_ID}, score, ${utcColumn('"createdAt"', "respondedAt")}
    FROM "SurveyResponse"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
      AND kind = 'NPS' AND score <= ${NPS_DETRACTOR_MAX} AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}`);
  return groupByAccount(ids, rows, (row) => ({ score: row.score, respondedAt: instant(row.respondedAt) }));
}

/**
 * The NPS detractors (score ≤ NPS_DETRACTOR_MAX) of every account of the workspace from
 * `window.from` (up to `window.to`, or without end), per account: the at-risk filter's input (only
 * detractors can make an account at risk). One JSON
 * document: mapping ~5,000 rows per 10,000 accounts through the Prisma client cost more than the query.
 */
export async function workspaceNpsDetractors(
  reader: SqlReader,
  workspaceId: string,
  window: { from: Date; to: Date | null },
): Promise<Map<string, NpsResponseFact[]>> {
  const until = window.to === null ? sql`` : sql` AND "createdAt" < ${window.to}::timestamp`;
  const [result] = await reader.read<{ responses: string }>(sql`
    SELECT coalesce(json_agg(json_build_array("accountId", score, round(date_part('epoch', "createdAt") * 1000)::int8)), '[]'::json)::text AS responses
    FROM "SurveyResponse"
    WHERE "workspaceId" = ${workspaceId}::uuid AND kind = 'NPS' AND score <= ${NPS_DETRACTOR_MAX}
      AND "createdAt" >= ${window.from}::timestamp${until}`);
  const byAccount = new Map<string, NpsResponseFact[]>();
  for (const [accountId, score, respondedAt] of JSON.parse(result?.responses ?? "[]") as [
    string,
    number,
    number,
  ][]) {
    const list = byAccount.get(accountId);
    const response = { score, respondedAt: new Date(respondedAt) };
    if (list) list.push(response);
    else byAccount.set(accountId, [response]);
  }
  return byAccount;
}

/** NPS score counts of every account of the workspace in the period (the NPS ordering). */
export async function workspaceNpsScoreCounts(
  prisma: PrismaClient,
  workspaceId: string,
  period: Period,
): Promise<Map<string, ScoreCount[]>> {
  const counts = await prisma.surveyResponse.groupBy({
    by: ["accountId", "score"],
    where: { workspaceId, kind: "NPS", createdAt: { gte: period.from, lt: period.to } },
    _count: { _all: true },
  });
  const byAccount = new Map<string, ScoreCount[]>();
  for (const row of counts) {
    const list = byAccount.get(row.accountId) ?? [];
    list.push({ score: row.score, count: row._count._all });
    byAccount.set(row.accountId, list);
  }
  return byAccount;
}

/**
 * Survey score counts per bucket, buckets being [bounds[i], bounds[i + 1]), of the accounts of a
 * segment (all when null) narrowed by `accountScope` (a fragment over the Account alias `a`). One
 * statement: width_bucket maps each response's time onto the bounds.
 */
export async function surveyCountsByBucket(
  reader: SqlReader,
  workspaceId: string,
  input: { segment: string | null; bounds: Date[]; accountScope: SqlStatement | null },
): Promise<SurveyScoreCounts[]> {
  const { segment, bounds } = input;
  const epochs = bounds.map((bound) => bound.getTime() / 1000);
  type Row = { bucket: number; kind: SurveyKind; score: number; count: number };
  // One bucket (a portfolio's period): every response of the range is in it, so the statement
  // groups by kind and score only. Grouped by width_bucket the planner expects a group per
  // response, so it neither runs the scan in parallel nor sizes the aggregate right: about three
  // times the time over 1,000,000 responses (query-plans.test.ts and the bench's P).
  const bucket =
    bounds.length === 2 ? sql`1` : sql`width_bucket(date_part('epoch', r."createdAt"), ${epochs}::float8[])`;
  const groups = bounds.length === 2 ? sql`2, 3` : sql`1, 2, 3`;
  // Every response has its account (a non-null foreign key), so without a segment or a scope to
  // check on the account the join selects the same rows and only costs: about a third of the
  // statement's time over 1,000,000 responses.
  const rows =
    segment === null && input.accountScope === null
      ? await reader.read<Row>(sql`
    SELECT ${bucket} AS bucket, r.kind::text AS kind, r.score, count(*)::int AS count
    FROM "SurveyResponse" r
    WHERE r."workspaceId" = ${workspaceId}::uuid
      AND r."createdAt" >= ${bounds[0]} AND r."createdAt" < ${bounds.at(-1)}
    GROUP BY ${groups}`)
      : await reader.read<Row>(sql`
    SELECT ${bucket} AS bucket, r.kind::text AS kind, r.score, count(*)::int AS count
    FROM "SurveyResponse" r JOIN "Account" a ON a.id = r."accountId"
    WHERE r."workspaceId" = ${workspaceId}::uuid
      AND r."createdAt" >= ${bounds[0]} AND r."createdAt" < ${bounds.at(-1)}
      AND (${segment}::text IS NULL OR a.segment = ${segment}::text)${input.accountScope ?? sql``}
    GROUP BY ${groups}`);
  const buckets: SurveyScoreCounts[] = bounds.slice(1).map(() => noCounts());
  for (const row of rows) buckets[row.bucket - 1]?.[row.kind].push({ score: row.score, count: row.count });
  return buckets;
}
