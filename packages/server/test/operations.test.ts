// Operations endpoints of a real server: liveness, readiness (database, migrations, draining),
// Prometheus metrics (per operation, errors by code, pools, event-loop lag, memory, bounded labels,
// outbox, webhook and job lag), request ids, structured logs, and OpenTelemetry spans when tracing is on.

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { JobScheduler } from "../src/jobs/scheduler.ts";
import { createLogger, withRequestId } from "../src/operations/logger.ts";
import { createServerMetrics } from "../src/operations/metrics.ts";
import { ensureCursor } from "../src/playbooks/evaluator.ts";
import { dispatchOutbox } from "../src/webhooks/dispatch.ts";
import { createPulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase, openTestDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The value of one series (name and labels as printed) in a scrape; undefined when absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  if (line === undefined) return undefined;
  const value = line.slice(series.length + 1).trim();
  return value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DATABASE_KINDS)("operations endpoints on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let key: string;
  let workspaceId: string;
  let server: StartedServer;
  /** Dispatches the outbox to the webhooks until the dispatcher has read every event. */
  const drainOutbox = async () => {
    while ((await dispatchOutbox(database.prisma, { pageSize: 5_000 })).events > 0) {}
  };
  const scrape = async () =>
    (await get(`${server.url}/metrics`, { authorization: "Bearer metrics-token-0123456789" })).text;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "operations", {
      accounts: 8,
      today: NOW,
    }));
    server = await startHttpServer({
      database,
      port: 0,
      clock: () => NOW,
      metricsToken: "metrics-token-0123456789",
    });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it("says alive and ready, then not ready while draining", async () => {
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({
      status: "ready",
      database: "ok",
      migrations: "ok",
      draining: false,
    });
  });

  it("is not ready while a migration this version knows is not applied", async () => {
    const [last] = await database.prisma.$queryRaw<{ id: string; migration_name: string }[]>`
      SELECT id, migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    await database.prisma
      .$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = ${last?.id}`;
    try {
      const ready = await get(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text).migrations).toBe(`not applied: ${last?.migration_name}`);
    } finally {
      await database.prisma
        .$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = ${last?.id}`;
    }
  });

  it("serves Prometheus metrics behind its token: operations, errors by code, event-loop lag", async () => {
    const dashboard = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: "query Dashboard { accounts(first: 3) { edges { node { name health { score } } } } }",
      }),
    });
    expect(dashboard.status).toBe(200);
    const invalid = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "query Broken { accounts(first: 3) { nope } }" }),
    });
    expect(((await invalid.json()) as { errors: unknown[] }).errors).toHaveLength(1);

    expect((await get(`${server.url}/metrics`)).status).toBe(401);
    const metrics = await get(`${server.url}/metrics`, { authorization: "Bearer metrics-token-0123456789" });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /pulse_graphql_requests_total\{operationName="Dashboard",operationType="query"\} 1/,
    );
    expect(metrics.text).toMatch(
      /pulse_graphql_request_duration_seconds_count\{operationName="Dashboard",operationType="query"\} 1/,
    );
    expect(metrics.text).toMatch(
      /pulse_http_request_duration_seconds_count\{operationName="Dashboard",statusCode="200"\} 1/,
    );
    expect(metrics.text).toMatch(/pulse_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(metrics.text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    if (kind === "postgres")
      expect(metrics.text).toMatch(/pulse_db_pool_connections\{pool="primary",state="total"\} \d/);
  });

  it("keeps operation names as labels only up to a bound", async () => {
    for (let index = 0; index < 210; index += 1) {
      await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: `query Op${index} { __typename }` }),
      });
    }
    const metrics = await get(`${server.url}/metrics`, { authorization: "Bearer metrics-token-0123456789" });
    const names = new Set(
      [...metrics.text.matchAll(/^pulse_graphql_requests_total\{operationName="([^"]+)"/gm)].map(
        (match) => match[1],
      ),
    );
    expect(names.size).toBeLessThanOrEqual(201);
    expect(names.has("other")).toBe(true);
  });

  it("reports process memory, and event-loop lag that grows while the loop is blocked", async () => {
    const before = await scrape();
    expect(seriesValue(before, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(seriesValue(before, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    const blockedUntil = Date.now() + 250;
    while (Date.now() < blockedUntil) {
      // Busy: nothing else runs on the event loop meanwhile.
    }
    await sleep(20);
    expect(seriesValue(await scrape(), "nodejs_eventloop_lag_max_seconds")).toBeGreaterThanOrEqual(0.2);
    // Each scrape starts a new measurement: the block is gone from the next one.
    expect(seriesValue(await scrape(), "nodejs_eventloop_lag_max_seconds")).toBeLessThan(0.2);
  });

  it("reports each outbox consumer's lag, which grows with an unread event and ends when it is read", async () => {
    const webhooks = 'pulse_outbox_lag_seconds{consumer="webhooks"}';
    const playbooks = 'pulse_outbox_lag_seconds{consumer="playbooks"}';
    expect(seriesValue(await scrape(), webhooks)).toBeUndefined();
    await drainOutbox();
    await database.prisma.$transaction((tx) => ensureCursor(tx));
    const caughtUp = await scrape();
    expect(seriesValue(caughtUp, webhooks)).toBe(0);
    expect(seriesValue(caughtUp, playbooks)).toBe(0);
    expect(seriesValue(caughtUp, "pulse_outbox_horizon_lag_seconds")).toBe(0);

    const account = await database.prisma.account.findFirstOrThrow({ where: { workspaceId } });
    const created = await graphql(
      server.url,
      key,
      `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`,
      { input: { accountExternalId: account.externalId, title: "Call them" } },
    );
    expect(created.errors).toBeUndefined();
    await sleep(300);
    const behind = await scrape();
    expect(seriesValue(behind, webhooks)).toBeGreaterThanOrEqual(0.25);
    expect(seriesValue(behind, playbooks)).toBeGreaterThanOrEqual(0.25);
    expect(seriesValue(behind, "pulse_outbox_horizon_lag_seconds")).toBe(0);

    expect((await dispatchOutbox(database.prisma)).events).toBe(1);
    const read = await scrape();
    expect(seriesValue(read, webhooks)).toBe(0);
    expect(seriesValue(read, playbooks)).toBeGreaterThanOrEqual(0.25);
  });

  // Embedded PGlite has one connection: no transaction can stay open beside another's write.
  if (kind === "postgres")
    it("reports the outbox horizon's lag while an older transaction holds a committed event back", async () => {
      const account = await database.prisma.account.findFirstOrThrow({ where: { workspaceId } });
      await drainOutbox();
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = () => {};
      const holding = new Promise<void>((resolve) => {
        started = resolve;
      });
      // An open transaction with an id: every event committed after it waits below the horizon.
      const blocker = database.prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT pg_current_xact_id()::text AS id`;
          started();
          await released;
        },
        { timeout: 30_000 },
      );
      try {
        await holding;
        const created = await graphql(
          server.url,
          key,
          `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`,
          { input: { accountExternalId: account.externalId, title: "Held back" } },
        );
        expect(created.errors).toBeUndefined();
        await sleep(300);
        expect((await dispatchOutbox(database.prisma)).events).toBe(0);
        const held = await scrape();
        expect(seriesValue(held, "pulse_outbox_horizon_lag_seconds")).toBeGreaterThanOrEqual(0.25);
        expect(seriesValue(held, 'pulse_outbox_lag_seconds{consumer="webhooks"}')).toBeGreaterThanOrEqual(
          0.25,
        );
      } finally {
        release();
        await blocker;
      }
      expect(seriesValue(await scrape(), "pulse_outbox_horizon_lag_seconds")).toBe(0);
      expect((await dispatchOutbox(database.prisma)).events).toBe(1);
      expect(seriesValue(await scrape(), 'pulse_outbox_lag_seconds{consumer="webhooks"}')).toBe(0);
    });

  it("reports pending webhook deliveries and how overdue the oldest is, for enabled endpoints", async () => {
    const initial = await scrape();
    expect(seriesValue(initial, "pulse_webhook_deliveries_pending")).toBe(0);
    expect(seriesValue(initial, "pulse_webhook_delivery_lag_seconds")).toBe(0);
    const endpoint = await database.prisma.webhookEndpoint.create({
      data: { workspaceId, url: "http://127.0.0.1:9/hook", eventTypes: [], secret: "whsec_metrics" },
    });
    await database.prisma.webhookDelivery.createMany({
      data: [
        { due: -60_000, id: "9-1" },
        { due: 3_600_000, id: "9-2" },
      ].map(({ due, id }) => ({
        workspaceId,
        endpointId: endpoint.id,
        eventId: id,
        eventType: "TASK_CREATED" as const,
        body: "{}",
        nextAttemptAt: new Date(Date.now() + due),
      })),
    });
    const overdue = await scrape();
    expect(seriesValue(overdue, "pulse_webhook_deliveries_pending")).toBe(2);
    const lag = seriesValue(overdue, "pulse_webhook_delivery_lag_seconds") ?? 0;
    expect(lag).toBeGreaterThanOrEqual(55);
    expect(lag).toBeLessThan(120);
    // A disabled endpoint's deliveries wait for it to be enabled again: no lag of the workers.
    await database.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { enabled: false } });
    const disabled = await scrape();
    expect(seriesValue(disabled, "pulse_webhook_deliveries_pending")).toBe(0);
    expect(seriesValue(disabled, "pulse_webhook_delivery_lag_seconds")).toBe(0);
  });

  // A lock needs a second connection beside the one waiting for it: PostgreSQL only.
  if (kind === "postgres")
    it("answers a scrape in time while a lock holds a database figure back: that figure is NaN", async () => {
      const lines: string[] = [];
      const metrics = createServerMetrics(database, {
        logger: createLogger({ level: "warn", write: (line) => lines.push(line) }),
        databaseTimeoutMs: 300,
      });
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const holding = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const blocker = database.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`LOCK TABLE "WebhookDelivery" IN ACCESS EXCLUSIVE MODE`;
          locked();
          await released;
        },
        { timeout: 30_000 },
      );
      try {
        await holding;
        const startedAt = Date.now();
        const text = await metrics.render();
        expect(Date.now() - startedAt).toBeLessThan(3_000);
        expect(seriesValue(text, "pulse_webhook_deliveries_pending")).toBeNaN();
        expect(seriesValue(text, "pulse_webhook_delivery_lag_seconds")).toBeNaN();
        expect(seriesValue(text, "pulse_outbox_horizon_lag_seconds")).toBe(0);
        expect(lines.map((line) => JSON.parse(line).metric).sort()).toEqual([
          "pulse_webhook_deliveries_pending",
          "pulse_webhook_delivery_lag_seconds",
        ]);
      } finally {
        release();
        await blocker;
      }
    });

  it("reports each job's seconds since it last finished, infinite before its first run", async () => {
    const jobs = new JobScheduler(database).add({
      name: "metrics-probe",
      everyMs: 3_600_000,
      run: async () => {},
    });
    server.metrics.watchJobs(() => jobs.ages());
    const series = 'pulse_job_seconds_since_finished{job="metrics-probe"}';
    try {
      expect(seriesValue(await scrape(), series)).toBe(Number.POSITIVE_INFINITY);
      expect(await jobs.runDue()).toEqual(["metrics-probe"]);
      await sleep(200);
      const seconds = seriesValue(await scrape(), series) ?? Number.NaN;
      expect(seconds).toBeGreaterThanOrEqual(0.15);
      expect(seconds).toBeLessThan(30);
    } finally {
      await jobs.stop();
    }
  });

  it("echoes a sane request id and makes one up otherwise", async () => {
    expect(
      (await get(`${server.url}/healthz`, { "x-request-id": "req-123.abc" })).headers.get("x-request-id"),
    ).toBe("req-123.abc");
    const made = (await get(`${server.url}/healthz`, { "x-request-id": "bad id with spaces" })).headers.get(
      "x-request-id",
    );
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 503 at /readyz once draining begins", async () => {
    server.beginDrain();
    const ready = await get(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text).draining).toBe(true);
  });
});

