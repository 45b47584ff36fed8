// Daily health snapshots: one row per account and UTC day, kept for trends, history charts,
// and ordering/filtering accounts by health across pages. A day's snapshot is computed as of
// the end of that day (or now, for today) and upserted, so recomputing is always safe.

import { type Database, prismaWriter } from "@pulse/schema/database";
import {
  type AccountRisk,
  accountHistory,
  type HealthScore,
  isHistoryActiveAt,
  MILLISECONDS_PER_DAY,
} from "@pulse/schema/metrics";
import type { Prisma, PrismaClient } from "@pulse/schema/prisma";
import { upsertSnapshots } from "../data/snapshots.ts";
import { AccountFacts } from "../loaders/facts.ts";
import { accountHealth } from "./account-health.ts";
import { loadWorkspaceSettings, type WorkspaceSettings } from "./settings.ts";
import { prepareSnapshotEvents, type SnapshotHealth, snapshotRisks } from "./snapshot-events.ts";

const DAY_MS = MILLISECONDS_PER_DAY;
const CHUNK = 500;

export function utcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

interface SnapshotAccount {
  id: string;
  seats: number;
  signedUpAt: Date;
  churnedAt: Date | null;
}

/** One chunk of computed snapshots, ready to be written in a transaction. */
export interface PreparedSnapshots {
  day: Date;
  asOf: Date;
  rows: { account: SnapshotAccount; health: HealthScore }[];
  scored: SnapshotHealth[];
  risks: Map<string, AccountRisk>;
}

/** The instant a day's snapshot is computed as of: the end of the day, or now for today. */
function snapshotInstant(day: Date, now: Date): Date {
  return new Date(Math.min(day.getTime() + DAY_MS, now.getTime()));
}

/** Ids per lookup: a statement takes at most 65,535 bind parameters (the daily job passes every account). */
const ID_LOOKUP_CHUNK = 20_000;

