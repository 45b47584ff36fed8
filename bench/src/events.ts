// Real-time figures (issue 15): the time from a write to the subscriber's SSE event, with one
// server and with two (a write on one, the subscriber on the other, woken through Redis), and
// webhook deliveries per second. Everything runs in this process on a scratch PostgreSQL
// database (dropped at the end): the servers are Pulse's own HTTP servers, each with its own
// connection pool and event stream; the subscriber reads the SSE stream over loopback HTTP.
//   cd bench && npx tsx src/events.ts [--writes=300] [--deliveries=2000]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase } from "@pulse/schema/test/postgres";
import { DomainEventStream } from "@pulse/server/event-stream";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { writeDomainEvents } from "@pulse/server/outbox";
import { WebhookWorker } from "@pulse/server/webhook-worker";
import { createWorkspace } from "@pulse/server/workspaces";

const { values } = parseArgs({
  options: {
    writes: { type: "string", default: "300" },
    deliveries: { type: "string", default: "2000" },
  },
});
const WRITES = Number(values.writes);
const DELIVERIES = Number(values.deliveries);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** An SSE subscription over HTTP that resolves a waiter per event. */
async function subscribe(url: string, key: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "text/event-stream",
    },
    body: JSON.stringify({ query: "subscription { domainEvents(types: [SENTIMENT_CHANGED]) { id } }" }),
    signal: controller.signal,
  });
  const waiters: (() => void)[] = [];
  let pending = 0;
  void (async () => {
    let buffer = "";
    const decoder = new TextDecoder();
    const reader = response.body?.getReader();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return;
      buffer += decoder.decode(chunk.value);
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!block.startsWith("event: next")) continue;
        const waiter = waiters.shift();
        if (waiter) waiter();
        else pending += 1;
      }
    }
  })().catch(() => {});
  return {
    next: () =>
      new Promise<void>((resolve) => {
        if (pending > 0) {
          pending -= 1;
          resolve();
        } else waiters.push(resolve);
      }),
    close: () => controller.abort(),
  };
}

async function graphql(url: string, key: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

/** Write → event latencies (ms): `writes` sentiment changes written on `writer`, read on `reader`. */
async function writeToEvent(writer: string, reader: string, key: string, label: string): Promise<number[]> {
  const subscription = await subscribe(reader, key);
  // Let the subscription register before the first write.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latencies: number[] = [];
  for (let index = 0; index < WRITES + 20; index += 1) {
    const arrived = subscription.next();
    const started = performance.now();
    await graphql(
      writer,
      key,
      "mutation($input: SentimentEntryInput!) { upsertSentimentEntry(input: $input) { __typename } }",
      {
        input: {
          accountExternalId: "acme",
          rating: index % 2 === 0 ? "RED" : "GREEN",
          externalId: `${label}-${index}`,
          recordedAt: new Date(Date.now() - 60_000 + index).toISOString(),
        },
      },
    );
    await arrived;
    // The first 20 warm up (connections, prepared statements, JIT).
    if (index >= 20) latencies.push(performance.now() - started);
  }
  subscription.close();
  return latencies.sort((a, b) => a - b);
}

const pg = await createTestDatabase("bench_events");
const databases: Database[] = [];
const servers: StartedServer[] = [];
try {
  const channel = `pulse-bench:${Date.now()}`;
  for (let index = 0; index < 2; index += 1) {
    const database = await openDatabase({ url: pg.url, poolSize: 8 });
    databases.push(database);
    const events = new DomainEventStream(database, { redisUrl: REDIS_URL, channel });
    servers.push(await startHttpServer({ database, port: 0, events, rateLimits: null }));
  }
  const [first, second] = servers as [StartedServer, StartedServer];
  const [db1, db2] = databases as [Database, Database];
  const ws = await createWorkspace(db1.prisma, { name: "Bench events", slug: "bench-events" });
  await graphql(
    first.url,
    ws.secretKey,
    "mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }",
    {
      input: { externalId: "acme", name: "Acme", signedUpAt: "2026-01-01T00:00:00Z" },
    },
  );

  const rows: string[][] = [];
  const report = (name: string, latencies: number[]) =>
    rows.push([
      name,
      String(latencies.length),
      percentile(latencies, 50).toFixed(1),
      percentile(latencies, 99).toFixed(1),
    ]);
  report(
    "one server (write and subscriber on it)",
    await writeToEvent(first.url, first.url, ws.secretKey, "one"),
  );
  report(
    "two servers (write on 1, subscriber on 2, Redis)",
    await writeToEvent(first.url, second.url, ws.secretKey, "two"),
  );
  console.log("\nwrite → SSE event (ms, from sending the mutation to the event's arrival)");
  console.log("| case | writes | p50 | p99 |\n| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);

  // Webhook deliveries per second: a loopback receiver answering 204 at once.
  const seen = new Set<string>();
  let requests = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests += 1;
      seen.add(String(request.headers["webhook-id"]));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const account = await db1.prisma.account.findFirstOrThrow({ where: { workspaceId: ws.workspaceId } });
  const deliveryRows: string[][] = [];
  let round = 0;
  for (const [label, workerDatabases, maxInFlight] of [
    ["1 server, 5 in flight per endpoint (default)", [db1], 5],
    ["1 server, 25 in flight per endpoint", [db1], 25],
    ["2 servers, 25 in flight per endpoint", [db1, db2], 25],
  ] as const) {
    round += 1;
    await db1.prisma.webhookEndpoint.deleteMany({ where: { workspaceId: ws.workspaceId } });
    await db1.prisma.webhookEndpoint.create({
      data: {
        workspaceId: ws.workspaceId,
        url: hookUrl,
        eventTypes: ["MRR_CHANGED"],
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      },
    });
    // The events first (the dispatcher has read everything before), then the workers start.
    const workers0 = new WebhookWorker(db1, { allowPrivate: true });
    await workers0.runCycle();
    await workers0.stop();
    seen.clear();
    requests = 0;
    for (let offset = 0; offset < DELIVERIES; offset += 500) {
      await db1.prisma.$transaction((tx) =>
        writeDomainEvents(
          tx,
          Array.from({ length: Math.min(500, DELIVERIES - offset) }, (_, index) => ({
            type: "MRR_CHANGED" as const,
            workspaceId: ws.workspaceId,
            accountId: account.id,
            occurredAt: new Date(),
            payload: { from: "0", to: String(offset + index), delta: String(round) },
          })),
        ),
      );
    }
    const started = performance.now();
    const workers = workerDatabases.map((database) =>
      new WebhookWorker(database, {
        allowPrivate: true,
        maxInFlightPerEndpoint: maxInFlight,
        pollIntervalMs: 100,
      }).start(),
    );
    for (const database of workerDatabases) database.outboxSignal.written();
    while (seen.size < DELIVERIES) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(workers.map((worker) => worker.stop()));
    deliveryRows.push([
      label,
      String(DELIVERIES),
      seconds.toFixed(2),
      (DELIVERIES / seconds).toFixed(0),
      String(requests - seen.size),
    ]);
  }
  receiver.close();
  console.log("\nwebhook deliveries (events already in the outbox; dispatch, lease, sign, POST, record)");
  console.log("| case | deliveries | seconds | per second | repeats |\n| --- | ---: | ---: | ---: | ---: |");
  for (const row of deliveryRows) console.log(`| ${row.join(" | ")} |`);
} finally {
  for (const server of servers) await server.close();
  for (const database of databases) await database.close();
  await pg.drop();
}
