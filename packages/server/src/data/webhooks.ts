// Webhook deliveries: the dispatcher's cursor and fan-out (webhooks/dispatch.ts), and the worker's
// leases and attempt outcomes (webhooks/worker.ts). Every statement runs inside the caller's
// transaction, through `prismaReader(tx)` / `prismaWriter(tx)`; instants are sent as UTC
// `timestamp` values.
import type { SqlReader, SqlWriter } from "@pulse/schema/database";
import { sql } from "@pulse/schema/database";

/** The name of the webhooks' row of "OutboxConsumer". */
export const WEBHOOK_CONSUMER = "webhooks";

export interface DispatchEndpoint {
  id: string;
  workspaceId: string;
  eventTypes: readonly string[];
}

/** Creates the consumer's cursor row if it is missing (outside the locking transaction). */
export function ensureOutboxConsumer(writer: SqlWriter, name: string): Promise<number> {
  return writer.execute(
    sql`INSERT INTO "OutboxConsumer" (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`,
  );
}

/** The consumer's cursor, locked for this transaction; undefined when another server holds it. */
export async function lockOutboxConsumer(
  reader: SqlReader,
  name: string,
): Promise<{ txid: string; position: string } | undefined> {
  const [row] = await reader.read<{ txid: string; position: string }>(sql`
    SELECT txid::text AS txid, position::text AS position FROM "OutboxConsumer"
    WHERE name = ${name} FOR UPDATE SKIP LOCKED`);
  return row;
}

/** Moves the consumer's cursor (in the transaction that wrote what it made of the events). */
export function moveOutboxConsumer(
  writer: SqlWriter,
  name: string,
  cursor: { txid: bigint; position: bigint },
): Promise<number> {
  return writer.execute(sql`
    UPDATE "OutboxConsumer" SET txid = ${cursor.txid.toString()}::bigint,
      position = ${cursor.position.toString()}::bigint
    WHERE name = ${name}`);
}

/** The enabled endpoints of these workspaces. */
export function enabledEndpoints(
  reader: SqlReader,
  workspaceIds: readonly string[],
): Promise<DispatchEndpoint[]> {
  return reader.read<DispatchEndpoint>(sql`
    SELECT id::text AS id, "workspaceId"::text AS "workspaceId", "eventTypes"::text[] AS "eventTypes"
    FROM "WebhookEndpoint" WHERE enabled AND "workspaceId" = ANY(${[...workspaceIds]}::uuid[])`);
}

export interface NewDelivery {
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
}

/** One delivery row per (endpoint, event), once: an event handed over again adds nothing. Returns how many were created. */
export function createDeliveries(writer: SqlWriter, deliveries: readonly NewDelivery[]): Promise<number> {
  return writer.execute(sql`
    INSERT INTO "WebhookDelivery" (id, "workspaceId", "endpointId", "eventId", "eventType", body)
    SELECT gen_random_uuid(), workspace_id, endpoint_id, event_id, event_type::"DomainEventType", body
    FROM jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb)
      AS d(workspace_id uuid, endpoint_id uuid, event_id text, event_type text, body text)
    ON CONFLICT ("endpointId", "eventId") DO NOTHING`);
}

export interface LeasableEndpoint {
  id: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  graceOver: boolean;
}

/** Endpoints with due deliveries that no other server is leasing for right now, locked (SKIP LOCKED). */
export function lockEndpointsWithDueDeliveries(reader: SqlReader, now: string): Promise<LeasableEndpoint[]> {
  return reader.read<LeasableEndpoint>(sql`
    SELECT e.id::text AS id, e.url, e.secret, e."previousSecret",
           (e."previousSecretExpiresAt" IS NULL OR e."previousSecretExpiresAt" <= ${now}::timestamp) AS "graceOver"
    FROM "WebhookEndpoint" e
    WHERE e.enabled AND EXISTS (
      SELECT 1 FROM "WebhookDelivery" d
      WHERE d."endpointId" = e.id AND d.status = 'PENDING' AND d."nextAttemptAt" <= ${now}::timestamp
        AND (d."leasedUntil" IS NULL OR d."leasedUntil" <= ${now}::timestamp))
    ORDER BY e.id LIMIT 100
    FOR UPDATE OF e SKIP LOCKED`);
}

export interface LeasedRow {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventId: string;
  body: string;
  attempts: number;
  firstAttemptAt: Date;
}

