// The webhook worker of one server: hands new outbox events to their endpoints (dispatch.ts),
// then sends due deliveries, at least once, each attempt by one server.
//
// Leases, not a job queue. A delivery is taken by a short transaction that locks its endpoint's
// row FOR UPDATE SKIP LOCKED (another server leasing for the same endpoint skips it, so the
// per-endpoint in-flight limit holds across servers) and sets the delivery's lease (`leasedUntil`,
// `leaseToken`); the HTTP request runs after that commit, holding no connection or transaction;
// its outcome is recorded by lease token. A server that dies mid-request leaves a lease that
// expires (timeout plus a margin), and the delivery is attempted again by whoever comes next:
// at least once, and the webhook-id (the event id) lets receivers drop the repeat.
// graphile-worker and pg-boss would give the same on PostgreSQL, but both need LISTEN/NOTIFY or
// several connections and neither runs on embedded PGlite (one connection, no background
// workers); the lease is three statements that run on both.
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { type Database, type OutboxSignal, prismaReader, prismaWriter } from "@pulse/schema/database";
import type { Prisma, PrismaClient } from "@pulse/schema/prisma";
import {
  countEndpointFailure,
  type LeasedRow,
  leaseDeliveries,
  lockEndpointsWithDueDeliveries,
  recordDeliveryAttempt,
  releaseLease,
  resetEndpointFailures,
} from "../data/webhooks.ts";
import { writeDomainEvents } from "../events/outbox.ts";
import { logger } from "../operations/logger.ts";
import { dispatchOutbox } from "./dispatch.ts";
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, type RetrySchedule } from "./retry-schedule.ts";
import { signWebhook } from "./signing.ts";
import { isPrivateAddress, parseWebhookUrl, publicOnlyLookup, UnsafeWebhookUrlError } from "./ssrf.ts";

export interface WebhookWorkerOptions {
  /** Private, loopback and link-local targets allowed (PULSE_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
  /** Attempts under way at once per endpoint, across all servers (default 5). */
  maxInFlightPerEndpoint?: number;
  /** Attempts under way at once on this server (default 50). */
  maxInFlight?: number;
  /** An attempt that has no answer by then fails (ms, default 10 s). */
  timeoutMs?: number;
  /** How often the worker looks for work without a signal (ms, default 1 s). */
  pollIntervalMs?: number;
  retry?: Partial<RetrySchedule>;
  /** Failed attempts in a row after which an endpoint is disabled (default 50). */
  disableAfterFailures?: number;
  clock?: () => Date;
  random?: () => number;
}

/** A leased delivery row with what an attempt needs of its endpoint and its lease. */
interface LeasedDelivery extends LeasedRow {
  url: string;
  secrets: string[];
  token: string;
}

export interface AttemptOutcome {
  succeeded: boolean;
  responseStatus: number | null;
  latencyMs: number;
  error: string | null;
}

/** `timestamp` columns hold UTC wall-clock time; statements take it as text. */
function utc(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

const MAX_ERROR_LENGTH = 500;
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST of a signed body. Redirects are not followed (a 3xx fails the attempt): the target
 * was checked, the redirect's target would not be.
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean; signal?: AbortSignal },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const done = (outcome: Omit<AttemptOutcome, "latencyMs">): AttemptOutcome => ({
    ...outcome,
    latencyMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = parseWebhookUrl(target);
  } catch (error) {
    return Promise.resolve(done({ succeeded: false, responseStatus: null, error: (error as Error).message }));
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve(
      done({
        succeeded: false,
        responseStatus: null,
        error: `${host} is a non-public address (refused)`,
      }),
    );
  }
  return new Promise((resolve) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "Pulse-Webhooks/1",
        },
        lookup: options.allowPrivate ? undefined : publicOnlyLookup,
        signal: options.signal,
      },
      (response) => {
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          const succeeded = status >= 200 && status < 300;
          resolve(
            done({
              succeeded,
              responseStatus: status,
              error: succeeded ? null : `HTTP ${status}`,
            }),
          );
        };
        response.once("end", finish);
        response.once("close", finish);
      },
    );
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.once("error", (error) => {
      clearTimeout(timer);
      const message =
        error instanceof UnsafeWebhookUrlError
          ? `${error.message} (refused)`
          : error.message || String(error);
      resolve(done({ succeeded: false, responseStatus: null, error: message.slice(0, MAX_ERROR_LENGTH) }));
    });
    request.end(body);
  });
}

