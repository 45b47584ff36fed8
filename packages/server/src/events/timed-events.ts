// Events that time causes rather than a write: a milestone stalls when its target day passes
// without achievement, and a pending contract enters its renewal window. A scan finds them
// (run with the hourly snapshot job); each is written once, by its dedupe key, however often
// the scan runs and on however many servers.

import type { Database } from "@pulse/schema/database";
import { MILLISECONDS_PER_DAY, milestoneProgress, RISK_RENEWAL_WINDOW_DAYS } from "@pulse/schema/metrics";
import { loadWorkspaceSettings } from "../health/settings.ts";
import { AccountFacts } from "../loaders/facts.ts";
import { type DomainEventDraft, milestoneStalled, renewalWindowEntered } from "./domain-events.ts";
import { writeDomainEvents } from "./outbox.ts";

const CHUNK = 500;

/** Days before a pending contract's end its renewal window opens. */
export const RENEWAL_WINDOW_DAYS = RISK_RENEWAL_WINDOW_DAYS;

/** Writes the stalled-milestone and renewal-window events due as of `now`; returns how many are new. */
export async function recordTimedEvents(database: Database, workspaceId: string, now: Date): Promise<number> {
  const prisma = database.prisma;
  const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
  const accounts = await prisma.account.findMany({
    where: { workspaceId, signedUpAt: { lt: now }, OR: [{ churnedAt: null }, { churnedAt: { gt: now } }] },
    select: { id: true, signedUpAt: true },
    orderBy: { id: "asc" },
  });
  const milestoneIds = new Map(settings.milestones.map((milestone) => [milestone.key, milestone.id]));
  const windowEnd = new Date(now.getTime() + RENEWAL_WINDOW_DAYS * MILLISECONDS_PER_DAY);
  let written = 0;
  for (let offset = 0; offset < accounts.length; offset += CHUNK) {
    const chunk = accounts.slice(offset, offset + CHUNK);
    const facts = new AccountFacts(database.primaryReader, workspaceId);
    const drafts: DomainEventDraft[] = [];
    const achievements = facts.milestoneAchievements();
    const contracts = facts.pendingContracts(now);
    await Promise.all(
      chunk.map(async (account) => {
        const [achieved, pending] = await Promise.all([
          achievements.load(account.id),
          contracts.load(account.id),
        ]);
        if (settings.milestones.length > 0) {
          const progress = milestoneProgress({
            milestones: settings.milestones,
            achievements: achieved,
            signedUpAt: account.signedUpAt,
            now,
          });
          for (const state of progress.milestones) {
            const milestoneId = milestoneIds.get(state.key);
            if (state.status !== "STALLED" || !milestoneId) continue;
            drafts.push(
              milestoneStalled({
                workspaceId,
                accountId: account.id,
                milestoneId,
                milestoneKey: state.key,
                targetAt: state.targetAt,
              }),
            );
          }
        }
        for (const contract of pending) {
          if (contract.endsAt.getTime() >= windowEnd.getTime()) continue;
          drafts.push(
            renewalWindowEntered({
              workspaceId,
              accountId: account.id,
              contractId: contract.id,
              endsAt: contract.endsAt,
              windowDays: RENEWAL_WINDOW_DAYS,
              enteredAt: now,
            }),
          );
        }
      }),
    );
    if (drafts.length > 0) written += await prisma.$transaction((tx) => writeDomainEvents(tx, drafts));
  }
  if (written > 0) database.outboxSignal.written();
  return written;
}

/** The scan for every workspace (the hourly job). */
export async function recordAllTimedEvents(database: Database, now: Date = new Date()): Promise<number> {
  const workspaces = await database.prisma.workspace.findMany({ select: { id: true } });
  let written = 0;
  for (const workspace of workspaces) written += await recordTimedEvents(database, workspace.id, now);
  return written;
}
