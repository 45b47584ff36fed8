// Outbox cleanup: events older than the retention (7 days by default) that every consumer of
// the outbox has read past (the webhook dispatcher has created their delivery rows, which carry
// their own copy of the body) are deleted, in batches. Kept whatever their age: the newest
// at-risk event of each account (the next snapshot compares with it), and events whose dedupe
// key stops a time scan from writing them again (milestone stalled or achieved, renewal window
// entered). A subscriber resuming from an id older than the retention gets what is left.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import { WEBHOOK_CONSUMER } from "./dispatch.ts";

export const DEFAULT_OUTBOX_RETENTION_DAYS = 7;

/** Deletes what the retention allows (see the top of the file); returns how many rows. */
export async function cleanUpOutbox(
  prisma: PrismaClient,
  options: { now: Date; retentionDays?: number; batchSize?: number; signal?: AbortSignal },
): Promise<number> {
  const retentionDays = options.retentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS;
  const cutoff = new Date(options.now.getTime() - retentionDays * MILLISECONDS_PER_DAY)
    .toISOString()
    .replace("T", " ")
    .replace("Z", "");
  const batchSize = options.batchSize ?? 5_000;
  // Nothing is deleted before the dispatcher has read anything: it would miss those events.
  if (!(await prisma.outboxConsumer.findUnique({ where: { name: WEBHOOK_CONSUMER } }))) return 0;
  let deleted = 0;
  for (;;) {
    if (options.signal?.aborted) return deleted;
    const count = await prisma.$executeRaw`
      DELETE FROM "DomainEvent" WHERE position IN (
        SELECT e.position FROM "DomainEvent" e
        WHERE e."createdAt" < ${cutoff}::timestamp
          AND NOT EXISTS (
            SELECT 1 FROM "OutboxConsumer" c WHERE (c.txid, c.position) < (e.txid, e.position))
          AND (e."dedupeKey" IS NULL
               OR NOT (e."dedupeKey" LIKE 'milestone-%' OR e."dedupeKey" LIKE 'renewal-window:%'))
          AND NOT (e.type IN ('AT_RISK_ENTERED', 'AT_RISK_LEFT') AND NOT EXISTS (
            SELECT 1 FROM "DomainEvent" later
            WHERE later."accountId" = e."accountId" AND later.type IN ('AT_RISK_ENTERED', 'AT_RISK_LEFT')
              AND (later.txid, later.position) > (e.txid, e.position)))
        ORDER BY e.txid, e.position
        LIMIT ${batchSize}::int)`;
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
