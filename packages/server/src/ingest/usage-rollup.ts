// Keeps UsageDaily (one row per account, calendar day in the workspace's time zone, and contact)
// in step with UsageEvent. Only events just inserted are added, so a retried batch, whose events
// are skipped, adds nothing. When the workspace's zone changes, its rollup is rebuilt from its raw
// events (`rebuildUsageDaily`, in the transaction of the change).
//
// Why a zone change cannot race an ingestion: inserting a UsageEvent takes FOR KEY SHARE on its
// Workspace row (the foreign-key check) until the ingestion commits, and the change first locks
// that row FOR UPDATE. So the change waits for ingestions that inserted events, and an ingestion
// that starts during the change waits at its insert; its rollup statement, a later statement,
// then reads the new zone (READ COMMITTED takes a snapshot per statement).
import { prismaReader, prismaWriter } from "@pulse/schema/database";
import {
  addUsageDaily,
  deleteUsageDaily,
  usageEventsOfWorkspace,
  usageEventsWithIds,
} from "../data/usage.ts";
import { lockWorkspace } from "../data/workspaces.ts";
import type { Transaction } from "./ingest.ts";

export { NO_CONTACT_KEY } from "../data/usage.ts";

export async function addToUsageDaily(tx: Transaction, insertedEventIds: readonly string[]): Promise<void> {
  if (insertedEventIds.length === 0) return;
  await addUsageDaily(prismaWriter(tx), usageEventsWithIds(insertedEventIds));
}

/**
 * Locks the workspace row against concurrent usage ingestion (see the top of this file). Call it
 * first in the transaction that changes the workspace's zone, then `rebuildUsageDaily` after.
 */
export async function lockWorkspaceForZoneChange(tx: Transaction, workspaceId: string): Promise<void> {
  await lockWorkspace(prismaReader(tx), workspaceId);
}

/**
 * Rebuilds the workspace's whole rollup from its raw events, by the calendar days of its current
 * zone: two statements whose cost grows with the workspace's usage events (a zone change is rare;
 * ingestion and reads stay proportional to the events added and to the days read).
 */
export async function rebuildUsageDaily(tx: Transaction, workspaceId: string): Promise<void> {
  await deleteUsageDaily(prismaWriter(tx), workspaceId);
  await addUsageDaily(prismaWriter(tx), usageEventsOfWorkspace(workspaceId));
}
