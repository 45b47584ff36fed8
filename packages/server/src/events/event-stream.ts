// From the committed outbox to live subscribers. The outbox is the only source of events and of
// their order (see outbox.ts); everything else only says "read now":
// - a writer in this process signals after its commit (`database.outboxSignal`), so local subscribers get
//   the event at once;
// - with Redis, that signal is also published on a channel every server of the deployment
//   listens to (@graphql-yoga/redis-event-target), so a write on one server wakes the others;
// - a poll (every second by default) catches everything a signal did not announce: rows
//   committed by a process that died before it could publish, a lost Redis message, a row that
//   waited below the horizon for an older transaction to end.
// A lost signal can delay an event but never lose it, and since each server reads the outbox in
// cursor order, no event is delivered twice. LISTEN/NOTIFY would do the waking on PostgreSQL
// alone, but it does not pass through PgBouncer's transaction pooling, so Redis does it here.
//
// Each server keeps one reader and one cursor for all its subscribers. A subscriber that resumes
// (`after`) reads what it missed from the outbox itself, then takes the live events after the
// last one it read: it registers before it reads, so nothing falls between the two.
import { randomUUID } from "node:crypto";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import type { Database } from "@pulse/schema/database";
import type { DomainEventType } from "@pulse/schema/prisma";
import { createPubSub, Repeater } from "graphql-yoga";
import { Redis } from "ioredis";
import { inViewerScope, type ViewerScope } from "../auth/viewer-token.ts";
import { logger } from "../operations/logger.ts";
import {
  compareCursors,
  type OutboxCursor,
  outboxHead,
  readOutbox,
  type StoredDomainEvent,
} from "./outbox.ts";

export interface DomainEventStreamOptions {
  /** Redis shared by the servers of a deployment; without it each server only polls and wakes itself. */
  redisUrl?: string;
  /** The Redis channel of the wake-ups (tests use one per test). */
  channel?: string;
  /** How often the outbox is read without a signal (ms). */
  pollIntervalMs?: number;
  /** Rows per outbox read. */
  pageSize?: number;
  /** Events a subscriber may have waiting before it is ended (it resumes with `after`). */
  maxQueued?: number;
  onError?: (error: unknown) => void;
}

export interface DomainEventFilter {
  workspaceId: string;
  types?: readonly DomainEventType[] | null;
  accountIds?: readonly string[] | null;
  segment?: string | null;
  /** A viewer token's scope: only its accounts' events (null: the whole workspace). */
  scope?: ViewerScope | null;
}

/** Thrown into a subscription that fell too far behind: it should resume from its last event. */
export class SubscriberOverflowError extends Error {
  override name = "SubscriberOverflowError";
}

interface Subscriber {
  workspaceId: string;
  queue: StoredDomainEvent[];
  wake: (() => void) | null;
  ended: boolean;
  overflowed: boolean;
  /** Past its catch-up: it now takes live events. */
  live: boolean;
}

/** Event types no viewer token receives, whatever its scope. */
export const VIEWER_HIDDEN_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  "PLAYBOOK_FIRED",
]);

export function matchesFilter(event: StoredDomainEvent, filter: DomainEventFilter): boolean {
  if (event.workspaceId !== filter.workspaceId) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.accountIds?.length && (!event.accountId || !filter.accountIds.includes(event.accountId)))
    return false;
  if (filter.segment != null && event.segment !== filter.segment) return false;
  // A viewer sees its accounts' events only, never those about the workspace itself, nor the
  // workspace's automation (a playbook's firing names the playbook and a webhook endpoint,
  // types no viewer may read: VIEWER_HIDDEN).
  if (
    filter.scope &&
    (event.accountId === null ||
      VIEWER_HIDDEN_EVENT_TYPES.has(event.type) ||
      event.externalId === null ||
      !inViewerScope(filter.scope, { ...event, id: event.accountId, externalId: event.externalId }))
  )
    return false;
  return true;
}

interface WakeMessage {
  origin: string;
}

export class DomainEventStream {
  private readonly origin = randomUUID();
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly maxQueued: number;
  private readonly channel: string;
  private readonly onError: (error: unknown) => void;
  private readonly subscribers = new Set<Subscriber>();
  private readonly unlisten: () => void;
  private readonly redis: {
    publish: Redis;
    subscribe: Redis;
    pubsub: ReturnType<typeof createPubSub<Record<string, [WakeMessage]>>>;
  } | null;
  private wakeups: AsyncIterator<WakeMessage> | null = null;
  private cursor: OutboxCursor | null = null;
  private started: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private stopped = false;

