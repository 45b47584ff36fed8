// Workspace-wide reads at an instant that a server keeps between requests (ctx.instantRead, see
// workspace-read-cache.ts), each with the revisions of what it reads and how long its answer holds.

import type { SqlReader } from "@pulse/schema/database";
import { type CountedRenewalContract, MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { Context, RevisionName } from "../context.ts";
import { contractOutcomes, nextPendingRenewals, type PendingRenewal } from "../data/contracts.ts";
import { achievedMilestoneKeys } from "../data/milestones.ts";
import { latestWorkspaceSnapshots, type SnapshotFact } from "../data/snapshots.ts";
import {
  type NpsResponseFact,
  type SurveyScoreCounts,
  surveyCountsByBucket,
  workspaceNpsDetractors,
} from "../data/surveys.ts";
import { scopeSql } from "../data/viewer-scope.ts";
import { riskWindows } from "../health/risk.ts";

/**
 * Each account's latest daily snapshot at or before `at`, of the whole workspace (the at-risk
 * filter, the health order, the health distribution). Holds until the next snapshot day after
 * `at` (none: until the snapshots change).
 */
export function workspaceSnapshots(ctx: Context, at: Date): Promise<Map<string, SnapshotFact>> {
  return ctx.instantRead("latest-snapshots", ["facts", "snapshots"], at, async (reader) => {
    const { snapshots, nextDay } = await latestWorkspaceSnapshots(reader, ctx.workspaceId, at);
    return { value: snapshots, validUntil: nextDay, rows: snapshots.size };
  });
}

/**
 * Each account's next pending renewal, ending at or after `at`. Holds while `at` is at or before
 * the earliest of those ends: each account's earliest pending contract ending at or after the
 * instant read is then still its earliest ending at or after `at`.
 */
export function pendingRenewals(ctx: Context, at: Date): Promise<Map<string, PendingRenewal[]>> {
  return ctx.instantRead("pending-renewals", ["contracts"], at, async (reader) => {
    const renewals = await nextPendingRenewals(reader, ctx.workspaceId, at);
    let earliest = Number.POSITIVE_INFINITY;
    for (const [renewal] of renewals.values()) {
      if (renewal && renewal.endsAt.getTime() < earliest) earliest = renewal.endsAt.getTime();
    }
    return {
      value: renewals,
      validUntil: Number.isFinite(earliest) ? new Date(earliest + 1) : null,
      rows: renewals.size,
    };
  });
}

/**
 * Every contract's end and outcome of the segment's accounts in the viewer's scope, counted: the
 * same at every instant, kept while the contracts and accounts are unchanged (a scoped request
 * reads its own).
 */
export function segmentContractOutcomes(
  ctx: Context,
  segment: string | null,
): Promise<CountedRenewalContract[]> {
  const read = (reader: SqlReader) =>
    contractOutcomes(reader, ctx.workspaceId, {
      segment,
      accountScope: ctx.scope === null ? null : scopeSql(ctx.scope, "a"),
    });
  return unscopedCached(ctx, `contract-outcomes|${segment}`, ["facts", "contracts"], read);
}

/**
 * Keys of the milestones each account that signed up at or after `since` achieved before `at`.
 * Holds until the workspace's next achievement at or after `at`.
 */
export function milestoneKeysAchieved(ctx: Context, since: Date, at: Date): Promise<Map<string, string[]>> {
  return ctx.instantRead(`achievements|${since.getTime()}`, ["facts", "milestones"], at, async (reader) => {
    const { keys, nextAchievedAt } = await achievedMilestoneKeys(reader, ctx.workspaceId, at, since);
    // `achievedAt < at`: an achievement at the next instant itself is counted only after it.
    const validUntil = nextAchievedAt === null ? null : new Date(nextAchievedAt.getTime() + 1);
    return { value: keys, validUntil, rows: keys.size };
  });
}

/**
 * Survey score counts per bucket of the segment's accounts in the viewer's scope: the same at every
 * instant (the bounds are given), kept while the responses (and, for a segment, the accounts) are
 * unchanged; a scoped request reads its own.
 */
export function segmentSurveyCounts(
  ctx: Context,
  segment: string | null,
  bounds: Date[],
): Promise<SurveyScoreCounts[]> {
  const read = (reader: SqlReader) =>
    surveyCountsByBucket(reader, ctx.workspaceId, {
      segment,
      bounds,
      accountScope: ctx.scope === null ? null : scopeSql(ctx.scope, "a"),
    });
  const key = `survey-counts|${segment}|${bounds.map((bound) => bound.getTime()).join(",")}`;
  return unscopedCached(ctx, key, segment === null ? ["surveys"] : ["facts", "surveys"], read);
}

/**
 * The NPS detractors of every account from the detractor window's start at `at` on, without an
 * end: a superset of the window of every later instant, which the risk rule narrows to its own
 * window (riskFindings skips responses outside it), so the answer holds while the responses are
 * unchanged. Read again after a day, so it does not grow with what has left the window.
 */
export function recentNpsDetractors(ctx: Context, at: Date): Promise<Map<string, NpsResponseFact[]>> {
  return ctx.instantRead("nps-detractors", ["surveys"], at, async (reader) => {
    const detractors = await workspaceNpsDetractors(reader, ctx.workspaceId, {
      from: riskWindows(at).detractors.from,
      to: null,
    });
    return {
      value: detractors,
      validUntil: new Date(at.getTime() + MILLISECONDS_PER_DAY),
      rows: detractors.size,
    };
  });
}

/**
 * A list read that does not depend on the instant: kept between requests while `revisions` are
 * unchanged, except for a viewer scope's, which is its own (read once per request).
 */
function unscopedCached<Item>(
  ctx: Context,
  key: string,
  revisions: readonly RevisionName[],
  read: (reader: SqlReader) => Promise<Item[]>,
): Promise<Item[]> {
  if (ctx.scope !== null) return ctx.facts.memo(`scoped|${key}`, () => read(ctx.reader));
  return ctx.instantRead(key, revisions, ctx.now, async (reader) => {
    const items = await read(reader);
    return { value: items, validUntil: null, rows: items.length };
  });
}
