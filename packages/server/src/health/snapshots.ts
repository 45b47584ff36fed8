// Daily health snapshots: one row per account and UTC day, kept for trends, history charts,
// and ordering/filtering accounts by health across pages. A day's snapshot is computed as of
// the end of that day (or now, for today) and upserted, so recomputing is always safe.
import { accountHistory, isHistoryActiveAt } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import { OutboxSignal } from "../events/outbox.ts";
import { AccountFacts } from "../loaders/facts.ts";
import { accountHealth } from "./account-health.ts";
import { loadWorkspaceSettings, type WorkspaceSettings } from "./settings.ts";
import { prepareSnapshotEvents, snapshotRisks } from "./snapshot-events.ts";

const DAY_MS = 86_400_000;
const CHUNK = 500;

export function utcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

/**
 * Computes and stores the snapshot of `day` (default: today) for the given accounts (default:
 * all of the workspace). Returns how many snapshots were written; an account with too little
 * data for a score gets one with a null score and band.
 */
export async function recordHealthSnapshots(
  prisma: PrismaClient,
  workspaceId: string,
  options: { accountIds?: readonly string[]; day?: Date; now?: Date; settings?: WorkspaceSettings } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const day = utcDay(options.day ?? now);
  const asOf = new Date(Math.min(day.getTime() + DAY_MS, now.getTime()));
  const settings = options.settings ?? (await loadWorkspaceSettings(prisma, workspaceId));
  const accounts = await prisma.account.findMany({
    where: {
      workspaceId,
      ...(options.accountIds ? { id: { in: [...options.accountIds] } } : {}),
      signedUpAt: { lt: asOf },
    },
    select: { id: true, seats: true, signedUpAt: true, churnedAt: true },
    orderBy: { id: "asc" },
  });
  let written = 0;
  for (let offset = 0; offset < accounts.length; offset += CHUNK) {
    const chunk = accounts.slice(offset, offset + CHUNK);
    const facts = new AccountFacts(prisma, workspaceId);
    const healths = await Promise.all(chunk.map((account) => accountHealth(facts, settings, account, asOf)));
    // An account with too little data gets a snapshot too, with a null score and band: the
    // health distribution, the band filter and the badge then see "insufficient data".
    const rows = chunk.flatMap((account, index) => {
      const health = healths[index];
      return health ? [{ account, health }] : [];
    });
    if (rows.length === 0) continue;
    // Domain events (band changed, at-risk entered/left) go in the snapshots' transaction.
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
    const eventsWritten = await prisma.$transaction(async (tx) => {
      const writeEvents = await prepareSnapshotEvents(tx, { workspaceId, day, asOf, healths: scored, risks });
      const snapshots = await tx.$queryRaw<{ id: string; accountId: string }[]>`
      INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
      SELECT gen_random_uuid(), ${workspaceId}::uuid, r."accountId", ${day}::date, r.score, r.band::"HealthBand", r.components
      FROM unnest(${rows.map((r) => r.account.id)}::uuid[], ${rows.map((r) => r.health.score)}::float8[],
                  ${rows.map((r) => r.health.band)}::text[], ${rows.map((r) => JSON.stringify(r.health.components))}::jsonb[])
        AS r("accountId", score, band, components)
      ON CONFLICT ("accountId", day) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band, components = EXCLUDED.components
      RETURNING id::text AS id, "accountId"::text AS "accountId"`;
      return writeEvents(new Map(snapshots.map((snapshot) => [snapshot.accountId, snapshot.id])));
    });
    if (eventsWritten > 0) OutboxSignal.of(prisma).written();
    written += rows.length;
  }
  return written;
}

/** Snapshots for each of the last `days` days (oldest first), e.g. to give a new workspace a history. */
export async function backfillHealthSnapshots(
  prisma: PrismaClient,
  workspaceId: string,
  days: number,
  now: Date = new Date(),
  signal?: AbortSignal,
): Promise<number> {
  const settings = await loadWorkspaceSettings(prisma, workspaceId);
  let written = 0;
  for (let back = days - 1; back >= 0 && !signal?.aborted; back--) {
    written += await recordHealthSnapshots(prisma, workspaceId, {
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
export async function ensureTodaysSnapshots(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
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
      written += await recordHealthSnapshots(prisma, workspace.id, {
        accountIds: missing.map((a) => a.id),
        now,
      });
    }
  }
  return written;
}