/**
 * Leases due deliveries of the locked endpoints: at most `perEndpoint` in flight per endpoint
 * (counting the leases already out) and `capacity` in all, oldest due first.
 */
export function leaseDeliveries(
  writer: SqlWriter,
  input: {
    endpointIds: readonly string[];
    now: string;
    until: string;
    token: string;
    perEndpoint: number;
    capacity: number;
  },
): Promise<LeasedRow[]> {
  const { now } = input;
  return writer.returning<LeasedRow>(sql`
    WITH leasing AS (
      SELECT c.id FROM unnest(${[...input.endpointIds]}::uuid[]) AS e(id)
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n FROM "WebhookDelivery" l
        WHERE l."endpointId" = e.id AND l.status = 'PENDING' AND l."leasedUntil" > ${now}::timestamp
      ) busy
      CROSS JOIN LATERAL (
        SELECT d.id FROM "WebhookDelivery" d
        WHERE d."endpointId" = e.id AND d.status = 'PENDING' AND d."nextAttemptAt" <= ${now}::timestamp
          AND (d."leasedUntil" IS NULL OR d."leasedUntil" <= ${now}::timestamp)
        ORDER BY d."nextAttemptAt", d."createdAt"
        LIMIT greatest(${input.perEndpoint}::int - busy.n, 0)
      ) c
      LIMIT ${input.capacity}::int
    )
    UPDATE "WebhookDelivery" d
    SET "leasedUntil" = ${input.until}::timestamp, "leaseToken" = ${input.token}::uuid,
        "firstAttemptAt" = COALESCE(d."firstAttemptAt", ${now}::timestamp), "lastAttemptAt" = ${now}::timestamp
    FROM leasing WHERE d.id = leasing.id
    RETURNING d.id::text AS id, d."workspaceId"::text AS "workspaceId", d."endpointId"::text AS "endpointId",
              d."eventId", d.body, d.attempts,
              d."firstAttemptAt"`);
}

/** Gives a lease back (an attempt cut short by this server stopping). */
export function releaseLease(writer: SqlWriter, deliveryId: string, token: string): Promise<number> {
  return writer.execute(sql`
    UPDATE "WebhookDelivery" SET "leasedUntil" = NULL, "leaseToken" = NULL
    WHERE id = ${deliveryId}::uuid AND "leaseToken" = ${token}::uuid`);
}

/** The delivery's next state after an attempt, if this lease still holds it; returns the rows changed (0 or 1). */
export function recordDeliveryAttempt(
  writer: SqlWriter,
  input: {
    deliveryId: string;
    token: string;
    status: "SUCCEEDED" | "PENDING" | "FAILED";
    nextAttemptAt: string | null;
    deliveredAt: string | null;
  },
): Promise<number> {
  return writer.execute(sql`
    UPDATE "WebhookDelivery"
    SET status = ${input.status}::"WebhookDeliveryStatus", attempts = attempts + 1,
        "nextAttemptAt" = COALESCE(${input.nextAttemptAt}::timestamp, "nextAttemptAt"),
        "deliveredAt" = ${input.deliveredAt}::timestamp,
        "leasedUntil" = NULL, "leaseToken" = NULL
    WHERE id = ${input.deliveryId}::uuid AND "leaseToken" = ${input.token}::uuid`);
}

/** A success: the endpoint's failures in a row start again from 0. */
export function resetEndpointFailures(writer: SqlWriter, endpointId: string): Promise<number> {
  return writer.execute(
    sql`UPDATE "WebhookEndpoint" SET "consecutiveFailures" = 0 WHERE id = ${endpointId}::uuid AND "consecutiveFailures" <> 0`,
  );
}

/** A failure: counted on the endpoint; returns the endpoint's state after it. */
export async function countEndpointFailure(
  writer: SqlWriter,
  endpointId: string,
): Promise<{ workspaceId: string; url: string; consecutiveFailures: number; enabled: boolean } | undefined> {
  const [endpoint] = await writer.returning<{
    workspaceId: string;
    url: string;
    consecutiveFailures: number;
    enabled: boolean;
  }>(sql`
    UPDATE "WebhookEndpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1
    WHERE id = ${endpointId}::uuid
    RETURNING "workspaceId"::text AS "workspaceId", url, "consecutiveFailures", enabled`);
  return endpoint;
}
