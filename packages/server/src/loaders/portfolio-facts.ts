// Workspace-wide reads behind portfolio metrics and their trend series: each is one statement,
// however many accounts or buckets, and is shared by every field of the request (memoized).
import { type AccountHistory, accountHistory, type CountedRenewalContract } from "@pulse/schema/metrics";
import type { HealthBand } from "@pulse/schema/prisma";
import type { Context } from "../context.ts";
import type { SurveyScoreCounts } from "../data/surveys.ts";
import type { PortfolioAccountRow } from "./portfolio.ts";
import {
  milestoneKeysAchieved,
  segmentContractOutcomes,
  segmentSurveyCounts,
  workspaceSnapshots,
} from "./workspace-reads.ts";

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
  /** Values of pure functions of the rows (see fromSegmentAccounts), by key. */
  values: Map<string, unknown>;
}

/** Values kept per array of rows (periods, segments and instants asked of one revision). */
const MAX_VALUES_PER_ROWS = 256;
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
    entry = { all: { rows, histories: rows.map(historyOf) }, segments: new Map(), values: new Map() };
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

/**
 * `compute` over the segment's accounts, kept as long as the rows (between requests while the
 * facts revision is unchanged, like the histories): for the portfolio formulas that read nothing
 * but the rows, so a dashboard asking the same period again does not re-run them over every
 * account. Exact: `compute` must be a pure function of the accounts and of what `key` names (the
 * period, the instant, the settings it reads), and nobody mutates what it returns. A scoped
 * request's rows are its own array, so its values are its own.
 */
export async function fromSegmentAccounts<Value>(
  ctx: Context,
  segment: string | null,
  key: string,
  compute: (accounts: SegmentAccounts) => Value,
): Promise<Value> {
  const entry = await allAccounts(ctx);
  const fullKey = `${segment}|${key}`;
  if (entry.values.has(fullKey)) return entry.values.get(fullKey) as Value;
  const value = compute(await segmentAccounts(ctx, segment));
  entry.values.set(fullKey, value);
  if (entry.values.size > MAX_VALUES_PER_ROWS) {
    const oldest = entry.values.keys().next().value;
    if (oldest !== undefined) entry.values.delete(oldest);
  }
  return value;
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

/** Survey score counts per bucket of the segment's accounts in the viewer's scope (see data/surveys.ts). */
export function surveyCountsByBucket(
  ctx: Context,
  segment: string | null,
  bounds: Date[],
): Promise<SurveyScoreCounts[]> {
  return segmentSurveyCounts(ctx, segment, bounds);
}

/** Every contract's end and outcome of the segment's accounts in the viewer's scope, counted (see data/contracts.ts). */
export function contractOutcomes(ctx: Context, segment: string | null): Promise<CountedRenewalContract[]> {
  return segmentContractOutcomes(ctx, segment);
}

/** Keys of the milestones each account that signed up at or after `since` achieved before `now` (see data/milestones.ts). */
export function achievedMilestoneKeys(ctx: Context, since: Date): Promise<Map<string, string[]>> {
  return milestoneKeysAchieved(ctx, since, ctx.now);
}

/**
 * Band of the latest daily snapshot of each of the segment's accounts (by position, as `rows`),
 * undefined without a snapshot and null when that snapshot had too little data for a score (the
 * same read as the at-risk filter's). Kept with the rows for the snapshots it was looked up in
 * (the same objects between requests while neither changed), so the health distribution of
 * 100,000 accounts is not 100,000 map lookups per request.
 */
export async function latestBandsOfSegment(
  ctx: Context,
  segment: string | null,
): Promise<readonly (HealthBand | null | undefined)[]> {
  const [snapshots, byMap] = await Promise.all([
    workspaceSnapshots(ctx, ctx.now),
    fromSegmentAccounts(
      ctx,
      segment,
      "latest-bands",
      () => new WeakMap<object, (HealthBand | null | undefined)[]>(),
    ),
  ]);
  let bands = byMap.get(snapshots);
  if (bands === undefined) {
    bands = (await segmentAccounts(ctx, segment)).rows.map((row) => snapshots.get(row.id)?.band);
    byMap.set(snapshots, bands);
  }
  return bands;
}
