// Operations endpoints of a real server: liveness, readiness (database, migrations, draining),
// Prometheus metrics (per operation, errors by code, pools, event-loop lag, bounded labels),
// request ids, structured logs, and OpenTelemetry spans when tracing is on.

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { createLogger, withRequestId } from "../src/operations/logger.ts";
import { createPulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe.each(DATABASE_KINDS)("operations endpoints on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let key: string;
  let server: StartedServer;

  beforeAll(async () => {
    ({ database, drop, key } = await openDemoDatabase(kind, "operations", { accounts: 8, today: NOW }));
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
