// Webhooks on real parts: endpoints through GraphQL on a real HTTP server, the worker delivering
// from the outbox to a receiver on loopback that verifies signatures with `standardwebhooks`,
// retries with backoff, the delivery log, redelivery, secret rotation, automatic disabling, the
// playbook.fired routing, SSRF refusals, tenancy, outbox cleanup; and two workers on one
// PostgreSQL delivering each event once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DomainEventDraft } from "../src/events/domain-events.ts";
import { writeDomainEvents } from "../src/events/outbox.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { dispatchOutbox } from "../src/webhooks/dispatch.ts";
import { cleanUpOutbox } from "../src/webhooks/outbox-cleanup.ts";
import { nextAttemptAt } from "../src/webhooks/retry-schedule.ts";
import { checkWebhookUrl, isPrivateAddress } from "../src/webhooks/ssrf.ts";
import { WebhookWorker, type WebhookWorkerOptions } from "../src/webhooks/worker.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { type Receiver, startReceiver, until } from "./webhook-receiver.ts";

const ENDPOINT_FIELDS = "id url description eventTypes enabled disabledReason consecutiveFailures";
const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    __typename
    ... on MutationCreateWebhookEndpointSuccess { data { secret endpoint { ${ENDPOINT_FIELDS} } } }
    ... on ValidationError { message fields { path message } }
  }
}`;

interface Endpoint {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  eventTypes: string[];
}

const FAST: WebhookWorkerOptions = {
  allowPrivate: true,
  pollIntervalMs: 50,
  timeoutMs: 2_000,
  retry: { baseDelayMs: 40, maxDelayMs: 200 },
};

describe("webhook rules", () => {
  it("classifies addresses: private, loopback, link-local, CGNAT, multicast, unspecified, mapped", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "224.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "64:ff9b::a9fe:a9fe",
      "[::1]",
      "not-an-ip",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it("refuses URLs by form and by the addresses their host resolves to", async () => {
    const strict = { allowPrivate: false, resolve: async () => ["10.0.0.7"] };
    await expect(checkWebhookUrl("ftp://example.com/x", strict)).rejects.toThrow(/http and https/);
    await expect(checkWebhookUrl("https://user:pw@example.com/", strict)).rejects.toThrow(/password/);
    await expect(checkWebhookUrl("not a url", strict)).rejects.toThrow(/not a URL/);
    await expect(checkWebhookUrl("https://rebind.example/", strict)).rejects.toThrow(/10\.0\.0\.7/);
    await expect(checkWebhookUrl("http://[::ffff:127.0.0.1]:8080/", strict)).rejects.toThrow(/non-public/);
    const mixed = { allowPrivate: false, resolve: async () => ["93.184.216.34", "127.0.0.1"] };
    await expect(checkWebhookUrl("https://two.example/", mixed)).rejects.toThrow(/127\.0\.0\.1/);
    const fine = { allowPrivate: false, resolve: async () => ["93.184.216.34"] };
    await expect(checkWebhookUrl("https://ok.example/hook", fine)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("http://127.0.0.1:9/hook", { allowPrivate: true })).resolves.toBeInstanceOf(
      URL,
    );
  });

  it("backs off exponentially with jitter over at least 24 hours, then stops", () => {
    const schedule = { baseDelayMs: 30_000, maxDelayMs: 4 * 3_600_000, retryWindowMs: 24 * 3_600_000 };
    const first = new Date("2026-01-01T00:00:00Z");
    // Worked example: after the 3rd failure the delay is 30 s × 2² = 120 s, of which half is jitter.
    const third = nextAttemptAt(schedule, {
      failedAttempts: 3,
      firstAttemptAt: first,
      now: first,
      random: 0,
    });
    expect(third?.getTime()).toBe(first.getTime() + 60_000);
    const thirdMax = nextAttemptAt(schedule, {
      failedAttempts: 3,
      firstAttemptAt: first,
      now: first,
      random: 0.999999,
    });
    expect((thirdMax?.getTime() ?? 0) - first.getTime()).toBeCloseTo(120_000, -2);
    // Attempts at the shortest delays: the last one still falls exactly at the 24 h mark.
    let now = first;
    let failures = 0;
    for (;;) {
      failures += 1;
      const next = nextAttemptAt(schedule, {
        failedAttempts: failures,
        firstAttemptAt: first,
        now,
        random: 0,
      });
      if (!next) break;
      now = next;
    }
    expect(now.getTime() - first.getTime()).toBe(24 * 3_600_000);
    expect(failures).toBeGreaterThan(10);
  });
});

describe.each(DATABASE_KINDS)("webhooks on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let a: CreatedWorkspace;
  let b: CreatedWorkspace;
  let accountA: string;
  let accountB: string;
  const receivers: Receiver[] = [];
  const workers: WebhookWorker[] = [];

  const receiver = async (options: Parameters<typeof startReceiver>[0] = {}) => {
    const started = await startReceiver(options);
    receivers.push(started);
    return started;
  };
  const worker = (options: WebhookWorkerOptions = {}) => {
    const started = new WebhookWorker(database, { ...FAST, ...options }).start();
    workers.push(started);
    return started;
  };
  const create = async (
    ws: CreatedWorkspace,
    input: { url: string; eventTypes: string[]; description?: string },
  ) => {
    const result = await graphql<{
      createWebhookEndpoint: { __typename: string; data?: { secret: string; endpoint: Endpoint } };
    }>(server.url, ws.secretKey, CREATE, { input });
    expect(result.errors).toBeUndefined();
    const created = result.data?.createWebhookEndpoint;
    if (!created?.data) throw new Error(`not created: ${JSON.stringify(created)}`);
    return created.data;
  };
  /** Writes events as a change would (one transaction), and signals like a writer. */
  const emit = async (drafts: DomainEventDraft[]) => {
    await database.prisma.$transaction((tx) => writeDomainEvents(tx, drafts));
    database.outboxSignal.written();
  };
  let mrr = 0;
  const mrrChanged = (ws: CreatedWorkspace, accountId: string): DomainEventDraft => {
    mrr += 1;
    return {
      type: "MRR_CHANGED",
      workspaceId: ws.workspaceId,
      accountId,
      occurredAt: new Date(),
      payload: { from: String(mrr - 1), to: String(mrr), delta: "1" },
    };
  };
  const addAccount = async (ws: CreatedWorkspace, externalId: string) => {
    const result = await graphql(
      server.url,
      ws.secretKey,
      `mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }`,
      { input: { externalId, name: externalId, segment: "Enterprise", signedUpAt: "2026-01-01T00:00:00Z" } },
    );
    expect(result.errors).toBeUndefined();
    const row = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: ws.workspaceId, externalId },
    });
    return row.id;
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "webhooks"));
    a = await newWorkspace(database, "hooks-a");
    b = await newWorkspace(database, "hooks-b");
    server = await startHttpServer({ database, port: 0, allowPrivateWebhooks: true });
    accountA = await addAccount(a, "acme");
    accountB = await addAccount(b, "globex");
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((started) => started.stop()));
    await Promise.all(receivers.splice(0).map((started) => started.close()));
    // Each test starts with no endpoints, and the dispatcher past every event so far.
    await database.prisma.webhookEndpoint.deleteMany({});
    while ((await dispatchOutbox(database.prisma)).events > 0);
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it("delivers a real write's event signed, retried after failures, with its log in GraphQL", async () => {
    const hooks = await receiver({ failFirst: 2 });
    const { secret, endpoint } = await create(a, {
      url: hooks.url,
      eventTypes: ["SENTIMENT_CHANGED"],
      description: "CRM sync",
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(endpoint).toMatchObject({ url: hooks.url, enabled: true, eventTypes: ["SENTIMENT_CHANGED"] });
    hooks.options.secret = secret;
    worker();
    const written = await graphql(
      server.url,
      a.secretKey,
      `mutation($input: SentimentEntryInput!) { upsertSentimentEntry(input: $input) { __typename } }`,
      {
        input: {
          accountExternalId: "acme",
          rating: "RED",
          externalId: "s-1",
          recordedAt: new Date(Date.now() - 1000).toISOString(),
        },
      },
    );
    expect(written.errors).toBeUndefined();
    await until(() => hooks.processed.size === 1);
    expect(hooks.requests).toHaveLength(3);
    // One webhook-id (the event's id) on every attempt, each request verified.
    expect(new Set(hooks.requests.map((request) => request.id)).size).toBe(1);
    expect(hooks.requests.every((request) => request.verified)).toBe(true);
    const [delivered] = [...hooks.processed.values()];
    const event = await database.prisma.domainEvent.findFirstOrThrow({
      where: { workspaceId: a.workspaceId, type: "SENTIMENT_CHANGED" },
    });
    expect(delivered?.id).toBe(`${event.txid}-${event.position}`);
    expect(delivered?.body).toMatchObject({
      type: "sentiment.changed",
      data: { eventId: delivered?.id, eventType: "SENTIMENT_CHANGED", payload: { to: "RED" } },
    });

    // The log, per endpoint and per event.
    await until(async () => {
      const row = await database.prisma.webhookDelivery.findFirst({ where: { eventId: delivered?.id } });
      return row?.status === "SUCCEEDED";
    });
    const log = await graphql<{
      node: {
        deliveries: {
          edges: {
            node: {
              id: string;
              eventId: string;
              status: string;
              attemptCount: number;
              attempts: {
                succeeded: boolean;
                responseStatus: number;
                latencyMs: number;
                error: string | null;
              }[];
            };
          }[];
        };
      };
      webhookDeliveries: { eventId: string; endpoint: { id: string } }[];
    }>(
      server.url,
      a.secretKey,
      `query($id: ID!, $eventId: ID!) {
        node(id: $id) { ... on WebhookEndpoint { deliveries(first: 10) { edges { node {
          id eventId status attemptCount attempts { attemptedAt succeeded responseStatus latencyMs error }
        } } } } }
        webhookDeliveries(eventId: $eventId) { eventId endpoint { id } }
      }`,
      { id: endpoint.id, eventId: delivered?.id },
    );
    expect(log.errors).toBeUndefined();
    const [entry] = log.data?.node.deliveries.edges ?? [];
    expect(entry?.node).toMatchObject({ eventId: delivered?.id, status: "SUCCEEDED", attemptCount: 3 });
    expect(entry?.node.attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 204]);
    expect(entry?.node.attempts.map((attempt) => attempt.succeeded)).toEqual([false, false, true]);
    expect(entry?.node.attempts[0]?.error).toBe("HTTP 500");
    expect(entry?.node.attempts.every((attempt) => attempt.latencyMs >= 0)).toBe(true);
    expect(log.data?.webhookDeliveries).toEqual([{ eventId: delivered?.id, endpoint: { id: endpoint.id } }]);

    // Manual redelivery: the same webhook-id again; the receiver's de-duplication drops it.
    const redelivered = await graphql<{ redeliverWebhook: { __typename: string } }>(
      server.url,
      a.secretKey,
      `mutation($id: ID!) { redeliverWebhook(id: $id) { __typename } }`,
      { id: entry?.node.id },
    );
    expect(redelivered.data?.redeliverWebhook.__typename).toBe("MutationRedeliverWebhookSuccess");
    await until(() => hooks.requests.length === 4);
    expect(hooks.requests[3]?.id).toBe(delivered?.id);
    expect(hooks.processed.size).toBe(1);
  });

  it("sends only subscribed types, a playbook.fired event to its named endpoint only, per workspace", async () => {
    const mrrHooks = await receiver();
    const playbookHooks = await receiver();
    const otherWorkspace = await receiver();
    const mrrEndpoint = await create(a, { url: mrrHooks.url, eventTypes: ["MRR_CHANGED"] });
    const playbookEndpoint = await create(a, { url: playbookHooks.url, eventTypes: ["PLAYBOOK_FIRED"] });
    const bEndpoint = await create(b, {
      url: otherWorkspace.url,
      eventTypes: ["MRR_CHANGED", "PLAYBOOK_FIRED"],
    });
    mrrHooks.options.secret = mrrEndpoint.secret;
    playbookHooks.options.secret = playbookEndpoint.secret;
    otherWorkspace.options.secret = bEndpoint.secret;
    worker();
    const fired = (endpointId: string | null): DomainEventDraft => ({
      type: "PLAYBOOK_FIRED",
      workspaceId: a.workspaceId,
      accountId: accountA,
      occurredAt: new Date(),
      payload: {
        playbookId: "p-1",
        playbookName: "P",
        firingId: `f-${endpointId}`,
        webhookEndpointId: endpointId,
        event: { id: "1-1", type: "SURVEY_RESPONSE_RECEIVED", payload: { score: 3 } },
      },
    });
    await emit([
      mrrChanged(a, accountA),
      // To the MRR endpoint, though it does not subscribe to playbook.fired.
      fired(mrrEndpoint.endpoint.id),
      // Naming another workspace's endpoint: delivered nowhere.
      fired(bEndpoint.endpoint.id),
      // Naming no endpoint: an ordinary event, to the endpoints that subscribe to it.
      fired(null),
      mrrChanged(b, accountB),
    ]);
    await until(() => mrrHooks.processed.size === 2 && playbookHooks.processed.size === 1);
    await until(() => otherWorkspace.processed.size === 1);
    // Whatever was still on its way has arrived by now.
    const idle = async () => {
      await until(
        async () => (await database.prisma.webhookDelivery.count({ where: { status: "PENDING" } })) === 0,
      );
    };
    await idle();
    const types = (hooks: Receiver) => [...hooks.processed.values()].map((request) => request.body.type);
    expect(types(mrrHooks)).toEqual(["mrr.changed", "playbook.fired"]);
    expect([...mrrHooks.processed.values()][1]?.body.data).toMatchObject({
      payload: { webhookEndpointId: mrrEndpoint.endpoint.id, playbookId: "p-1" },
    });
    expect(types(playbookHooks)).toEqual(["playbook.fired"]);
    expect([...playbookHooks.processed.values()][0]?.body.data).toMatchObject({
      payload: { webhookEndpointId: null },
    });
    expect(types(otherWorkspace)).toEqual(["mrr.changed"]);
    expect(otherWorkspace.requests).toHaveLength(1);
  });

  it("fails an attempt that gets no answer within the timeout, and retries it", async () => {
    const slow = await receiver({ delayMs: 1_500 });
    const { secret, endpoint } = await create(a, { url: slow.url, eventTypes: ["MRR_CHANGED"] });
    slow.options.secret = secret;
    worker({ timeoutMs: 300 });
    await emit([mrrChanged(a, accountA)]);
    await until(() => slow.requests.length === 1);
    slow.options.delayMs = 0;
    await until(() => slow.processed.size === 1);
    // The outcome is recorded once the answer is in.
    await until(
      async () =>
        (await database.prisma.webhookAttempt.count({
          where: { delivery: { endpointId: decodeId(endpoint.id) }, succeeded: true },
        })) === 1,
    );
    const attempts = await database.prisma.webhookAttempt.findMany({
      where: { delivery: { endpointId: decodeId(endpoint.id) } },
      orderBy: { attemptedAt: "asc" },
    });
    expect(attempts[0]).toMatchObject({
      succeeded: false,
      responseStatus: null,
      error: "no answer within 300 ms",
    });
    expect(attempts[0]?.latencyMs).toBeLessThan(1_500);
    expect(attempts.at(-1)).toMatchObject({ succeeded: true, responseStatus: 204 });
  });

  it("keeps at most N attempts in flight per endpoint", async () => {
    const slow = await receiver({ delayMs: 150 });
    const { secret } = await create(a, { url: slow.url, eventTypes: ["MRR_CHANGED"] });
    slow.options.secret = secret;
    worker({ maxInFlightPerEndpoint: 2 });
    await emit(Array.from({ length: 6 }, () => mrrChanged(a, accountA)));
    await until(() => slow.processed.size === 6);
    expect(slow.maxConcurrent).toBe(2);
  });

  it("signs with both secrets during a rotation's grace period, with the new one only after", async () => {
    const hooks = await receiver();
    const created = await create(a, { url: hooks.url, eventTypes: ["MRR_CHANGED"] });
    const rotate = async (gracePeriodHours: number) => {
      const result = await graphql<{
        rotateWebhookSecret: {
          data: { secret: string; endpoint: { previousSecretExpiresAt: string | null } };
        };
      }>(
        server.url,
        a.secretKey,
        `mutation($id: ID!, $hours: Int) { rotateWebhookSecret(id: $id, gracePeriodHours: $hours) {
          ... on MutationRotateWebhookSecretSuccess { data { secret endpoint { previousSecretExpiresAt } } }
        } }`,
        { id: created.endpoint.id, hours: gracePeriodHours },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.rotateWebhookSecret.data;
    };
    const rotated = await rotate(24);
    expect(rotated?.secret).not.toBe(created.secret);
    expect(rotated?.endpoint.previousSecretExpiresAt).not.toBeNull();
    // A receiver still on the old secret verifies.
    hooks.options.secret = created.secret;
    worker();
    await emit([mrrChanged(a, accountA)]);
    await until(() => hooks.processed.size === 1);
    expect(hooks.requests[0]?.signatures).toHaveLength(2);
    // Without a grace period the old secret no longer signs: a receiver on it refuses (401).
    const again = await rotate(0);
    hooks.options.secret = again?.secret;
    await emit([mrrChanged(a, accountA)]);
    await until(() => hooks.processed.size === 2);
    expect(hooks.requests.at(-1)?.signatures).toHaveLength(1);
    hooks.options.secret = created.secret;
    await emit([mrrChanged(a, accountA)]);
    await until(() => hooks.requests.length === 3);
    expect(hooks.requests[2]?.verified).toBe(false);
  });

  it("disables an endpoint after repeated failure, with a webhook.endpoint_disabled event", async () => {
    const failing = await receiver({ status: 503 });
    const watcher = await receiver();
    const broken = await create(a, { url: failing.url, eventTypes: ["MRR_CHANGED"] });
    const watching = await create(a, { url: watcher.url, eventTypes: ["WEBHOOK_ENDPOINT_DISABLED"] });
    failing.options.secret = broken.secret;
    watcher.options.secret = watching.secret;
    worker({ disableAfterFailures: 3 });
    await emit([mrrChanged(a, accountA)]);
    await until(() => watcher.processed.size === 1);
    const [notice] = [...watcher.processed.values()];
    expect(notice?.body).toMatchObject({
      type: "webhook.endpoint_disabled",
      data: { accountId: null, payload: { endpointId: broken.endpoint.id, consecutiveFailures: 3 } },
    });
    expect(failing.requests).toHaveLength(3);
    const listed = await graphql<{ workspace: { webhookEndpoints: Endpoint[] } }>(
      server.url,
      a.secretKey,
      `{ workspace { webhookEndpoints { ${ENDPOINT_FIELDS} } } }`,
    );
    const state = listed.data?.workspace.webhookEndpoints.find((e) => e.id === broken.endpoint.id);
    expect(state).toMatchObject({ enabled: false, disabledReason: "3 attempts in a row failed." });
    // Enabled again, the waiting delivery resumes.
    failing.options.status = 204;
    const enabled = await graphql(
      server.url,
      a.secretKey,
      `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { __typename } }`,
      { id: broken.endpoint.id },
    );
    expect(enabled.errors).toBeUndefined();
    await until(() => failing.processed.size === 1);
  });

  it("refuses bad and private URLs at creation, and private targets at delivery", async () => {
    const strictServer = await startHttpServer({ database, port: 0 });
    try {
      for (const url of [
        "ftp://example.com/",
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "javascript:alert(1)",
      ]) {
        const result = await graphql<{
          createWebhookEndpoint: { __typename: string; fields: { path: string }[] };
        }>(strictServer.url, a.secretKey, CREATE, { input: { url, eventTypes: ["MRR_CHANGED"] } });
        expect(result.data?.createWebhookEndpoint.__typename, url).toBe("ValidationError");
        expect(result.data?.createWebhookEndpoint.fields[0]?.path).toBe("url");
      }
      const noTypes = await graphql<{ createWebhookEndpoint: { __typename: string } }>(
        strictServer.url,
        a.secretKey,
        CREATE,
        { input: { url: "https://example.com/", eventTypes: [] } },
      );
      expect(noTypes.data?.createWebhookEndpoint.__typename).toBe("ValidationError");
      expect(await database.prisma.webhookEndpoint.count()).toBe(0);
    } finally {
      await strictServer.close();
    }
    // Saved while private targets were allowed, sent by a worker that refuses them: the
    // delivery-time check (DNS rebinding) fails the attempt without a request.
    const hooks = await receiver();
    const created = await create(a, {
      url: hooks.url.replace("127.0.0.1", "localhost"),
      eventTypes: ["MRR_CHANGED"],
    });
    hooks.options.secret = created.secret;
    worker({ allowPrivate: false });
    await emit([mrrChanged(a, accountA)]);
    await until(
      async () =>
        (await database.prisma.webhookAttempt.count({
          where: { delivery: { endpointId: decodeId(created.endpoint.id) } },
        })) > 0,
    );
    const attempt = await database.prisma.webhookAttempt.findFirstOrThrow({
      where: { delivery: { endpointId: decodeId(created.endpoint.id) } },
    });
    expect(attempt).toMatchObject({ succeeded: false, responseStatus: null });
    expect(attempt.error).toMatch(/non-public address/);
    expect(hooks.requests).toHaveLength(0);
  });

  it("keeps endpoints and deliveries inside their workspace, and from publishable keys", async () => {
    const hooks = await receiver();
    const created = await create(a, { url: hooks.url, eventTypes: ["MRR_CHANGED"] });
    hooks.options.secret = created.secret;
    worker();
    await emit([mrrChanged(a, accountA)]);
    await until(() => hooks.processed.size === 1);
    const [event] = [...hooks.processed.keys()];
    const delivery = await database.prisma.webhookDelivery.findFirstOrThrow({ where: { eventId: event } });
    const asB = await graphql<{
      node: unknown;
      delivery: unknown;
      webhookDeliveries: unknown[];
      workspace: { webhookEndpoints: unknown[] };
    }>(
      server.url,
      b.secretKey,
      `query($id: ID!, $delivery: ID!, $event: ID!) {
        node(id: $id) { id } delivery: node(id: $delivery) { id }
        webhookDeliveries(eventId: $event) { id } workspace { webhookEndpoints { id } }
      }`,
      {
        id: created.endpoint.id,
        delivery: Buffer.from(`WebhookDelivery:${delivery.id}`).toString("base64"),
        event,
      },
    );
    expect(asB.data).toEqual({
      node: null,
      delivery: null,
      webhookDeliveries: [],
      workspace: { webhookEndpoints: [] },
    });
    for (const mutation of [
      "disableWebhookEndpoint(id: $id) { __typename }",
      "deleteWebhookEndpoint(id: $id) { __typename }",
      "rotateWebhookSecret(id: $id) { __typename }",
      'updateWebhookEndpoint(id: $id, input: { description: "x" }) { __typename }',
    ]) {
      const result = await graphql<Record<string, { __typename: string }>>(
        server.url,
        b.secretKey,
        `mutation($id: ID!) { ${mutation} }`,
        { id: created.endpoint.id },
      );
      expect(Object.values(result.data ?? {})[0]?.__typename, mutation).toBe("NotFoundError");
    }
    const redeliver = await graphql<{ redeliverWebhook: { __typename: string } }>(
      server.url,
      b.secretKey,
      `mutation($id: ID!) { redeliverWebhook(id: $id) { __typename } }`,
      { id: Buffer.from(`WebhookDelivery:${delivery.id}`).toString("base64") },
    );
    expect(redeliver.data?.redeliverWebhook.__typename).toBe("NotFoundError");
    const publishable = await graphql(
      server.url,
      a.publishableKey,
      `{ workspace { webhookEndpoints { id } } }`,
    );
    expect(publishable.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(
      await database.prisma.webhookEndpoint.findUnique({ where: { id: decodeId(created.endpoint.id) } }),
    ).toMatchObject({ enabled: true, description: null });

    // Update and delete by the owner.
    const updated = await graphql<{ updateWebhookEndpoint: { data?: Endpoint & { description: string } } }>(
      server.url,
      a.secretKey,
      `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "renamed", eventTypes: [MRR_CHANGED, ACCOUNT_CHURNED] }) {
        ... on MutationUpdateWebhookEndpointSuccess { data { ${ENDPOINT_FIELDS} } } } }`,
      { id: created.endpoint.id },
    );
    expect(updated.data?.updateWebhookEndpoint.data).toMatchObject({
      description: "renamed",
      eventTypes: ["MRR_CHANGED", "ACCOUNT_CHURNED"],
    });
    const deleted = await graphql<{ deleteWebhookEndpoint: { data?: string } }>(
      server.url,
      a.secretKey,
      `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { ... on MutationDeleteWebhookEndpointSuccess { data } } }`,
      { id: created.endpoint.id },
    );
    expect(deleted.data?.deleteWebhookEndpoint.data).toBe(created.endpoint.id);
    expect(await database.prisma.webhookDelivery.count({ where: { id: delivery.id } })).toBe(0);
  });

  it("reads the delivery log in a fixed number of statements, whatever its length", async () => {
    const created = await create(a, { url: "http://127.0.0.1:9/hook", eventTypes: ["MRR_CHANGED"] });
    const endpointId = decodeId(created.endpoint.id);
    const addDeliveries = async (count: number, offset: number) => {
      for (let index = 0; index < count; index += 1) {
        await database.prisma.webhookDelivery.create({
          data: {
            workspaceId: a.workspaceId,
            endpointId,
            eventId: `9-${offset + index}`,
            eventType: "MRR_CHANGED",
            body: "{}",
            attemptLog: {
              create: [
                {
                  workspaceId: a.workspaceId,
                  attemptedAt: new Date(),
                  succeeded: false,
                  responseStatus: 500,
                  latencyMs: 3,
                },
                {
                  workspaceId: a.workspaceId,
                  attemptedAt: new Date(),
                  succeeded: true,
                  responseStatus: 200,
                  latencyMs: 2,
                },
              ],
            },
          },
        });
      }
    };
    const request = () =>
      graphql<{ node: { deliveries: { edges: unknown[] } } }>(
        server.url,
        a.secretKey,
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 50) { edges { node {
          eventId status attempts { responseStatus latencyMs } endpoint { url } } } } } } }`,
        { id: created.endpoint.id },
      );
    const statementsFor = async () => {
      // Today's snapshots of the accounts written before are computed in the background, and
      // a first request refreshes the key's cached lookup: count a second one.
      await server.snapshots.flush();
      await request();
      const before = database.statements.count;
      const result = await request();
      expect(result.errors).toBeUndefined();
      return {
        statements: database.statements.count - before,
        rows: result.data?.node.deliveries.edges.length,
      };
    };
    await addDeliveries(2, 0);
    const small = await statementsFor();
    await addDeliveries(6, 2);
    const large = await statementsFor();
    expect(small.rows).toBe(2);
    expect(large.rows).toBe(8);
    expect(large.statements).toBe(small.statements);
  });

  it("cleans up old outbox events every consumer has read, keeping what later writes depend on", async () => {
    worker();
    await emit([mrrChanged(a, accountA)]);
    const atRisk: DomainEventDraft = {
      type: "AT_RISK_ENTERED",
      workspaceId: a.workspaceId,
      accountId: accountA,
      occurredAt: new Date(),
      payload: { reasons: [], band: null, score: null },
    };
    await emit([atRisk]);
    // Read by the dispatcher, then made old.
    await until(async () => {
      const [consumer] = await database.prisma.outboxConsumer.findMany();
      const newest = await database.prisma.domainEvent.findFirst({
        orderBy: [{ txid: "desc" }, { position: "desc" }],
      });
      return !!consumer && !!newest && consumer.position >= newest.position;
    });
    await database.prisma
      .$executeRaw`UPDATE "DomainEvent" SET "createdAt" = "createdAt" - interval '30 days'`;
    await emit([mrrChanged(a, accountA)]);
    const before = await database.prisma.domainEvent.count();
    const deleted = await cleanUpOutbox(database, { now: new Date(), retentionDays: 7 });
    expect(deleted).toBeGreaterThan(0);
    const left = await database.prisma.domainEvent.findMany({ select: { type: true, createdAt: true } });
    expect(left.length).toBe(before - deleted);
    // The newest at-risk event stays, and so does the event younger than the retention.
    expect(left.filter((event) => event.type === "AT_RISK_ENTERED")).toHaveLength(1);
    expect(left.filter((event) => event.createdAt > new Date(Date.now() - 86_400_000))).toHaveLength(1);
  });
});