  constructor(
    private readonly database: Database,
    options: DomainEventStreamOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.pageSize = options.pageSize ?? 500;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.channel = options.channel ?? "pulse:domain-events";
    this.onError = options.onError ?? ((error) => logger.error("outbox read failed", { error }));
    if (options.redisUrl) {
      // Connected on first use: a server that never writes nor subscribes opens no connection.
      const publish = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      const subscribe = new Redis(options.redisUrl, { lazyConnect: true });
      for (const client of [publish, subscribe]) client.on("error", (error) => this.onError(error));
      const pubsub = createPubSub<Record<string, [WakeMessage]>>({
        eventTarget: createRedisEventTarget({ publishClient: publish, subscribeClient: subscribe }),
      });
      this.redis = { publish, subscribe, pubsub };
    } else {
      this.redis = null;
    }
    // Writers of this process: wake local readers, and the other servers through Redis.
    this.unlisten = database.outboxSignal.listen(() => {
      if (this.stopped) return;
      this.wake();
      this.redis?.pubsub.publish(this.channel, { origin: this.origin });
    });
    database.onClose(() => this.stop());
  }

  /**
   * The events of one workspace that match the filter: first those after `after` (from the
   * outbox), then live ones, each once and in order. Without `after`, live events only. A
   * Repeater (not an async generator) so that a client going away ends it at once, even while
   * it waits for the next event.
   */
  subscribe(filter: DomainEventFilter, after?: OutboxCursor | null): Repeater<StoredDomainEvent> {
    return new Repeater<StoredDomainEvent>(async (push, stop) => {
      const subscriber: Subscriber = {
        workspaceId: filter.workspaceId,
        queue: [],
        wake: null,
        ended: false,
        overflowed: false,
        live: false,
      };
      this.subscribers.add(subscriber);
      // Live events start after what was delivered before this registration.
      const registeredAt = this.cursor;
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        subscriber.wake?.();
      });
      try {
        await this.start();
        let cursor = after ?? registeredAt ?? this.cursor ?? { txid: 0n, position: 0n };
        if (after) {
          for (;;) {
            const page = await readOutbox(this.database.reader, {
              after: cursor,
              workspaceId: filter.workspaceId,
              limit: this.pageSize,
            });
            for (const event of page.events) {
              if (stopped) return;
              cursor = event.cursor;
              if (matchesFilter(event, filter)) await push(event);
            }
            if (page.events.length < this.pageSize) break;
          }
        }
        subscriber.live = true;
        while (!stopped) {
          const event = subscriber.queue.shift();
          if (event) {
            if (compareCursors(event.cursor, cursor) <= 0) continue;
            cursor = event.cursor;
            if (matchesFilter(event, filter)) await push(event);
            continue;
          }
          if (subscriber.overflowed) {
            throw new SubscriberOverflowError(
              "This subscription fell behind; resubscribe with `after` set to the last event id received.",
            );
          }
          if (subscriber.ended) break;
          await new Promise<void>((resolve) => {
            subscriber.wake = resolve;
          });
          subscriber.wake = null;
        }
        stop();
      } catch (error) {
        stop(error);
      } finally {
        this.subscribers.delete(subscriber);
      }
    });
  }

  /** How many subscriptions take live events now (past their catch-up). */
  get liveSubscribers(): number {
    return [...this.subscribers].filter((subscriber) => subscriber.live).length;
  }

  /** Reads the outbox now (after a signal); runs again after the current read when one is under way. */
  wake(): void {
    if (!this.cursor || this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.pumpAgain && !this.stopped) {
        this.pumpAgain = false;
        this.wake();
      }
    });
  }

  /** Stops polling and Redis, ends every subscription, and waits for the read under way. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unlisten();
    if (this.timer) clearInterval(this.timer);
    await this.started?.catch(() => {});
    await this.pumping;
    await this.wakeups?.return?.();
    for (const subscriber of this.subscribers) {
      subscriber.ended = true;
      subscriber.wake?.();
    }
    if (this.redis) {
      await Promise.allSettled([this.redis.publish.quit(), this.redis.subscribe.quit()]);
    }
  }

  /** The first subscriber starts the reader: the head cursor, the poll, the Redis subscription. */
  private start(): Promise<void> {
    this.started ??= (async () => {
      this.cursor = await outboxHead(this.database.reader);
      if (this.stopped) return;
      this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
      this.timer.unref();
      if (this.redis) {
        const wakeups = this.redis.pubsub.subscribe(this.channel)[Symbol.asyncIterator]();
        this.wakeups = wakeups;
        void (async () => {
          for (;;) {
            const next = await wakeups.next();
            if (next.done) return;
            if (next.value.origin !== this.origin) this.wake();
          }
        })().catch((error: unknown) => this.onError(error));
      }
    })();
    return this.started;
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        if (!this.cursor || this.stopped) return;
        const page = await readOutbox(this.database.reader, { after: this.cursor, limit: this.pageSize });
        // Delivered and the cursor moved in one synchronous step: a subscriber that registers
        // now starts exactly after what was delivered before it.
        for (const event of page.events) {
          for (const subscriber of this.subscribers) {
            if (subscriber.workspaceId !== event.workspaceId || subscriber.overflowed) continue;
            if (subscriber.queue.length >= this.maxQueued) subscriber.overflowed = true;
            else subscriber.queue.push(event);
            subscriber.wake?.();
          }
        }
        this.cursor = page.cursor;
        if (page.events.length < this.pageSize) return;
      }
    } catch (error) {
      this.onError(error);
    }
  }
}
