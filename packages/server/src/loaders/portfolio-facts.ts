// Workspace-wide reads behind portfolio metrics and their trend series: each is one statement,
// however many accounts or buckets, and is shared by every field of the request (memoized).
import { type AccountHistory, accountHistory, type RenewalContract } from "@pulse/schema/metrics";
import type { Context } from "../context.ts";
import { contractOutcomes as readContractOutcomes } from "../data/contracts.ts";
import { achievedMilestoneKeys as readAchievedMilestoneKeys } from "../data/milestones.ts";
import { memoizedWorkspaceSnapshots } from "../data/snapshots.ts";
import { surveyCountsByBucket as readSurveyCountsByBucket, type SurveyScoreCounts } from "../data/surveys.ts";
import type { PortfolioAccountRow } from "./portfolio.ts";
import { scopeSql } from "./viewer-scope.ts";

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

/** Survey score counts per bucket of the segment's accounts in the viewer's scope (see data/surveys.ts). */
export function surveyCountsByBucket(
  ctx: Context,
  segment: string | null,
  bounds: Date[],
): Promise<SurveyScoreCounts[]> {
  return ctx.facts.memo(`portfolio-survey|${segment}|${bounds.map((b) => b.getTime()).join(",")}`, () =>
    readSurveyCountsByBucket(ctx.reader, ctx.workspaceId, {
      segment,
      bounds,
      accountScope: scopeSql(ctx.scope, "a"),
    }),
  );
}

/** Every contract's end and outcome of the segment's accounts in the viewer's scope (see data/contracts.ts). */
export function contractOutcomes(ctx: Context, segment: string | null): Promise<RenewalContract[]> {
  return ctx.facts.memo(`portfolio-contracts|${segment}`, () =>
    readContractOutcomes(ctx.reader, ctx.workspaceId, { segment, accountScope: scopeSql(ctx.scope, "a") }),
  );
}

/** Keys of the milestones each account achieved before `now` (see data/milestones.ts). */
export function achievedMilestoneKeys(ctx: Context): Promise<Map<string, string[]>> {
  return ctx.facts.memo("portfolio-achievements", () =>
    readAchievedMilestoneKeys(ctx.reader, ctx.workspaceId, ctx.now),
  );
}

/**
 * Band of each account's latest daily snapshot (the same read as the at-risk filter's); null when
 * that snapshot had too little data for a score.
 */
export async function latestBands(ctx: Context): Promise<Map<string, "GREEN" | "YELLOW" | "RED" | null>> {
  const snapshots = await memoizedWorkspaceSnapshots(ctx.facts, ctx.reader, ctx.workspaceId, ctx.now);
  return new Map([...snapshots].map(([accountId, snapshot]) => [accountId, snapshot.band]));
}
