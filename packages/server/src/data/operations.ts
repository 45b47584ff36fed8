// The statements behind the operational gauges of operations/metrics.ts, read at each scrape on
// the primary. Ages are taken on the database's clock, as the rows' createdAt defaults are
// (timestamps are UTC).
import { type SqlReader, sql } from "@pulse/schema/database";
import { horizonSql } from "./outbox.ts";

const databaseNow = sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/** Age in seconds of the oldest outbox event each consumer (playbooks, each OutboxConsumer) has not read yet; 0 when caught up. */
export function outboxConsumerLags(
  reader: SqlReader,
): Promise<{ consumer: string; seconds: number | string }[]> {
  return reader.read<{ consumer: string; seconds: number | string }>(sql`
        SELECT c.consumer, GREATEST(0, COALESCE(EXTRACT(EPOCH FROM ${databaseNow} - (
          SELECT e."createdAt" FROM "DomainEvent" e
          WHERE (e.txid, e.position) > (c.txid, c.position)
          ORDER BY e.txid, e.position LIMIT 1)), 0))::float8 AS seconds
        FROM (SELECT 'playbooks' AS consumer, txid, position FROM "PlaybookCursor" WHERE id = 1
              UNION ALL SELECT name, txid, position FROM "OutboxConsumer") c`);
}

/** Age in seconds of the oldest committed outbox event held back by the horizon (an older transaction still open); 0 when none. */
export function outboxHorizonLag(reader: SqlReader): Promise<{ seconds: number | string }[]> {
  return reader.read<{ seconds: number | string }>(sql`
        SELECT GREATEST(0, COALESCE(EXTRACT(EPOCH FROM ${databaseNow} - min(e."createdAt")), 0))::float8 AS seconds
        FROM "DomainEvent" e WHERE e.txid >= ${horizonSql()}`);
}

/** Webhook deliveries to enabled endpoints not yet delivered nor given up. */
export function pendingWebhookDeliveries(reader: SqlReader): Promise<{ pending: number | string }[]> {
  return reader.read<{ pending: number | string }>(sql`
        SELECT count(*)::int AS pending
        FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId" AND e.enabled
        WHERE d.status = 'PENDING'`);
}

/** How late (seconds) the most overdue webhook delivery to an enabled endpoint is: due and not under way; 0 when none. */
export function webhookDeliveryLag(reader: SqlReader): Promise<{ seconds: number | string }[]> {
  return reader.read<{ seconds: number | string }>(sql`
        SELECT GREATEST(0, COALESCE(EXTRACT(EPOCH FROM ${databaseNow} - min(d."nextAttemptAt")), 0))::float8 AS seconds
        FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e.id = d."endpointId" AND e.enabled
        WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= ${databaseNow}
          AND (d."leasedUntil" IS NULL OR d."leasedUntil" <= ${databaseNow})`);
}