describe("metrics while the database is away", () => {
  it("still answers: the database's gauges are NaN or have no series, and each failure is logged", async () => {
    const { database, drop } = await openTestDatabase("pglite", "metrics-away");
    const lines: string[] = [];
    const metrics = createServerMetrics(database, {
      logger: createLogger({ level: "warn", write: (line) => lines.push(line) }),
    });
    const before = await metrics.render();
    expect(seriesValue(before, "pulse_outbox_horizon_lag_seconds")).toBe(0);
    expect(lines).toEqual([]);
    await drop();
    const after = await metrics.render();
    expect(seriesValue(after, "pulse_outbox_horizon_lag_seconds")).toBeNaN();
    expect(seriesValue(after, "pulse_webhook_deliveries_pending")).toBeNaN();
    expect(seriesValue(after, "pulse_webhook_delivery_lag_seconds")).toBeNaN();
    expect(after).not.toMatch(/^pulse_outbox_lag_seconds\{/m);
    expect(after).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(
      lines.map((line) => JSON.parse(line)).map(({ level, msg, metric }) => ({ level, msg, metric })),
    ).toEqual(
      [
        "pulse_outbox_lag_seconds",
        "pulse_outbox_horizon_lag_seconds",
        "pulse_webhook_deliveries_pending",
        "pulse_webhook_delivery_lag_seconds",
      ].map((metric) => ({ level: "warn", msg: "metric unavailable", metric })),
    );
  });
});

describe("structured logs and traces", () => {
  it("writes JSON lines that carry the request id of the request they belong to", async () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", write: (line) => lines.push(line) });
    await withRequestId("req-7", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.error("something failed", { error: new Error("boom"), accountId: "a1" });
    });
    log.debug("below the level");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] as string);
    expect(record).toMatchObject({
      level: "error",
      msg: "something failed",
      requestId: "req-7",
      accountId: "a1",
    });
    expect(record.error).toMatchObject({ name: "Error", message: "boom" });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("records an OpenTelemetry span per operation when tracing is on, none when off", async () => {
    const { database, drop, key } = await openDemoDatabase("pglite", "tracing", { accounts: 3, today: NOW });
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider();
    provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
    provider.register();
    try {
      const untraced = createPulseYoga({ database, clock: () => NOW });
      await graphql(untraced, key, "query Quiet { __typename }");
      expect(exporter.getFinishedSpans()).toHaveLength(0);
      const traced = createPulseYoga({ database, clock: () => NOW, tracing: true });
      const result = await graphql(
        traced,
        key,
        "query Traced { accounts(first: 2) { edges { node { name } } } }",
      );
      expect(result.errors).toBeUndefined();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.attributes["graphql.execute.operationName"])).toContain("Traced");
    } finally {
      await provider.shutdown();
      await drop();
    }
  });
});
