// From the outbox to delivery rows: each new committed event becomes one WebhookDelivery per
// endpoint that takes it, in the transaction that moves the dispatcher's cursor, so an event is
// handed to its endpoints exactly once whatever crashes (a rolled-back transaction moved
// nothing; the unique (endpoint, event) key makes a repeat a no-op besides). The cursor row is
// locked FOR UPDATE SKIP LOCKED: with several servers one dispatches at a time, the others skip.
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { prismaReader, prismaWriter } from "@pulse/schema/database";
import type { DomainEventType, PrismaClient } from "@pulse/schema/prisma";
import {
  createDeliveries,
  type DispatchEndpoint,
  enabledEndpoints,
  ensureOutboxConsumer,
  lockOutboxConsumer,
  moveOutboxConsumer,
  WEBHOOK_CONSUMER,
} from "../data/webhooks.ts";
import { type OutboxCursor, readOutbox, type StoredDomainEvent } from "../events/outbox.ts";

/** The dispatcher's row in "OutboxConsumer". */
export { type DispatchEndpoint, WEBHOOK_CONSUMER } from "../data/webhooks.ts";

/** The `type` of a webhook's body, per event type (Standard Webhooks' dotted names). */
export const WEBHOOK_EVENT_NAMES: Record<DomainEventType, string> = {
  HEALTH_BAND_CHANGED: "health.band_changed",
  AT_RISK_ENTERED: "account.at_risk_entered",
  AT_RISK_LEFT: "account.at_risk_left",
  SURVEY_RESPONSE_RECEIVED: "survey.response_received",
  SENTIMENT_CHANGED: "sentiment.changed",
  MILESTONE_ACHIEVED: "milestone.achieved",
  MILESTONE_STALLED: "milestone.stalled",
  RENEWAL_WINDOW_ENTERED: "renewal.window_entered",
  ACCOUNT_CHURNED: "account.churned",
  ACCOUNT_REACTIVATED: "account.reactivated",
  MRR_CHANGED: "mrr.changed",
  PLAYBOOK_FIRED: "playbook.fired",
  TASK_CREATED: "task.created",
  TASK_COMPLETED: "task.completed",
  WEBHOOK_ENDPOINT_DISABLED: "webhook.endpoint_disabled",
};

/** The JSON body of an event's webhook: `{ type, timestamp, data }`, as Standard Webhooks suggests. */
export function webhookBody(event: StoredDomainEvent): string {
  return JSON.stringify({
    type: WEBHOOK_EVENT_NAMES[event.type],
    timestamp: event.occurredAt.toISOString(),
    data: {
      eventId: event.id,
      eventType: event.type,
      accountId: event.accountId ? encodeGlobalID("Account", event.accountId) : null,
      occurredAt: event.occurredAt.toISOString(),
      payload: event.payload,
      snapshotId: event.snapshotId,
    },
  });
}

/** The endpoint row id a playbook names: its global id (as the API gives it) or the row id. */
export function endpointRowId(id: string): string {
  try {
    const decoded = decodeGlobalID(id);
    if (decoded.typename === "WebhookEndpoint") return decoded.id;
  } catch {
    // Not a global id: a row id.
  }
  return id;
}

/**
 * The endpoints an event goes to: a `playbook.fired` event naming an endpoint goes to that one
 * only (enabled and of the event's workspace), whatever it subscribes to; any other event to
 * the workspace's enabled endpoints that subscribe to its type.
 */
export function endpointsFor(event: StoredDomainEvent, endpoints: readonly DispatchEndpoint[]): string[] {
  const own = endpoints.filter((endpoint) => endpoint.workspaceId === event.workspaceId);
  if (event.type === "PLAYBOOK_FIRED") {
    const target = (event.payload as { webhookEndpointId?: unknown } | null)?.webhookEndpointId;
    if (typeof target === "string" && target !== "") {
      const rowId = endpointRowId(target);
      return own.filter((endpoint) => endpoint.id === rowId).map((endpoint) => endpoint.id);
    }
  }
  return own.filter((endpoint) => endpoint.eventTypes.includes(event.type)).map((endpoint) => endpoint.id);
}

export interface DispatchResult {
  events: number;
  deliveries: number;
  /** False when another server was dispatching (its cursor row was locked). */
  dispatched: boolean;
}

/** Hands one page of new outbox events to their endpoints (see the top of the file). */
export async function dispatchOutbox(
  prisma: PrismaClient,
  options: { pageSize?: number } = {},
): Promise<DispatchResult> {
  const pageSize = options.pageSize ?? 500;
  // Created outside the locking transaction: an INSERT that conflicts with a row locked FOR
  // UPDATE would wait for the lock instead of skipping it.
  if (!(await prisma.outboxConsumer.findUnique({ where: { name: WEBHOOK_CONSUMER } }))) {
    await ensureOutboxConsumer(prismaWriter(prisma), WEBHOOK_CONSUMER);
  }
  return prisma.$transaction(
    async (tx) => {
      const reader = prismaReader(tx);
      const writer = prismaWriter(tx);
      const row = await lockOutboxConsumer(reader, WEBHOOK_CONSUMER);
      if (!row) return { events: 0, deliveries: 0, dispatched: false };
      const after: OutboxCursor = { txid: BigInt(row.txid), position: BigInt(row.position) };
      const page = await readOutbox(reader, { after, limit: pageSize });
      if (page.events.length === 0) return { events: 0, deliveries: 0, dispatched: true };
      const workspaceIds = [...new Set(page.events.map((event) => event.workspaceId))];
      const endpoints = await enabledEndpoints(reader, workspaceIds);
      const deliveries = page.events.flatMap((event) =>
        endpointsFor(event, endpoints).map((endpointId) => ({
          workspace_id: event.workspaceId,
          endpoint_id: endpointId,
          event_id: event.id,
          event_type: event.type,
          body: webhookBody(event),
        })),
      );
      let created = 0;
      if (deliveries.length > 0) {
        created = await createDeliveries(writer, deliveries);
      }
      await moveOutboxConsumer(writer, WEBHOOK_CONSUMER, page.cursor);
      return { events: page.events.length, deliveries: created, dispatched: true };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
