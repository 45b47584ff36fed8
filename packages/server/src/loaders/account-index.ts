// Filtering and ordering accounts by derived metrics (health, MRR, renewal, NPS, risk) over the
// whole workspace, so that pages are cut from one global order and cursors stay stable. Keys
// come from the same pure formulas as the account fields, over workspace-wide grouped reads
// (a fixed number of statements); health and band come from the latest daily snapshot.
import {
  type AccountHistory,
  isHistoryActiveAt,
  MILLISECONDS_PER_DAY,
  npsFromScoreCounts,
  timelineMrrNumberAt,
  trailingDays,
} from "@pulse/schema/metrics";
import type { HealthBand as Band } from "@pulse/schema/prisma";
import type { Context } from "../context.ts";
import {
  type AccountCandidate,
  type AccountFilter,
  accountCandidates,
  accountWhere,
} from "../data/accounts.ts";
import type { PendingRenewal } from "../data/contracts.ts";
import type { SnapshotFact } from "../data/snapshots.ts";
import { type NpsResponseFact, workspaceNpsScoreCounts } from "../data/surveys.ts";
import { isAtRiskFromInputs, riskWindows } from "../health/risk.ts";
import { historiesById } from "./portfolio-facts.ts";
import { pendingRenewals, recentNpsDetractors, workspaceSnapshots } from "./workspace-reads.ts";

export type AccountOrderField = "NAME" | "SIGNED_UP_AT" | "HEALTH" | "MRR" | "RENEWAL_DATE" | "NPS";
export type OrderDirection = "ASC" | "DESC";

/** A sort key: numbers and strings compare naturally; null sorts last in either direction. */
type SortKey = string | number | null;

/** Days of NPS behind the NPS ordering, as for the account's default `nps` field. */
const NPS_ORDER_DAYS = 90;

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

/** The latest snapshot of every account of the workspace at `at`, once per request and instant. */
function latestSnapshots(ctx: Context, at: Date): Promise<Map<string, SnapshotFact>> {
  return workspaceSnapshots(ctx, at);
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
  candidates?: () => Promise<readonly AccountCandidate[]>,
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
  given: (() => Promise<readonly AccountCandidate[]>) | undefined,
): Promise<{ id: string; key: SortKey }[]> {
  const needsSnapshots = order === "HEALTH" || (filter?.band?.length ?? 0) > 0 || filter?.atRisk != null;
  const needsRenewals =
    order === "RENEWAL_DATE" || filter?.renewalWithinDays != null || filter?.atRisk != null;
  const windows = riskWindows(ctx.now);
  // The reads do not depend on each other: sent together, they wait for the slowest only.
  const [accounts, snapshots, renewals, riskInputs, mrrHistories] = await Promise.all([
    given ? given() : accountCandidates(ctx.prisma, accountWhere(ctx.workspaceId, filter, ctx.scope)),
    needsSnapshots ? latestSnapshots(ctx, ctx.now) : new Map<string, SnapshotFact>(),
    needsRenewals ? pendingRenewals(ctx, ctx.now) : new Map<string, PendingRenewal[]>(),
    filter?.atRisk != null
      ? Promise.all([latestSnapshots(ctx, windows.trendReferenceAt), recentNpsDetractors(ctx, ctx.now)])
      : null,
    order === "MRR" || filter?.atRisk != null ? historiesById(ctx) : null,
  ]);
  let candidates: readonly AccountCandidate[] = accounts;

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
    const inputs = alignedRiskInputs(candidates, { snapshots, earlier, renewals, histories: mrrHistories });
    const matching: AccountCandidate[] = [];
    for (let index = 0; index < candidates.length; index++) {
      const account = candidates[index] as AccountCandidate;
      const snapshot = inputs.snapshot[index];
      const history = inputs.history[index];
      const atRisk = isAtRiskFromInputs({
        now: ctx.now,
        // Risk covers the accounts active now, like the health distribution: a churned account
        // is not at risk (so it is in `atRisk: false`, as its own `risk` field says).
        active: history !== undefined && isHistoryActiveAt(history, ctx.now),
        health: { score: snapshot?.score ?? null, band: snapshot?.band ?? null },
        reference: inputs.reference[index],
        npsResponses: recentNps.get(account.id) ?? NO_RESPONSES,
        contracts: inputs.contracts[index] as readonly PendingRenewal[],
      });
      if (atRisk === filter.atRisk) matching.push(account);
    }
    candidates = matching;
  }

  let keyOf: (account: AccountCandidate) => SortKey;
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
      const byAccount = await workspaceNpsScoreCounts(
        ctx.prisma,
        ctx.workspaceId,
        trailingDays(ctx.now, NPS_ORDER_DAYS),
      );
      keyOf = (account) => npsFromScoreCounts(byAccount.get(account.id) ?? [])?.score ?? null;
      break;
    }
  }
  const keyed = candidates.map((account) => ({ id: account.id, key: keyOf(account) }));
  keyed.sort((a, b) => compareKeys(a, b, direction));
  return keyed;
}

const NO_RESPONSES: readonly NpsResponseFact[] = [];
const NO_CONTRACTS: readonly PendingRenewal[] = [];

interface RiskSources {
  snapshots: Map<string, SnapshotFact>;
  earlier: Map<string, SnapshotFact>;
  renewals: Map<string, PendingRenewal[]>;
  histories: Map<string, AccountHistory> | null;
}

/** Each candidate's risk inputs by position, looked up once in the workspace-wide maps. */
interface AlignedRiskInputs {
  sources: RiskSources;
  snapshot: (SnapshotFact | undefined)[];
  reference: (SnapshotFact | undefined)[];
  contracts: (readonly PendingRenewal[])[];
  history: (AccountHistory | undefined)[];
}

/**
 * Kept as long as the candidates' array, for the maps they were looked up in: the portfolio's
 * candidates (its cached rows of a segment), the latest snapshots, the pending renewals and the
 * histories stay the same objects between requests while nothing they read changed (the caches
 * of loaders/workspace-reads.ts and PortfolioCache), so the at-risk list of 100,000 accounts
 * does not look each one up in four maps on every request. Exact: a pure function of objects
 * nobody mutates; other maps (a new revision, a new instant's read) are looked up again.
 */
const alignedByCandidates = new WeakMap<readonly AccountCandidate[], AlignedRiskInputs>();

function alignedRiskInputs(candidates: readonly AccountCandidate[], sources: RiskSources): AlignedRiskInputs {
  const kept = alignedByCandidates.get(candidates);
  if (
    kept &&
    kept.sources.snapshots === sources.snapshots &&
    kept.sources.earlier === sources.earlier &&
    kept.sources.renewals === sources.renewals &&
    kept.sources.histories === sources.histories
  ) {
    return kept;
  }
  const aligned: AlignedRiskInputs = { sources, snapshot: [], reference: [], contracts: [], history: [] };
  for (const account of candidates) {
    aligned.snapshot.push(sources.snapshots.get(account.id));
    aligned.reference.push(sources.earlier.get(account.id));
    aligned.contracts.push(sources.renewals.get(account.id) ?? NO_CONTRACTS);
    aligned.history.push(sources.histories?.get(account.id));
  }
  alignedByCandidates.set(candidates, aligned);
  return aligned;
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
