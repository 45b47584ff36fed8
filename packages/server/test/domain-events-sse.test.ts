// The domainEvents subscription over Server-Sent Events, on real HTTP with the graphql-sse
// client: live events, filters, tenancy, secret keys only, keep-alives, resumption after a
// disconnect (nothing missed, nothing twice), and two servers on one PostgreSQL sharing a real
// Redis, where a write on one reaches a subscriber of the other.
import { randomUUID } from "node:crypto";
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { createClient, type ExecutionResult } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signViewerToken, VIEWER_TOKEN_HEADER } from "../src/auth/viewer-token.ts";
import { DomainEventStream } from "../src/events/event-stream.ts";
import { writeDomainEvents } from "../src/events/outbox.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const REDIS_URL = "redis://127.0.0.1:6379";
const SUBSCRIPTION = `subscription($types: [DomainEventType!], $accountIds: [ID!], $segment: String, $after: ID) {
  domainEvents(types: $types, accountIds: $accountIds, segment: $segment, after: $after) {
    id type accountId occurredAt payload account { externalId segment }
  }
}`;

interface ReceivedEvent {
  id: string;
  type: string;
  accountId: string;
  payload: Record<string, unknown>;
  account: { externalId: string; segment: string | null } | null;
}

/** A subscription through the graphql-sse client, collecting what it receives. */
function subscribe(
  url: string,
  key: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const client = createClient({
    url: `${url}/graphql`,
    headers: { authorization: `Bearer ${key}`, ...headers },
    retryAttempts: 0,
  });
  const received: ReceivedEvent[] = [];
  const errors: unknown[] = [];
  let changed: () => void = () => {};
  const dispose = client.subscribe<{ domainEvents: ReceivedEvent }>(
    { query: SUBSCRIPTION, variables },
    {
      next: (result: ExecutionResult<{ domainEvents: ReceivedEvent }>) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push(result.data.domainEvents);
        changed();
      },
      error: (error) => {
        errors.push(error);
        changed();
      },
      complete: () => changed(),
    },
  );
  return {
    received,
    errors,
    /** Resolves once `count` events arrived (or rejects after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && errors.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`received ${received.length} of ${count} events: ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => {
          changed = resolve;
          setTimeout(resolve, Math.min(left, 100));
        });
      }
      if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
      return received.slice(0, count);
    },
    close() {
      dispose();
      client.dispose();
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let sentiments = 0;
/** Changes the account's latest CSM rating (one SENTIMENT_CHANGED event) through the API. */
async function changeSentiment(
  url: string,
  key: string,
  account: string,
  rating: "RED" | "GREEN" | "YELLOW",
) {
  sentiments += 1;
  const result = await graphql(
    url,
    key,
    `mutation($input: SentimentEntryInput!) { upsertSentimentEntry(input: $input) { __typename } }`,
    {
      input: {
        accountExternalId: account,
        rating,
        externalId: `s-${sentiments}`,
        recordedAt: new Date(Date.now() - 1000 + sentiments).toISOString(),
      },
    },
  );
  expect(result.errors).toBeUndefined();
}

async function addAccount(url: string, key: string, externalId: string, segment: string) {
  const result = await graphql(
    url,
    key,
    `mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }`,
    {
      input: { externalId, name: externalId, segment, signedUpAt: "2026-01-01T00:00:00Z" },
    },
  );
  expect(result.errors).toBeUndefined();
}

describe.each(DATABASE_KINDS)("domain events over SSE on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let events: DomainEventStream;
  let a: CreatedWorkspace;
  let b: CreatedWorkspace;
  // Rating flips per account, so every call is a change.
  const next = new Map<string, "RED" | "GREEN">();
  const flip = async (ws: CreatedWorkspace, account: string) => {
    const rating = next.get(account) === "RED" ? "GREEN" : "RED";
    next.set(account, rating);
    await changeSentiment(server.url, ws.secretKey, account, rating);
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "events_sse"));
    a = await newWorkspace(database, "sse-a");
    b = await newWorkspace(database, "sse-b");
    events = new DomainEventStream(database, { pollIntervalMs: 200 });
    server = await startHttpServer({ database, port: 0, events });
    await addAccount(server.url, a.secretKey, "a-ent", "Enterprise");
    await addAccount(server.url, a.secretKey, "a-smb", "SMB");
    await addAccount(server.url, b.secretKey, "b-ent", "Enterprise");
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it("streams the workspace's events as they commit, filtered by type, account and segment", async () => {
    const all = subscribe(server.url, a.secretKey);
    const enterprise = subscribe(server.url, a.secretKey, {
      segment: "Enterprise",
      types: ["SENTIMENT_CHANGED"],
    });
    const mrrOnly = subscribe(server.url, a.secretKey, { types: ["MRR_CHANGED"] });
    await until(() => events.liveSubscribers === 3);
    await flip(a, "a-smb");
    await flip(a, "a-ent");
    const [first, second] = await all.waitFor(2);
    expect(first).toMatchObject({
      type: "SENTIMENT_CHANGED",
      account: { externalId: "a-smb" },
      payload: { to: "RED" },
    });
    expect(second).toMatchObject({
      type: "SENTIMENT_CHANGED",
      account: { externalId: "a-ent", segment: "Enterprise" },
    });
    const [onlyEnterprise] = await enterprise.waitFor(1);
    expect(onlyEnterprise?.id).toBe(second?.id);
    expect(mrrOnly.received).toEqual([]);
    all.close();
    enterprise.close();
    mrrOnly.close();
    await until(() => events.liveSubscribers === 0);
  });

  it("a viewer token's subscription carries only its scope's events", async () => {
    const result = await graphql(
      server.url,
      a.secretKey,
      `mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }`,
      {
        input: {
          externalId: "a-ada",
          name: "a-ada",
          segment: "SMB",
          csmOwner: "Ada",
          signedUpAt: "2026-01-01T00:00:00Z",
        },
      },
    );
    expect(result.errors).toBeUndefined();
    const token = await signViewerToken({ workspaceId: a.workspaceId, csmOwners: ["Ada"] }, a.signingSecret);
    const viewer = subscribe(server.url, a.publishableKey, {}, { [VIEWER_TOKEN_HEADER]: token });
    // Naming an account outside the scope narrows further, never widens.
    const outside = subscribe(
      server.url,
      a.publishableKey,
      { segment: "Enterprise" },
      { [VIEWER_TOKEN_HEADER]: token },
    );
    await until(() => events.liveSubscribers === 2);
    await flip(a, "a-ent");
    await flip(a, "a-ada");
    await flip(a, "a-smb");
    // A playbook's firing about the viewer's own account: automation, which no viewer sees.
    const ada = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: a.workspaceId, externalId: "a-ada" },
    });
    await database.prisma.$transaction((tx) =>
      writeDomainEvents(tx, [
        {
          type: "PLAYBOOK_FIRED",
          workspaceId: a.workspaceId,
          accountId: ada.id,
          occurredAt: new Date(),
          payload: {
            webhookEndpointId: "endpoint",
            playbookId: "playbook",
            playbookName: "Secret plan",
            firingId: randomUUID(),
            event: { type: "SENTIMENT_CHANGED", id: "1-1", payload: {} },
          },
        },
      ]),
    );
    await flip(a, "a-ada");
    const received = await viewer.waitFor(2);
    expect(received.map((event) => event.account?.externalId)).toEqual(["a-ada", "a-ada"]);
    expect(received.map((event) => event.type)).toEqual(["SENTIMENT_CHANGED", "SENTIMENT_CHANGED"]);
    // Events of one server arrive in order: the others would have come before the second.
    expect(viewer.received).toHaveLength(2);
    expect(outside.received).toEqual([]);
    viewer.close();
    outside.close();
    await until(() => events.liveSubscribers === 0);
  });

  it("a subscriber of workspace B never sees workspace A's events", async () => {
    const subscriberB = subscribe(server.url, b.secretKey);
    await until(() => events.liveSubscribers === 1);
    await flip(a, "a-ent");
    await flip(b, "b-ent");
    await flip(a, "a-smb");
    const [only] = await subscriberB.waitFor(1);
    expect(only).toMatchObject({ account: { externalId: "b-ent" } });
    // A's later event would have arrived by now (events of one server arrive in order).
    await flip(b, "b-ent");
    const received = await subscriberB.waitFor(2);
    expect(received.map((event) => event.account?.externalId)).toEqual(["b-ent", "b-ent"]);
    // Nor can B name A's account to get its events: the filter only narrows B's own stream.
    subscriberB.close();
  });

  it("refuses publishable keys, a bad `after`, and sends a keep-alive first", async () => {
    const refused = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${a.publishableKey}`,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify({ query: SUBSCRIPTION }),
      // Refused, the answer ends at once; a stream left open would time out here.
      signal: AbortSignal.timeout(5_000),
    });
    const refusedText = await refused.text();
    expect(refusedText).toContain("FORBIDDEN");
    expect(refusedText).not.toContain('"domainEvents":{');

    const bad = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${a.secretKey}`,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { after: "not-an-id" } }),
    });
    expect(await bad.text()).toContain("BAD_USER_INPUT");

    const controller = new AbortController();
    const open = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${a.secretKey}`,
        "content-type": "application/json",
        accept: "text/event-stream",
      },
      body: JSON.stringify({ query: SUBSCRIPTION }),
      signal: controller.signal,
    });
    expect(open.headers.get("content-type")).toContain("text/event-stream");
    const reader = open.body?.getReader();
    const chunk = await reader?.read();
    // Yoga answers with an SSE comment at once and every 12 s: proxies keep the stream open.
    expect(new TextDecoder().decode(chunk?.value)).toMatch(/^:/);
    controller.abort();
    await until(() => events.liveSubscribers === 0);
  });

  it("resumes after a disconnect with `after`: the missed events first, then live ones, none twice", async () => {
    const first = subscribe(server.url, a.secretKey);
    await until(() => events.liveSubscribers === 1);
    await flip(a, "a-ent");
    await flip(a, "a-smb");
    const seen = await first.waitFor(2);
    first.close();
    await until(() => events.liveSubscribers === 0);

    // Missed while disconnected.
    await flip(a, "a-ent");
    await flip(b, "b-ent");
    await flip(a, "a-smb");
    const missed = await database.prisma.domainEvent.findMany({
      where: { workspaceId: a.workspaceId },
      orderBy: { position: "desc" },
      take: 2,
    });
    expect(missed).toHaveLength(2);

    const resumed = subscribe(server.url, a.secretKey, { after: seen[1]?.id });
    const caughtUp = await resumed.waitFor(2);
    expect(caughtUp.map((event) => event.account?.externalId)).toEqual(["a-ent", "a-smb"]);
    expect(caughtUp.map((event) => event.id)).not.toContain(seen[1]?.id);
    await until(() => events.liveSubscribers === 1);
    await flip(a, "a-ent");
    const all = await resumed.waitFor(3);
    expect(all[2]).toMatchObject({ account: { externalId: "a-ent" } });
    expect(new Set(all.map((event) => event.id)).size).toBe(3);
    // Resuming from the first event gets the second again, then the rest, in order.
    const again = subscribe(server.url, a.secretKey, { after: seen[0]?.id });
    const replay = await again.waitFor(4);
    expect(replay.map((event) => event.id)).toEqual([seen[1]?.id, ...all.map((event) => event.id)]);
    resumed.close();
    again.close();
  });

  it("sends each event with its SSE id, and resumes from the Last-Event-ID header on reconnect", async () => {
    /** An SSE stream read as EventSource would: events with their `id:` fields. */
    const open = (lastEventId?: string) => {
      const controller = new AbortController();
      const url = new URL(`${server.url}/graphql`);
      url.searchParams.set("query", SUBSCRIPTION);
      const received: { id: string | null; data: { data?: { domainEvents: ReceivedEvent } } }[] = [];
      const done = fetch(url, {
        headers: {
          authorization: `Bearer ${a.secretKey}`,
          accept: "text/event-stream",
          ...(lastEventId ? { "last-event-id": lastEventId } : {}),
        },
        signal: controller.signal,
      })
        .then(async (response) => {
          const reader = response.body?.getReader();
          let buffer = "";
          for (;;) {
            const chunk = await reader?.read();
            if (!chunk || chunk.done) return;
            buffer += new TextDecoder().decode(chunk.value);
            let end = buffer.indexOf("\n\n");
            while (end >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf("\n\n");
              const fields = new Map<string, string>();
              for (const line of block.split("\n")) {
                const colon = line.indexOf(":");
                if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
              }
              if (fields.get("event") === "next")
                received.push({ id: fields.get("id") ?? null, data: JSON.parse(fields.get("data") ?? "{}") });
            }
          }
        })
        .catch(() => {});
      return { received, close: () => controller.abort(), done };
    };
    const live = open();
    await until(() => events.liveSubscribers === 1);
    await flip(a, "a-ent");
    await until(() => live.received.length === 1);
    const [first] = live.received;
    expect(first?.id).toBe(first?.data.data?.domainEvents.id);
    expect(first?.id).toMatch(/^\d+-\d+$/);
    live.close();
    await live.done;
    await until(() => events.liveSubscribers === 0);

    // Missed while the connection was down.
    await flip(a, "a-smb");
    await flip(a, "a-ent");
    const reconnected = open(first?.id ?? "");
    await until(() => reconnected.received.length === 2);
    expect(reconnected.received.map((event) => event.data.data?.domainEvents.account?.externalId)).toEqual([
      "a-smb",
      "a-ent",
    ]);
    expect(reconnected.received.map((event) => event.id)).not.toContain(first?.id);
    reconnected.close();
    await reconnected.done;

    const bad = await fetch(`${server.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`, {
      headers: { authorization: `Bearer ${a.secretKey}`, accept: "text/event-stream", "last-event-id": "x" },
    });
    expect(await bad.text()).toContain("Last-Event-ID header is not an event id");
  });
});

describe("domain events across two servers on one PostgreSQL", () => {
  let scratch: TestDatabase;
  let databases: Database[] = [];
  let servers: StartedServer[] = [];
  let streams: DomainEventStream[] = [];
  let ws: CreatedWorkspace;

  /** Two servers, each with its own pool and stream; they poll once a minute, so only a wake-up is fast. */
  async function startTwo(redisUrl: string | undefined) {
    const channel = `pulse-test:${randomUUID()}`;
    for (const server of servers) await server.close();
    for (const database of databases) await database.close();
    databases = [
      await openDatabase({ url: scratch.url, poolSize: 3 }),
      await openDatabase({ url: scratch.url, poolSize: 3 }),
    ];
    streams = databases.map(
      (database) => new DomainEventStream(database, { redisUrl, channel, pollIntervalMs: 60_000 }),
    );
    servers = await Promise.all(
      databases.map((database, index) =>
        startHttpServer({ database, port: 0, events: streams[index], redisUrl }),
      ),
    );
    return servers as [StartedServer, StartedServer];
  }

  beforeAll(async () => {
    scratch = await createTestDatabase("events_two");
    const setup = await openDatabase({ url: scratch.url });
    ws = await newWorkspace(setup, "two-servers");
    await setup.close();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const database of databases) await database.close();
    await scratch?.drop();
  });

  it("a write on server 1 reaches a subscriber of server 2 through Redis", async () => {
    const [one, two] = await startTwo(REDIS_URL);
    await addAccount(one.url, ws.secretKey, "acme", "Enterprise");
    const onTwo = subscribe(two.url, ws.secretKey, { types: ["SENTIMENT_CHANGED"] });
    await until(() => streams[1]?.liveSubscribers === 1);
    const started = Date.now();
    await changeSentiment(one.url, ws.secretKey, "acme", "RED");
    const [event] = await onTwo.waitFor(1, 5_000);
    // Well before server 2's next poll (a minute away): the Redis wake-up brought it.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(event).toMatchObject({
      type: "SENTIMENT_CHANGED",
      account: { externalId: "acme" },
      payload: { to: "RED" },
    });
    onTwo.close();
  });

  it("without Redis, server 2 learns of it only at its next poll (the control)", async () => {
    const [one, two] = await startTwo(undefined);
    const onTwo = subscribe(two.url, ws.secretKey, { types: ["SENTIMENT_CHANGED"] });
    await until(() => streams[1]?.liveSubscribers === 1);
    await changeSentiment(one.url, ws.secretKey, "acme", "GREEN");
    await expect(onTwo.waitFor(1, 2_000)).rejects.toThrow(/received 0 of 1/);
    // The poll is the safety net: a wake-up (as the poll timer does) delivers it.
    streams[1]?.wake();
    const [event] = await onTwo.waitFor(1, 5_000);
    expect(event).toMatchObject({ payload: { from: "RED", to: "GREEN" } });
    onTwo.close();
  });
});
