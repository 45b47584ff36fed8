// Filtering and ordering accounts by derived metrics (health, MRR, renewal, NPS, risk) over the
// whole workspace, so that pages are cut from one global order and cursors stay stable. Keys
// come from the same pure formulas as the account fields, over workspace-wide grouped reads
// (a fixed number of statements); health and band come from the latest daily snapshot.
import {
  HEALTH_TREND_DAYS,
  healthTrend,
  isAccountAtRisk,
  isHistoryActiveAt,
  MILLISECONDS_PER_DAY,
  NPS_DETRACTOR_MAX,
  npsFromScoreCounts,
  RISK_DETRACTOR_WINDOW_DAYS,
  timelineMrrNumberAt,
  trailingDays,
} from "@pulse/schema/metrics";
import type { HealthBand, Prisma } from "@pulse/schema/prisma";
import type { Context } from "../context.ts";
import { historiesById } from "./portfolio-facts.ts";
import { withAccountScope } from "./viewer-scope.ts";

export type AccountOrderField = "NAME" | "SIGNED_UP_AT" | "HEALTH" | "MRR" | "RENEWAL_DATE" | "NPS";
export type OrderDirection = "ASC" | "DESC";

export interface AccountFilter {
  segment?: string[] | null;
  plan?: string[] | null;
  csmOwner?: string[] | null;
  lifecycleStage?: string[] | null;
  band?: HealthBand[] | null;
  atRisk?: boolean | null;
  renewalWithinDays?: number | null;
  search?: string | null;
}

/** A sort key: numbers and strings compare naturally; null sorts last in either direction. */
type SortKey = string | number | null;

export interface Candidate {
  id: string;
  name: string;
  signedUpAt: Date;
}

/** Days of NPS behind the NPS ordering, as for the account's default `nps` field. */
const NPS_ORDER_DAYS = 90;

export function accountBaseWhere(
  ctx: Context,
  filter: AccountFilter | null | undefined,
): Prisma.AccountWhereInput {
  const where: Prisma.AccountWhereInput = { workspaceId: ctx.workspaceId };
  if (filter?.segment?.length) where.segment = { in: filter.segment };
  if (filter?.plan?.length) where.plan = { in: filter.plan };
  if (filter?.csmOwner?.length) where.csmOwner = { in: filter.csmOwner };
  if (filter?.lifecycleStage?.length) where.lifecycleStage = { in: filter.lifecycleStage as never };
  const search = filter?.search?.trim();
  if (search) {
    // LIKE wildcards in the text are literal characters to the user, not patterns.
    const literal = search.replace(/[\\%_]/g, "\\$&");
    where.OR = [
      { name: { contains: literal, mode: "insensitive" } },
      { externalId: { contains: literal, mode: "insensitive" } },
    ];
  }
  return withAccountScope(where, ctx.scope);
}

export function needsDerivedIndex(
  filter: AccountFilter | null | undefined,
  order: AccountOrderField,
): boolean {
  return (
    order !== "NAME" ||
    (filter?.band?.length ?? 0) > 0 ||
    filter?.atRisk != null ||
    filter?.renewalWithinDays != null
  );
}

type Band = HealthBand;

/** A latest snapshot: score and band are null when the account had too little data that day. */
export interface LatestSnapshot {
  score: number | null;
  band: Band | null;
  day: Date;
}

/**
 * Latest snapshot per account (score, band, day) of the whole workspace, once per request and
 * instant (the portfolio's health distribution reads it too). One JSON document: cheaper to
 * parse than 10,000 rows mapped by the Prisma client.
 */
export function latestSnapshots(ctx: Context, at: Date): Promise<Map<string, LatestSnapshot>> {
  return ctx.facts.memo(`latest-snapshots|${at.getTime()}`, async () => {
    const [result] = await ctx.prisma.$queryRaw<{ snapshots: string }[]>`
      SELECT coalesce(json_agg(json_build_array(s."accountId", s.score::text, s.band::text, round(date_part('epoch', s.day::timestamp) * 1000)::int8)), '[]'::json)::text AS snapshots
      FROM "Account" a
      JOIN LATERAL (
        -- One lookup in ("accountId", day) per account: the cost grows with the accounts, not with
        -- the days of history (DISTINCT ON over the workspace's snapshots read all of them).
        SELECT a.id AS "accountId", score, band, day FROM "HealthSnapshot" h
        WHERE h."accountId" = a.id AND h.day <= ${at}::timestamp
        ORDER BY h.day DESC LIMIT 1
      ) s ON true
      WHERE a."workspaceId" = ${ctx.workspaceId}::uuid`;
    const rows = JSON.parse(result?.snapshots ?? "[]") as [string, string | null, Band | null, number][];
    return new Map(
      rows.map(([accountId, score, band, day]) => [
        accountId,
        { score: score === null ? null : Number(score), band, day: new Date(day) },
      ]),
    );
  });
}

