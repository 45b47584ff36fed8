// A server killed during a webhook delivery: `pulse serve` (a child process, as deployed) is
// SIGKILLed while its attempt waits for the receiver's answer; a server started afterwards on
// the same PostgreSQL attempts the delivery again once the dead server's lease expires. The
// receiver verifies signatures with `standardwebhooks` and de-duplicates by webhook-id: it
// processes the event exactly once.
import { openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { type Receiver, startReceiver, until } from "@pulse/server/testing/webhook-receiver";
import { createWorkspace } from "@pulse/server/workspaces";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPulse, startPulse, stop } from "./pulse-process.ts";

async function gql(url: string, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe("a server killed during a webhook delivery", () => {
  let pg: TestDatabase;
  let receiver: Receiver;
  const running: RunningPulse[] = [];

  beforeAll(async () => {
    pg = await createTestDatabase("webhooks_crash");
    receiver = await startReceiver({ hangFirst: 1 });
  });
  afterAll(async () => {
    for (const pulse of running) {
      if (pulse.process.exitCode === null && pulse.process.signalCode === null) await stop(pulse);
    }
    await receiver?.close();
    await pg?.drop();
  });

  it("delivers the event after a restart, and the receiver sees it once", async () => {
    const env = {
      DATABASE_URL: pg.url,
      PULSE_WEBHOOKS_ALLOW_PRIVATE: "true",
      PULSE_WEBHOOK_TIMEOUT_MS: "1500",
      PULSE_LOG_LEVEL: "error",
    };
    const first = await startPulse(["serve", "--port", "0"], env);
    running.push(first);
    const database = await openDatabase({ url: pg.url, poolSize: 2 });
    let key: string;
    try {
      ({ secretKey: key } = await createWorkspace(database.prisma, { name: "Crash", slug: "crash" }));
    } finally {
      await database.close();
    }
    const created = await gql(
      first.url,
      key,
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
        ... on MutationCreateWebhookEndpointSuccess { data { secret } } } }`,
      { input: { url: receiver.url, eventTypes: ["SENTIMENT_CHANGED"] } },
    );
    expect(created.errors).toBeUndefined();
    const endpoint = created.data?.createWebhookEndpoint as { data: { secret: string } } | undefined;
    receiver.options.secret = endpoint?.data.secret;
    for (const [query, input] of [
      [
        "mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }",
        { externalId: "acme", name: "Acme", signedUpAt: "2026-01-01T00:00:00Z" },
      ],
      [
        "mutation($input: SentimentEntryInput!) { upsertSentimentEntry(input: $input) { __typename } }",
        { accountExternalId: "acme", rating: "RED", externalId: "s-1", recordedAt: new Date().toISOString() },
      ],
    ] as const) {
      const result = await gql(first.url, key, query, { input });
      expect(result.errors).toBeUndefined();
    }
    // The first server's attempt is under way (the receiver does not answer it): kill it now.
    await until(() => receiver.requests.length === 1, 20_000);
    const killed = new Promise((resolve) => first.process.once("exit", resolve));
    first.process.kill("SIGKILL");
    await killed;
    expect(receiver.processed.size).toBe(0);

    const second = await startPulse(["serve", "--port", "0"], env);
    running.push(second);
    // Its lease (timeout + 5 s) runs out, then the second server attempts it again.
    await until(() => receiver.processed.size === 1, 30_000);
    expect(receiver.requests).toHaveLength(2);
    const [hung, delivered] = receiver.requests;
    expect(delivered?.id).toBe(hung?.id);
    expect(delivered?.verified).toBe(true);
    expect(delivered?.body.type).toBe("sentiment.changed");
    // Nothing more comes: the delivery is recorded as succeeded.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.requests).toHaveLength(2);
    expect(await stop(second)).toBe(0);
  });
});