async function snapshotAccounts(
  prisma: PrismaClient,
  workspaceId: string,
  accountIds: readonly string[] | undefined,
  asOf: Date,
): Promise<SnapshotAccount[]> {
  if (accountIds && accountIds.length > ID_LOOKUP_CHUNK) {
    const found: SnapshotAccount[] = [];
    for (let offset = 0; offset < accountIds.length; offset += ID_LOOKUP_CHUNK) {
      const part = accountIds.slice(offset, offset + ID_LOOKUP_CHUNK);
      found.push(...(await snapshotAccounts(prisma, workspaceId, part, asOf)));
    }
    // The same order as one lookup (by id; uuids compare as their lowercase text).
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return prisma.account.findMany({
    where: { workspaceId, ...(accountIds ? { id: { in: [...accountIds] } } : {}), signedUpAt: { lt: asOf } },
    select: { id: true, seats: true, signedUpAt: true, churnedAt: true },
    orderBy: { id: "asc" },
  });
}

/** Computes one chunk's scores, activity and risks (reads only, before any transaction). */
async function prepareSnapshots(
  database: Database,
  workspaceId: string,
  settings: WorkspaceSettings,
  chunk: SnapshotAccount[],
  day: Date,
  asOf: Date,
): Promise<PreparedSnapshots> {
  const facts = new AccountFacts(database.primaryReader, workspaceId);
  const healths = await Promise.all(chunk.map((account) => accountHealth(facts, settings, account, asOf)));
  // An account with too little data gets a snapshot too, with a null score and band: the
  // health distribution, the band filter and the badge then see "insufficient data".
  const rows = chunk.flatMap((account, index) => {
    const health = healths[index];
    return health ? [{ account, health }] : [];
  });
  const revenue = facts.revenueEvents();
  const scored = await Promise.all(
    rows.map(async (r) => ({
      accountId: r.account.id,
      score: r.health.score,
      band: r.health.band,
      active: isHistoryActiveAt(
        accountHistory({ ...r.account, revenueEvents: await revenue.load(r.account.id) }),
        asOf,
      ),
    })),
  );
  const risks = await snapshotRisks(facts, scored, asOf);
  return { day, asOf, rows, scored, risks };
}

/**
 * Writes prepared snapshots (with the configuration version they were computed with) and their
 * domain events (band changed, at-risk entered/left) in the caller's transaction. Returns how
 * many events were written.
 */
export async function writeHealthSnapshots(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  prepared: PreparedSnapshots,
  configVersionId: string | null,
): Promise<number> {
  const { day, asOf, rows, scored, risks } = prepared;
  if (rows.length === 0) return 0;
  const writeEvents = await prepareSnapshotEvents(tx, { workspaceId, day, asOf, healths: scored, risks });
  const snapshots = await upsertSnapshots(prismaWriter(tx), {
    workspaceId,
    day,
    configVersionId,
    rows: rows.map((r) => ({
      accountId: r.account.id,
      score: r.health.score,
      band: r.health.band,
      components: r.health.components,
    })),
  });
  return writeEvents(new Map(snapshots.map((snapshot) => [snapshot.accountId, snapshot.id])));
}

/**
 * Computes today's snapshots of every account of the workspace with `settings`, without writing
 * them: a configuration change writes them in its own transaction (see health/config-versions.ts).
 */
export async function prepareTodaysSnapshots(
  database: Database,
  workspaceId: string,
  settings: WorkspaceSettings,
  now: Date,
): Promise<PreparedSnapshots[]> {
  const day = utcDay(now);
  const asOf = snapshotInstant(day, now);
  const accounts = await snapshotAccounts(database.prisma, workspaceId, undefined, asOf);
  const prepared: PreparedSnapshots[] = [];
  for (let offset = 0; offset < accounts.length; offset += CHUNK) {
    prepared.push(
      await prepareSnapshots(
        database,
        workspaceId,
        settings,
        accounts.slice(offset, offset + CHUNK),
        day,
        asOf,
      ),
    );
  }
  return prepared;
}

/**
 * Computes and stores the snapshot of `day` (default: today) for the given accounts (default:
 * all of the workspace). Returns how many snapshots were written; an account with too little
 * data for a score gets one with a null score and band.
 */
export async function recordHealthSnapshots(
  database: Database,
  workspaceId: string,
  options: { accountIds?: readonly string[]; day?: Date; now?: Date; settings?: WorkspaceSettings } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const day = utcDay(options.day ?? now);
  const asOf = snapshotInstant(day, now);
  const prisma = database.prisma;
  const settings = options.settings ?? (await loadWorkspaceSettings(database.primaryReader, workspaceId));
  const accounts = await snapshotAccounts(prisma, workspaceId, options.accountIds, asOf);
  let written = 0;
  for (let offset = 0; offset < accounts.length; offset += CHUNK) {
    const chunk = accounts.slice(offset, offset + CHUNK);
    const prepared = await prepareSnapshots(database, workspaceId, settings, chunk, day, asOf);
    if (prepared.rows.length === 0) continue;
    // Domain events (band changed, at-risk entered/left) go in the snapshots' transaction.
    const eventsWritten = await prisma.$transaction((tx) =>
      writeHealthSnapshots(tx, workspaceId, prepared, settings.healthConfigVersionId),
    );
    if (eventsWritten > 0) database.outboxSignal.written();
    written += prepared.rows.length;
  }
  return written;
}

/** Snapshots for each of the last `days` days (oldest first), e.g. to give a new workspace a history. */
export async function backfillHealthSnapshots(
  database: Database,
  workspaceId: string,
  days: number,
  now: Date = new Date(),
  signal?: AbortSignal,
): Promise<number> {
  const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
  let written = 0;
  for (let back = days - 1; back >= 0 && !signal?.aborted; back--) {
    written += await recordHealthSnapshots(database, workspaceId, {
      day: new Date(now.getTime() - back * DAY_MS),
      now,
      settings,
    });
    // Embedded PGlite answers within this thread: without yielding, a long backfill would keep
    // the event loop from reading HTTP requests until it ends.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return written;
}

/** Makes sure every workspace has today's snapshots (run at start and hourly). */
export async function ensureTodaysSnapshots(database: Database, now: Date = new Date()): Promise<number> {
  const prisma = database.prisma;
  const today = utcDay(now);
  const workspaces = await prisma.workspace.findMany({ select: { id: true } });
  let written = 0;
  for (const workspace of workspaces) {
    const missing = await prisma.account.findMany({
      where: {
        workspaceId: workspace.id,
        signedUpAt: { lt: now },
        healthSnapshots: { none: { day: today } },
      },
      select: { id: true },
    });
    if (missing.length > 0) {
      written += await recordHealthSnapshots(database, workspace.id, {
        accountIds: missing.map((a) => a.id),
        now,
      });
    }
  }
  return written;
}