/**
 * Each account's next undecided contract (ending at or after now): the only one the renewal
 * order, the renewal filter and the risk rule look at (an account's earliest pending renewal
 * decides whether any falls within the risk window).
 */
async function pendingRenewals(ctx: Context) {
  const [result] = await ctx.prisma.$queryRaw<{ renewals: string }[]>`
    SELECT coalesce(json_agg(json_build_array(c."accountId", round(date_part('epoch', c."endsAt") * 1000)::int8)), '[]'::json)::text AS renewals
    FROM (SELECT DISTINCT ON ("accountId") "accountId", "endsAt"
          FROM "Contract" WHERE "workspaceId" = ${ctx.workspaceId}::uuid AND "renewalOutcome" = 'PENDING' AND "endsAt" >= ${ctx.now}::timestamp
          ORDER BY "accountId", "endsAt") c`;
  const rows = JSON.parse(result?.renewals ?? "[]") as [string, number][];
  return new Map(
    rows.map(([accountId, endsAt]) => [
      accountId,
      [{ endsAt: new Date(endsAt), renewalOutcome: "PENDING" as const }],
    ]),
  );
}

/**
 * The NPS detractors of the trailing risk window, as the account's own `risk` field reads them
 * (only detractors can make an account at risk). One JSON document: mapping ~5,000 rows per
 * 10,000 accounts through the Prisma client cost more than the query.
 */
async function recentDetractors(
  ctx: Context,
): Promise<{ accountId: string; score: number; createdAt: Date }[]> {
  const window = trailingDays(ctx.now, RISK_DETRACTOR_WINDOW_DAYS);
  const [result] = await ctx.prisma.$queryRaw<{ responses: string }[]>`
    SELECT coalesce(json_agg(json_build_array("accountId", score, round(date_part('epoch', "createdAt") * 1000)::int8)), '[]'::json)::text AS responses
    FROM "SurveyResponse"
    WHERE "workspaceId" = ${ctx.workspaceId}::uuid AND kind = 'NPS' AND score <= ${NPS_DETRACTOR_MAX}
      AND "createdAt" >= ${window.from}::timestamp AND "createdAt" < ${window.to}::timestamp`;
  const rows = JSON.parse(result?.responses ?? "[]") as [string, number, number][];
  return rows.map(([accountId, score, createdAt]) => ({ accountId, score, createdAt: new Date(createdAt) }));
}

/**
 * The ids of the matching accounts in their global order, with each one's sort key (for the
 * cursor). Only what the filter and order need is read.
 */
export function orderedAccountIds(
  ctx: Context,
  filter: AccountFilter | null | undefined,
  order: AccountOrderField,
  direction: OrderDirection,
  /**
   * The accounts the filter's columns select, when the caller has them already (the portfolio:
   * its cached rows of the segment, within the viewer scope); read with the filter otherwise.
   */
  candidates?: () => Promise<readonly Candidate[]>,
): Promise<{ id: string; key: SortKey }[]> {
  // Several fields of one request may ask for the same list (portfolio's at-risk count and page).
  return ctx.facts.memo(`ordered|${JSON.stringify(filter ?? null)}|${order}|${direction}`, () =>
    computeOrderedAccountIds(ctx, filter, order, direction, candidates),
  );
}

