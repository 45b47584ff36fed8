// Workspace-wide reads behind portfolio metrics and their trend series: each is one statement,
// however many accounts or buckets, and is shared by every field of the request (memoized).
import {
  type AccountHistory,
  accountHistory,
  type CountedRenewalContract,
  type RenewalOutcome,
  type ScoreCount,
} from "@pulse/schema/metrics";
import type { HealthBand, SurveyKind } from "@pulse/schema/prisma";
import type { Context } from "../context.ts";
import { latestSnapshots } from "./account-index.ts";
import type { SurveyScoreCounts } from "./facts.ts";
import type { PortfolioAccountRow } from "./portfolio.ts";
import { scopePrismaSql } from "./viewer-scope.ts";

/** The accounts of a segment (all when null) and, at the same index, each one's history. */
export interface SegmentAccounts {
  readonly rows: readonly PortfolioAccountRow[];
  readonly histories: readonly AccountHistory[];
}

/**
 * What is derived from one array of portfolio rows, kept as long as the array: the workspace's
 * rows stay the same objects between requests while its facts revision is unchanged
 * (`PortfolioCache`), so a server checks each account and builds its revenue timeline once per
 * revision, not once per request. Exact: each value is a pure function of rows nobody mutates,
 * and a new revision (or a request that wrote, or a viewer scope's filtered array) is a new array.
 */
interface DerivedFromRows {
  all: SegmentAccounts;
  segments: Map<string, SegmentAccounts>;
  byId?: Map<string, AccountHistory>;
}
const derivedFromRows = new WeakMap<readonly PortfolioAccountRow[], DerivedFromRows>();
/** Each row's history, shared by every array that holds the row (a scope's filtered rows too). */
const historyOfRow = new WeakMap<PortfolioAccountRow, AccountHistory>();

function historyOf(row: PortfolioAccountRow): AccountHistory {
  let history = historyOfRow.get(row);
  if (history === undefined) {
    history = accountHistory(row);
    historyOfRow.set(row, history);
  }
  return history;
}

function derived(rows: readonly PortfolioAccountRow[]): DerivedFromRows {
  let entry = derivedFromRows.get(rows);
  if (entry === undefined) {
    // Checked before anything is kept: an invalid account fails every request, as it did uncached.
    entry = { all: { rows, histories: rows.map(historyOf) }, segments: new Map() };
    derivedFromRows.set(rows, entry);
  }
  return entry;
}

/**
 * Every account checked once (`accountHistory`): each formula, period and the MRR ordering then
 * read the same histories instead of re-checking and re-summing every event.
 */
async function allAccounts(ctx: Context): Promise<DerivedFromRows> {
  return derived(await ctx.portfolioAccounts());
}

export async function segmentAccounts(ctx: Context, segment: string | null): Promise<SegmentAccounts> {
  const entry = await allAccounts(ctx);
  if (segment === null) return entry.all;
  let selected = entry.segments.get(segment);
  if (selected === undefined) {
    const selectedRows: PortfolioAccountRow[] = [];
    const selectedHistories: AccountHistory[] = [];
    const { rows, histories } = entry.all;
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index] as PortfolioAccountRow;
      if (row.segment !== segment) continue;
      selectedRows.push(row);
      selectedHistories.push(histories[index] as AccountHistory);
    }
    selected = { rows: selectedRows, histories: selectedHistories };
    entry.segments.set(segment, selected);
  }
  return selected;
}

/** Each account's history by id (the MRR ordering of account lists). */
export async function historiesById(ctx: Context): Promise<Map<string, AccountHistory>> {
  const entry = await allAccounts(ctx);
  if (entry.byId === undefined) {
    const byId = new Map<string, AccountHistory>();
    const { rows, histories } = entry.all;
    for (let index = 0; index < rows.length; index++) {
      byId.set((rows[index] as PortfolioAccountRow).id, histories[index] as AccountHistory);
    }
    entry.byId = byId;
  }
  return entry.byId;
}

/**
 * Survey score counts per bucket, buckets being [bounds[i], bounds[i + 1]). One statement:
 * width_bucket maps each response's time onto the bounds.
 */