function decodeId(globalId: string): string {
  return Buffer.from(globalId, "base64").toString("utf8").split(":")[1] ?? "";
}

describe("the webhook worker and the database's lifecycle", () => {
  it("stops before the database closes: the attempt under way is aborted and its lease given back", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pulse-webhooks-"));
    const hanging = await startReceiver({ hangFirst: 1 });
    try {
      let database = await openDatabase({ dataDir });
      const ws = await newWorkspace(database, "lifecycle");
      const account = await database.prisma.account.create({
        data: { workspaceId: ws.workspaceId, externalId: "x", name: "x", signedUpAt: new Date() },
      });
      await database.prisma.webhookEndpoint.create({
        data: {
          workspaceId: ws.workspaceId,
          url: hanging.url,
          eventTypes: ["MRR_CHANGED"],
          secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
      });
      const worker = new WebhookWorker(database, FAST).start();
      await database.prisma.$transaction((tx) =>
        writeDomainEvents(tx, [
          {
            type: "MRR_CHANGED",
            workspaceId: ws.workspaceId,
            accountId: account.id,
            occurredAt: new Date(),
            payload: { from: "0", to: "1", delta: "1" },
          },
        ]),
      );
      database.outboxSignal.written();
      await until(() => hanging.requests.length === 1);
      expect(worker.attemptsInFlight).toBe(1);
      // The worker registered with the database: closing it stops the worker first.
      await database.close();
      expect(worker.attemptsInFlight).toBe(0);
      database = await openDatabase({ dataDir });
      try {
        const delivery = await database.prisma.webhookDelivery.findFirstOrThrow();
        expect(delivery).toMatchObject({
          status: "PENDING",
          leasedUntil: null,
          leaseToken: null,
          attempts: 0,
        });
        expect(await database.prisma.webhookAttempt.count()).toBe(0);
      } finally {
        await database.close();
      }
    } finally {
      await hanging.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("webhooks with two servers on one PostgreSQL", () => {
  let pg: TestDatabase;
  let first: Database;
  let second: Database;
  let hooks: Receiver;

  beforeAll(async () => {
    pg = await createTestDatabase("webhooks_two");
    first = await openDatabase({ url: pg.url, poolSize: 4 });
    second = await openDatabase({ url: pg.url, poolSize: 4 });
    hooks = await startReceiver();
  });
  afterAll(async () => {
    await hooks?.close();
    await first?.close();
    await second?.close();
    await pg?.drop();
  });

  it("delivers each event once, each attempt made by one of them", async () => {
    const ws = await newWorkspace(first, "two-servers");
    const server = await startHttpServer({ database: first, port: 0, allowPrivateWebhooks: true });
    try {
      const created = await graphql<{ createWebhookEndpoint: { data: { secret: string } } }>(
        server.url,
        ws.secretKey,
        CREATE,
        { input: { url: hooks.url, eventTypes: ["MRR_CHANGED"] } },
      );
      hooks.options.secret = created.data?.createWebhookEndpoint.data.secret;
    } finally {
      await server.close();
    }
    const account = await first.prisma.account.create({
      data: { workspaceId: ws.workspaceId, externalId: "x", name: "x", signedUpAt: new Date() },
    });
    const workers = [first, second].map((database) =>
      new WebhookWorker(database, { ...FAST, maxInFlightPerEndpoint: 50 }).start(),
    );
    try {
      const total = 60;
      for (let batch = 0; batch < 6; batch += 1) {
        await first.prisma.$transaction((tx) =>
          writeDomainEvents(
            tx,
            Array.from({ length: total / 6 }, (_, index) => ({
              type: "MRR_CHANGED" as const,
              workspaceId: ws.workspaceId,
              accountId: account.id,
              occurredAt: new Date(),
              payload: { from: "0", to: String(batch * 10 + index), delta: "1" },
            })),
          ),
        );
        // Each server is woken as its own writes would wake it.
        first.outboxSignal.written();
        second.outboxSignal.written();
      }
      await until(() => hooks.processed.size === total);
      await until(async () => (await first.prisma.webhookAttempt.count()) >= total);
      // A second attempt of any of them would have been made by now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(hooks.requests).toHaveLength(total);
      expect(await first.prisma.webhookDelivery.count()).toBe(total);
      expect(await first.prisma.webhookAttempt.count()).toBe(total);
    } finally {
      await Promise.all(workers.map((started) => started.stop()));
    }
  });
});
