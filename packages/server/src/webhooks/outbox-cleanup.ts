// Outbox cleanup: events older than the retention (7 days by default) that every consumer of
// the outbox has read past (the webhook dispatcher has created their delivery rows, which carry
// their own copy of the body) are deleted, in batches. Kept whatever their age: the newest
// at-risk event of each account (the next snapshot compares with it), and events whose dedupe
// key stops a time scan from writing them again (milestone stalled or achieved, renewal window
// entered). A subscriber resuming from an id older than the retention gets what is left.
import type { Database } from "@pulse/schema/database";
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import { deleteReadOutboxEvents } from "../data/outbox.ts";
import { WEBHOOK_CONSUMER } from "./dispatch.ts";

export const DEFAULT_OUTBOX_RETENTION_DAYS = 7;

/** Deletes what the retention allows (see the top of the file); returns how many rows. */
export async function cleanUpOutbox(
  database: Pick<Database, "prisma" | "writer">,
  options: { now: Date; retentionDays?: number; batchSize?: number; signal?: AbortSignal },
): Promise<number> {
  const retentionDays = options.retentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS;
  const cutoff = new Date(options.now.getTime() - retentionDays * MILLISECONDS_PER_DAY);
  const batchSize = options.batchSize ?? 5_000;
  // Nothing is deleted before the dispatcher has read anything: it would miss those events.
  if (!(await database.prisma.outboxConsumer.findUnique({ where: { name: WEBHOOK_CONSUMER } }))) return 0;
  let deleted = 0;
  for (;;) {
    if (options.signal?.aborted) return deleted;
    const count = await deleteReadOutboxEvents(database.writer, cutoff, batchSize);
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