async function computeOrderedAccountIds(
  ctx: Context,
  filter: AccountFilter | null | undefined,
  order: AccountOrderField,
  direction: OrderDirection,
  given: (() => Promise<readonly Candidate[]>) | undefined,
): Promise<{ id: string; key: SortKey }[]> {
  const needsSnapshots = order === "HEALTH" || (filter?.band?.length ?? 0) > 0 || filter?.atRisk != null;
  const needsRenewals =
    order === "RENEWAL_DATE" || filter?.renewalWithinDays != null || filter?.atRisk != null;
  // The reads do not depend on each other: sent together, they wait for the slowest only.
  const [accounts, snapshots, renewals, riskInputs, mrrHistories] = await Promise.all([
    given
      ? given()
      : ctx.prisma.account.findMany({
          where: accountBaseWhere(ctx, filter),
          select: { id: true, name: true, signedUpAt: true },
        }),
    needsSnapshots ? latestSnapshots(ctx, ctx.now) : new Map<string, LatestSnapshot>(),
    needsRenewals ? pendingRenewals(ctx) : new Map<string, { endsAt: Date; renewalOutcome: "PENDING" }[]>(),
    filter?.atRisk != null
      ? Promise.all([
          latestSnapshots(ctx, new Date(ctx.now.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY)),
          recentDetractors(ctx),
        ])
      : null,
    order === "MRR" || filter?.atRisk != null ? historiesById(ctx) : null,
  ]);
  let candidates: readonly Candidate[] = accounts;

  if (filter?.band?.length) {
    // An account with too little data for a score has no band, so no band filter matches it.
    const bands = new Set<Band>(filter.band);
    candidates = candidates.filter((account) => {
      const band = snapshots.get(account.id)?.band;
      return band != null && bands.has(band);
    });
  }
  if (filter?.renewalWithinDays != null) {
    const until = ctx.now.getTime() + filter.renewalWithinDays * MILLISECONDS_PER_DAY;
    candidates = candidates.filter(
      (account) => (renewals.get(account.id)?.[0]?.endsAt.getTime() ?? Number.POSITIVE_INFINITY) < until,
    );
  }
  if (filter?.atRisk != null && riskInputs !== null) {
    const [earlier, recentNps] = riskInputs;
    const npsByAccount = new Map<string, { score: number; respondedAt: Date }[]>();
    for (const response of recentNps) {
      const list = npsByAccount.get(response.accountId) ?? [];
      list.push({ score: response.score, respondedAt: response.createdAt });
      npsByAccount.set(response.accountId, list);
    }
    candidates = candidates.filter((account) => {
      const snapshot = snapshots.get(account.id);
      const reference = earlier.get(account.id);
      const health = { score: snapshot?.score ?? null, band: snapshot?.band ?? null };
      const trend = healthTrend({
        score: health.score,
        snapshots: reference ? [{ takenAt: reference.day, score: reference.score }] : [],
        now: ctx.now,
      });
      const history = mrrHistories?.get(account.id);
      const atRisk = isAccountAtRisk({
        now: ctx.now,
        // Risk covers the accounts active now, like the health distribution: a churned account
        // is not at risk (so it is in `atRisk: false`, as its own `risk` field says).
        active: history !== undefined && isHistoryActiveAt(history, ctx.now),
        health,
        trend,
        npsResponses: npsByAccount.get(account.id) ?? [],
        contracts: renewals.get(account.id) ?? [],
      });
      return atRisk === filter.atRisk;
    });
  }

  let keyOf: (account: Candidate) => SortKey;
  switch (order) {
    case "NAME":
      keyOf = (account) => account.name;
      break;
    case "SIGNED_UP_AT":
      keyOf = (account) => account.signedUpAt.getTime();
      break;
    case "HEALTH":
      keyOf = (account) => snapshots.get(account.id)?.score ?? null;
      break;
    case "RENEWAL_DATE":
      keyOf = (account) => renewals.get(account.id)?.[0]?.endsAt.getTime() ?? null;
      break;
    case "MRR": {
      // The request's shared histories: MRR at now is one lookup in each account's running sum.
      keyOf = (account) => {
        const history = mrrHistories?.get(account.id);
        return history ? timelineMrrNumberAt(history.revenue(), ctx.now) : null;
      };
      break;
    }
    case "NPS": {
      const counts = await ctx.prisma.surveyResponse.groupBy({
        by: ["accountId", "score"],
        where: {
          workspaceId: ctx.workspaceId,
          kind: "NPS",
          createdAt: { gte: trailingDays(ctx.now, NPS_ORDER_DAYS).from, lt: ctx.now },
        },
        _count: { _all: true },
      });
      const byAccount = new Map<string, { score: number; count: number }[]>();
      for (const row of counts) {
        const list = byAccount.get(row.accountId) ?? [];
        list.push({ score: row.score, count: row._count._all });
        byAccount.set(row.accountId, list);
      }
      keyOf = (account) => npsFromScoreCounts(byAccount.get(account.id) ?? [])?.score ?? null;
      break;
    }
  }
  const keyed = candidates.map((account) => ({ id: account.id, key: keyOf(account) }));
  keyed.sort((a, b) => compareKeys(a, b, direction));
  return keyed;
}

/** Global order: by key (nulls last), then by id, so equal keys still have one fixed order. */
export function compareKeys(
  a: { id: string; key: SortKey },
  b: { id: string; key: SortKey },
  direction: OrderDirection,
): number {
  if (a.key === null || b.key === null) {
    if (a.key === b.key) return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return a.key === null ? 1 : -1;
  }
  let comparison = 0;
  if (typeof a.key === "string" && typeof b.key === "string")
    comparison = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  else comparison = Number(a.key) - Number(b.key);
  if (direction === "DESC") comparison = -comparison;
  if (comparison !== 0) return comparison;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function encodeAccountCursor(entry: { id: string; key: SortKey }): string {
  return Buffer.from(JSON.stringify([entry.key, entry.id])).toString("base64url");
}

export function decodeAccountCursor(cursor: string): { id: string; key: SortKey } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[1] === "string" &&
      (value[0] === null || typeof value[0] === "string" || typeof value[0] === "number")
    ) {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through: not one of our cursors
  }
  return null;
}