export class WebhookWorker {
  private readonly prisma: PrismaClient;
  private readonly outboxSignal: OutboxSignal;
  private readonly allowPrivate: boolean;
  private readonly maxInFlightPerEndpoint: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly retry: RetrySchedule;
  private readonly disableAfterFailures: number;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly abort = new AbortController();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private cycle: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** New outbox events may be there (a write signalled, or a poll): dispatch before leasing. */
  private dispatchWanted = true;

  constructor(database: Database, options: WebhookWorkerOptions = {}) {
    this.prisma = database.prisma;
    this.outboxSignal = database.outboxSignal;
    this.allowPrivate = options.allowPrivate ?? false;
    this.maxInFlightPerEndpoint = options.maxInFlightPerEndpoint ?? 5;
    this.maxInFlight = options.maxInFlight ?? 50;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // Long enough for the request's timeout and the recording of its outcome.
    this.leaseMs = this.timeoutMs + 5_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retry = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry };
    this.disableAfterFailures = options.disableAfterFailures ?? 50;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    // One signal for every attempt under way (each request listens to it).
    setMaxListeners(0, this.abort.signal);
    database.onClose(() => this.stop());
  }

  /** Works now, after every write of this process, and every poll interval. */
  start(): this {
    if (this.timer || this.stopped) return this;
    this.unlisten = this.outboxSignal.listen(() => this.wake(true));
    this.timer = setInterval(() => this.wake(true), this.pollIntervalMs);
    this.timer.unref();
    this.wake();
    return this;
  }

  /**
   * Runs a cycle now, or once more after the one under way; with `dispatch`, it first hands new
   * outbox events to their endpoints (an attempt that ended only frees a slot: it leases only).
   */
  wake(dispatch = false): void {
    if (this.stopped) return;
    if (dispatch) this.dispatchWanted = true;
    if (this.cycle) {
      this.again = true;
      return;
    }
    this.cycle = this.runCycle()
      .catch((error: unknown) => {
        if (!this.stopped) logger.error("webhook worker cycle failed", { error });
      })
      .finally(() => {
        this.cycle = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Attempts under way on this server. */
  get attemptsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Stops looking for work, aborts the attempts under way and gives their leases back (they
   * are attempted again at once by the next worker), and waits for all of it: the database may
   * close after.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unlisten?.();
    this.abort.abort();
    await this.cycle;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Dispatches the outbox until it is drained, then leases and starts due deliveries. */
  async runCycle(): Promise<void> {
    if (this.dispatchWanted) {
      this.dispatchWanted = false;
      try {
        for (;;) {
          if (this.stopped) return;
          const result = await dispatchOutbox(this.prisma);
          if (!result.dispatched || result.events < 500) break;
        }
      } catch (error) {
        this.dispatchWanted = true;
        throw error;
      }
    }
    if (this.stopped) return;
    const leased = await this.lease();
    for (const delivery of leased) {
      const attempt = this.attempt(delivery).finally(() => {
        this.inFlight.delete(delivery.id);
        this.wake();
      });
      this.inFlight.set(delivery.id, attempt);
    }
  }

  private async lease(): Promise<LeasedDelivery[]> {
    const capacity = this.maxInFlight - this.inFlight.size;
    if (capacity <= 0) return [];
    const now = utc(this.clock());
    const until = utc(new Date(this.clock().getTime() + this.leaseMs));
    const token = randomUUID();
    return this.prisma.$transaction(
      async (tx) => {
        // Endpoints with due deliveries that no other server is leasing for right now.
        const endpoints = await lockEndpointsWithDueDeliveries(prismaReader(tx), now);
        if (endpoints.length === 0) return [];
        const ids = endpoints.map((endpoint) => endpoint.id);
        // A new statement (a new snapshot under READ COMMITTED) after the locks: it sees every
        // lease committed by whoever held them before.
        const rows = await leaseDeliveries(prismaWriter(tx), {
          endpointIds: ids,
          now,
          until,
          token,
          perEndpoint: this.maxInFlightPerEndpoint,
          capacity,
        });
        const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
        return rows.map((row): LeasedDelivery => {
          const endpoint = byId.get(row.endpointId);
          if (!endpoint) throw new Error(`leased a delivery of an unlocked endpoint ${row.endpointId}`);
          return {
            ...row,
            firstAttemptAt: new Date(row.firstAttemptAt),
            url: endpoint.url,
            secrets:
              endpoint.previousSecret && !endpoint.graceOver
                ? [endpoint.secret, endpoint.previousSecret]
                : [endpoint.secret],
            token,
          };
        });
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  private async attempt(delivery: LeasedDelivery): Promise<void> {
    const attemptedAt = this.clock();
    const headers = signWebhook(delivery.secrets, {
      id: delivery.eventId,
      timestamp: attemptedAt,
      body: delivery.body,
    });
    const outcome = await postWebhook(delivery.url, { ...headers }, delivery.body, {
      timeoutMs: this.timeoutMs,
      allowPrivate: this.allowPrivate,
      signal: this.abort.signal,
    });
    if (this.abort.signal.aborted) {
      // Stopping: the attempt was cut short by us, not by the receiver. The lease goes back.
      await releaseLease(prismaWriter(this.prisma), delivery.id, delivery.token).catch(() => {});
      return;
    }
    await this.record(delivery, attemptedAt, outcome);
  }

  /** The attempt's log row, the delivery's next state, the endpoint's failure count, in one transaction. */
  async record(delivery: LeasedDelivery, attemptedAt: Date, outcome: AttemptOutcome): Promise<void> {
    const now = this.clock();
    const attempts = delivery.attempts + 1;
    const next = outcome.succeeded
      ? null
      : nextAttemptAt(this.retry, {
          failedAttempts: attempts,
          firstAttemptAt: delivery.firstAttemptAt,
          now,
          random: this.random(),
        });
    const status = outcome.succeeded ? "SUCCEEDED" : next ? "PENDING" : "FAILED";
    let disabled = false;
    await this.prisma.$transaction(async (tx) => {
      await tx.webhookAttempt.create({
        data: {
          workspaceId: delivery.workspaceId,
          deliveryId: delivery.id,
          attemptedAt,
          succeeded: outcome.succeeded,
          responseStatus: outcome.responseStatus,
          latencyMs: outcome.latencyMs,
          error: outcome.error,
        },
      });
      const updated = await recordDeliveryAttempt(prismaWriter(tx), {
        deliveryId: delivery.id,
        token: delivery.token,
        status,
        nextAttemptAt: next ? utc(next) : null,
        deliveredAt: outcome.succeeded ? utc(now) : null,
      });
      // A lease that ran out meanwhile belongs to another attempt now: only the log row stays.
      if (updated === 0) return;
      disabled = await this.countOutcome(tx, delivery.endpointId, outcome, status === "FAILED", now);
    });
    if (disabled) this.outboxSignal.written();
  }

  /**
   * A success resets the endpoint's failures in a row; a failure counts, and the endpoint is
   * disabled (with a `webhook.endpoint_disabled` event) after too many in a row or when a
   * delivery failed every attempt of its retry window. Returns whether it disabled it.
   */
  private async countOutcome(
    tx: Prisma.TransactionClient,
    endpointId: string,
    outcome: AttemptOutcome,
    gaveUp: boolean,
    now: Date,
  ): Promise<boolean> {
    if (outcome.succeeded) {
      await resetEndpointFailures(prismaWriter(tx), endpointId);
      return false;
    }
    const endpoint = await countEndpointFailure(prismaWriter(tx), endpointId);
    if (!endpoint?.enabled) return false;
    const tooMany = endpoint.consecutiveFailures >= this.disableAfterFailures;
    if (!tooMany && !gaveUp) return false;
    const reason = gaveUp
      ? `A delivery failed every attempt for ${Math.round(this.retry.retryWindowMs / 3_600_000)} hours.`
      : `${endpoint.consecutiveFailures} attempts in a row failed.`;
    await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: { enabled: false, disabledAt: now, disabledReason: reason },
    });
    await writeDomainEvents(tx, [
      {
        type: "WEBHOOK_ENDPOINT_DISABLED",
        workspaceId: endpoint.workspaceId,
        accountId: null,
        occurredAt: now,
        payload: {
          // The id the API knows it by.
          endpointId: encodeGlobalID("WebhookEndpoint", endpointId),
          url: endpoint.url,
          reason,
          consecutiveFailures: endpoint.consecutiveFailures,
        },
        dedupeKey: `webhook-disabled:${endpointId}:${now.toISOString()}`,
      },
    ]);
    logger.warn("webhook endpoint disabled", { endpointId, reason });
    return true;
  }
}
