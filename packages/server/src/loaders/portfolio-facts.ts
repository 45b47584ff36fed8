// Workspace-wide reads behind portfolio metrics and their trend series: each is one statement,
// however many accounts or buckets, and is shared by every field of the request (memoized).
import {
  type AccountHistory,
  accountHistory,
  type RenewalContract,
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
  rows: PortfolioAccountRow[];
  histories: AccountHistory[];
}

/**
 * Every account checked once per request (`accountHistory`): each formula, period and the MRR
 * ordering then read the same histories instead of re-checking and re-summing every event.
 */
function allAccounts(ctx: Context): Promise<SegmentAccounts> {
  return ctx.facts.memo("portfolio-histories|", async () => {
    const rows = await ctx.portfolioAccounts();
    return { rows, histories: rows.map(accountHistory) };
  });
}

export function segmentAccounts(ctx: Context, segment: string | null): Promise<SegmentAccounts> {
  if (segment === null) return allAccounts(ctx);
  return ctx.facts.memo(`portfolio-histories|${segment}`, async () => {
    const all = await allAccounts(ctx);
    const selected: SegmentAccounts = { rows: [], histories: [] };
    all.rows.forEach((row, index) => {
      const history = all.histories[index];
      if (row.segment !== segment || history === undefined) return;
      selected.rows.push(row);
      selected.histories.push(history);
    });
    return selected;
  });
}

/** Each account's history by id (the MRR ordering of account lists). */
export function historiesById(ctx: Context): Promise<Map<string, AccountHistory>> {
  return ctx.facts.memo("portfolio-histories-by-id", async () => {
    const { rows, histories } = await allAccounts(ctx);
    const byId = new Map<string, AccountHistory>();
    rows.forEach((row, index) => {
      const history = histories[index];
      if (history !== undefined) byId.set(row.id, history);
    });
    return byId;
  });
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
      const rows = await ctx.prisma.$queryRaw<
        { bucket: number; kind: SurveyKind; score: number; count: number }[]
      >`
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
 * Every contract's end and outcome (renewal rate picks those ending in each period). Read as one
 * JSON document: mapping ~20,000 rows through the Prisma client cost more than the query.
 */
export function contractOutcomes(ctx: Context, segment: string | null): Promise<RenewalContract[]> {
  return ctx.facts.memo(`portfolio-contracts|${segment}`, async () => {
    const [result] = await ctx.prisma.$queryRaw<{ contracts: string }[]>`
      SELECT coalesce(json_agg(json_build_array(round(date_part('epoch', c."endsAt") * 1000)::int8, c."renewalOutcome"::text)), '[]'::json)::text AS contracts
      FROM "Contract" c JOIN "Account" a ON a.id = c."accountId"
      WHERE c."workspaceId" = ${ctx.workspaceId}::uuid AND (${segment}::text IS NULL OR a.segment = ${segment}::text)${scopePrismaSql(ctx.scope)}`;
    const contracts = JSON.parse(result?.contracts ?? "[]") as [number, RenewalOutcome][];
    return contracts.map(([endsAt, renewalOutcome]) => ({ endsAt: new Date(endsAt), renewalOutcome }));
  });
}

/** Keys of the milestones each account achieved before `now` (one JSON document, as above). */
export function achievedMilestoneKeys(ctx: Context): Promise<Map<string, string[]>> {
  return ctx.facts.memo("portfolio-achievements", async () => {
    const [result] = await ctx.prisma.$queryRaw<{ keys: string }[]>`
      SELECT coalesce(json_object_agg(id, keys), '{}'::json)::text AS keys FROM (
        SELECT ma."accountId" AS id, json_agg(m.key) AS keys
        FROM "MilestoneAchievement" ma JOIN "Milestone" m ON m.id = ma."milestoneId"
        WHERE ma."workspaceId" = ${ctx.workspaceId}::uuid AND ma."achievedAt" < ${ctx.now}::timestamp
        GROUP BY ma."accountId") achieved`;
    return new Map(Object.entries(JSON.parse(result?.keys ?? "{}") as Record<string, string[]>));
  });
}

/**
 * Band of each account's latest daily snapshot (the same read as the at-risk filter's); null when
 * that snapshot had too little data for a score.
 */
export async function latestBands(ctx: Context): Promise<Map<string, HealthBand | null>> {
  const snapshots = await latestSnapshots(ctx, ctx.now);
  return new Map([...snapshots].map(([accountId, snapshot]) => [accountId, snapshot.band]));
}