export function surveyCountsByBucket(
  ctx: Context,
  segment: string | null,
  bounds: Date[],
): Promise<SurveyScoreCounts[]> {
  return ctx.facts.memo(
    `portfolio-survey|${segment}|${bounds.map((b) => b.getTime()).join(",")}`,
    async () => {
      const epochs = bounds.map((bound) => bound.getTime() / 1000);
      type Row = { bucket: number; kind: SurveyKind; score: number; count: number };
      // Every response has its account (a non-null foreign key), so without a segment or a scope
      // to check on the account the join selects the same rows and only costs: about a third of
      // the statement's time over 1,000,000 responses.
      const rows =
        segment === null && ctx.scope === null
          ? await ctx.prisma.$queryRaw<Row[]>`
      SELECT width_bucket(date_part('epoch', r."createdAt"), ${epochs}::float8[]) AS bucket,
             r.kind::text AS kind, r.score, count(*)::int AS count
      FROM "SurveyResponse" r
      WHERE r."workspaceId" = ${ctx.workspaceId}::uuid
        AND r."createdAt" >= ${bounds[0]} AND r."createdAt" < ${bounds.at(-1)}
      GROUP BY 1, 2, 3`
          : await ctx.prisma.$queryRaw<Row[]>`
      SELECT width_bucket(date_part('epoch', r."createdAt"), ${epochs}::float8[]) AS bucket,
             r.kind::text AS kind, r.score, count(*)::int AS count
      FROM "SurveyResponse" r JOIN "Account" a ON a.id = r."accountId"
      WHERE r."workspaceId" = ${ctx.workspaceId}::uuid
        AND r."createdAt" >= ${bounds[0]} AND r."createdAt" < ${bounds.at(-1)}
        AND (${segment}::text IS NULL OR a.segment = ${segment}::text)${scopePrismaSql(ctx.scope)}
      GROUP BY 1, 2, 3`;
      const buckets: SurveyScoreCounts[] = bounds.slice(1).map(() => ({ NPS: [], CSAT: [], CES: [] }));
      for (const row of rows) {
        const counts: ScoreCount[] | undefined = buckets[row.bucket - 1]?.[row.kind];
        counts?.push({ score: row.score, count: row.count });
      }
      return buckets;
    },
  );
}

/**
 * Every contract's end and outcome (renewal rate picks those ending in each period), counted per
 * (end, outcome) in SQL: contracts end on far fewer instants than there are contracts (15,799
 * groups for 194,535 contracts in the 10x bench data). Read as one JSON document: mapping
 * ~20,000 rows through the Prisma client cost more than the query.
 */
export function contractOutcomes(ctx: Context, segment: string | null): Promise<CountedRenewalContract[]> {
  return ctx.facts.memo(`portfolio-contracts|${segment}`, async () => {
    const [result] = await ctx.prisma.$queryRaw<{ contracts: string }[]>`
      SELECT coalesce(json_agg(json_build_array(round(date_part('epoch', g."endsAt") * 1000)::int8, g."renewalOutcome"::text, g.count)), '[]'::json)::text AS contracts
      FROM (SELECT c."endsAt", c."renewalOutcome", count(*)::int AS count
            FROM "Contract" c JOIN "Account" a ON a.id = c."accountId"
            WHERE c."workspaceId" = ${ctx.workspaceId}::uuid AND (${segment}::text IS NULL OR a.segment = ${segment}::text)${scopePrismaSql(ctx.scope)}
            GROUP BY 1, 2) g`;
    const contracts = JSON.parse(result?.contracts ?? "[]") as [number, RenewalOutcome, number][];
    return contracts.map(([endsAt, renewalOutcome, count]) => ({
      endsAt: new Date(endsAt),
      renewalOutcome,
      count,
    }));
  });
}

/**
 * Keys of the milestones each account achieved before `now` (one JSON document, as above), for
 * the accounts that signed up at or after `since`: onboarding looks at a period's sign-ups only,
 * so older accounts' achievements (most of them, in an old workspace) are not read.
 */
export function achievedMilestoneKeys(ctx: Context, since: Date): Promise<Map<string, string[]>> {
  return ctx.facts.memo(`portfolio-achievements|${since.getTime()}`, async () => {
    const [result] = await ctx.prisma.$queryRaw<{ keys: string }[]>`
      SELECT coalesce(json_object_agg(id, keys), '{}'::json)::text AS keys FROM (
        SELECT ma."accountId" AS id, json_agg(m.key) AS keys
        FROM "MilestoneAchievement" ma JOIN "Milestone" m ON m.id = ma."milestoneId"
          JOIN "Account" a ON a.id = ma."accountId"
        WHERE ma."workspaceId" = ${ctx.workspaceId}::uuid AND ma."achievedAt" < ${ctx.now}::timestamp
          AND a."signedUpAt" >= ${since}::timestamp
        GROUP BY ma."accountId") achieved`;
    return new Map(Object.entries(JSON.parse(result?.keys ?? "{}") as Record<string, string[]>));
  });
}

/**
 * Band of each account's latest daily snapshot (the same read as the at-risk filter's); null when
 * that snapshot had too little data for a score.
 */
export async function latestBands(
  ctx: Context,
): Promise<{ get(accountId: string): HealthBand | null | undefined }> {
  // A view of the shared snapshots, not a copy: a copy was a second map of every account per request.
  const snapshots = await latestSnapshots(ctx, ctx.now);
  return { get: (accountId) => snapshots.get(accountId)?.band };
}
