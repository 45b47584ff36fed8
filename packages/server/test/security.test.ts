// Keys, limits, rate limits, origins, idempotency and persisted operations, over the real
// Yoga server on a real database.
import { createHash } from "node:crypto";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import type { StartedServer } from "../src/http.ts";
import { startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga, type PulseYogaOptions } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase, startTestServer } from "./helpers.ts";

async function post(target: PulseYoga, body: unknown, headers: Record<string, string> = {}) {
  const response = await target.fetch("http://pulse.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // non-JSON bodies are checked by status only
  }
  return { status: response.status, headers: response.headers, ...json };
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(DATABASE_KINDS)("security on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let acme: CreatedWorkspace;
  const extra: { close(): Promise<void> | void }[] = [];

  function yogaWith(options: Partial<PulseYogaOptions>): PulseYoga {
    const instance = createPulseYoga({ database, ...options });
    extra.push({ close: () => instance.rateLimiter?.close() });
    return instance;
  }

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "security"));
    acme = await newWorkspace(database, "acme");
    yoga = createPulseYoga({ database });
  });
  afterAll(async () => {
    for (const item of extra) await item.close();
    await drop?.();
  });

  describe("API keys", () => {
    it("creates a key shown once, lists prefixes only, and keeps read-only keys from writing", async () => {
      const created = await graphql<{
        createApiKey: { data: { key: string; apiKey: { prefix: string; scopes: string[] } } };
      }>(
        yoga,
        acme.secretKey,
        `mutation { createApiKey(input: { kind: SECRET, name: "reporting", scopes: [read] }) { ... on MutationCreateApiKeySuccess { data { key apiKey { prefix scopes } } } } }`,
      );
      const readOnly = created.data?.createApiKey.data.key ?? "";
      expect(readOnly).toMatch(/^sk_[A-Za-z0-9]{40}$/);
      expect(readOnly.startsWith(created.data?.createApiKey.data.apiKey.prefix ?? "?")).toBe(true);
      const listed = await graphql<{ workspace: { apiKeys: { prefix: string; name: string }[] } }>(
        yoga,
        acme.secretKey,
        `{ workspace { apiKeys { prefix name kind } } }`,
      );
      expect(JSON.stringify(listed.data)).not.toContain(readOnly);
      expect(listed.data?.workspace.apiKeys.map((k) => k.name)).toContain("reporting");
      const stored = await database.prisma.apiKey.findFirstOrThrow({ where: { name: "reporting" } });
      expect(stored.hash).toBe(createHash("sha256").update(readOnly).digest("hex"));
      expect((await graphql(yoga, readOnly, `{ workspace { name } }`)).status).toBe(200);
      const write = await graphql(
        yoga,
        readOnly,
        `mutation { updateWorkspace(input: { name: "x" }) { __typename } }`,
      );
      expect(write.status).toBe(403);
      expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    });

    it("revokes a key at once and refuses to revoke the last secret key", async () => {
      const second = await graphql<{ createApiKey: { data: { key: string; apiKey: { id: string } } } }>(
        yoga,
        acme.secretKey,
        `mutation { createApiKey(input: { kind: SECRET, name: "temp" }) { ... on MutationCreateApiKeySuccess { data { key apiKey { id } } } } }`,
      );
      const { key, apiKey } = second.data?.createApiKey.data ?? { key: "", apiKey: { id: "" } };
      expect((await graphql(yoga, key, `{ workspace { name } }`)).status).toBe(200);
      const revoked = await graphql<{ revokeApiKey: { __typename: string } }>(
        yoga,
        acme.secretKey,
        `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
        { id: apiKey.id },
      );
      expect(revoked.data?.revokeApiKey.__typename).toBe("MutationRevokeApiKeySuccess");
      expect((await graphql(yoga, key, `{ workspace { name } }`)).status).toBe(401);
      const solo = await newWorkspace(database, `solo-${kind}`);
      const keys = await graphql<{ workspace: { apiKeys: { id: string; kind: string }[] } }>(
        yoga,
        solo.secretKey,
        `{ workspace { apiKeys { id kind } } }`,
      );
      const secretId = keys.data?.workspace.apiKeys.find((k) => k.kind === "SECRET")?.id;
      const last = await graphql<{ revokeApiKey: { __typename: string } }>(
        yoga,
        solo.secretKey,
        `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
        { id: secretId },
      );
      expect(last.data?.revokeApiKey.__typename).toBe("ValidationError");
      expect((await graphql(yoga, solo.secretKey, `{ workspace { name } }`)).status).toBe(200);
    });

    it("rotating the signing secret invalidates earlier widget tokens", async () => {
      const ws = await newWorkspace(database, `rotate-${kind}`);
      await database.prisma.account.create({
        data: { workspaceId: ws.workspaceId, externalId: "a", name: "A", signedUpAt: new Date("2026-01-01") },
      });
      const before = await signWidgetToken({ workspaceId: ws.workspaceId, account: "a" }, ws.signingSecret);
      const badge = `query($t: String!) { widgetBadge(token: $t) { accountName } }`;
      expect((await graphql(yoga, ws.publishableKey, badge, { t: before })).errors).toBeUndefined();
      const rotated = await graphql<{ rotateSigningSecret: string }>(
        yoga,
        ws.secretKey,
        `mutation { rotateSigningSecret }`,
      );
      const after = await signWidgetToken(
        { workspaceId: ws.workspaceId, account: "a" },
        rotated.data?.rotateSigningSecret ?? "",
      );
      expect(
        (await graphql(yoga, ws.publishableKey, badge, { t: before })).errors?.[0]?.extensions?.code,
      ).toBe("INVALID_TOKEN");
      expect((await graphql(yoga, ws.publishableKey, badge, { t: after })).errors).toBeUndefined();
    });
  });

  describe("query limits", () => {
    it("refuses deep, aliased, directive-heavy, token-heavy and costly documents before running them", async () => {
      const deep = `{ accounts(first: 1) { edges { node { contacts(first: 1) { edges { node { account { contacts(first: 1) { edges { node { account { contacts(first: 1) { edges { node { name } } } } } } } } } } } } } } }`;
      const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: workspace { name }`).join(" ")} }`;
      const directives = `{ workspace { name ${"@include(if: true) ".repeat(25)} } }`;
      const tokens = `{ workspace { ${"name ".repeat(6000)} } }`;
      for (const query of [deep, aliases, directives, tokens]) {
        const result = await post(yoga, { query }, auth(acme.secretKey));
        expect(result.errors?.length).toBeGreaterThan(0);
        expect(result.data ?? null).toBeNull();
      }
    });

    it("does not batch: an array of operations is refused", async () => {
      const result = await post(
        yoga,
        [{ query: "{ __typename }" }, { query: "{ __typename }" }],
        auth(acme.secretKey),
      );
      expect(result.status).toBeGreaterThanOrEqual(400);
    });

    it("turns introspection and field suggestions off in production mode", async () => {
      const production = yogaWith({ limits: { introspection: false, fieldSuggestions: false } });
      const introspection = await post(
        production,
        { query: "{ __schema { types { name } } }" },
        auth(acme.secretKey),
      );
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await post(production, { query: "{ workspace { nam } }" }, auth(acme.secretKey));
      expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
      const development = await post(yoga, { query: "{ workspace { nam } }" }, auth(acme.secretKey));
      expect(development.errors?.[0]?.message).toMatch(/Did you mean/);
    });

    it("accepts persisted operations by hash, and only those when configured so", async () => {
      const query = "{ workspace { slug } }";
      const hash = createHash("sha256").update(query).digest("hex");
      const persisted = yogaWith({ persistedOperations: { [hash]: query }, persistedOperationsOnly: true });
      const byHash = await post(
        persisted,
        { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
        auth(acme.secretKey),
      );
      expect(byHash.data).toEqual({ workspace: { slug: "acme" } });
      const arbitrary = await post(persisted, { query }, auth(acme.secretKey));
      expect(arbitrary.errors?.length).toBeGreaterThan(0);
      expect(arbitrary.data ?? null).toBeNull();
    });
  });

  describe("rate limits", () => {
    it("limits publishable keys per client IP (the looser ceiling over all its visitors) with 429 and Retry-After", async () => {
      const limited = yogaWith({
        rateLimits: {
          perIp: 1000,
          perSecretKey: 1000,
          perPublishableVisitor: 1000,
          perPublishableIp: 3,
          perPublishableKey: 1000,
          trustProxy: true,
        },
      });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const result = await post(
          limited,
          { query: "{ __typename }" },
          { ...auth(acme.publishableKey), "x-forwarded-for": "203.0.113.7" },
        );
        statuses.push(result.status);
        if (result.status === 429) {
          retryAfter = result.headers.get("retry-after");
          expect(result.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      const otherVisitor = await post(
        limited,
        { query: "{ __typename }" },
        { ...auth(acme.publishableKey), "x-forwarded-for": "203.0.113.8" },
      );
      expect(otherVisitor.status).toBe(200);
    });

    it("shares one budget between servers through Redis", async () => {
      const limits = {
        perIp: 1000,
        perSecretKey: 4,
        perPublishableVisitor: 1000,
        perPublishableIp: 1000,
        perPublishableKey: 1000,
        trustProxy: false,
      };
      const redisUrl = process.env.PULSE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
      const ws = await newWorkspace(database, `redis-${kind}-${Date.now()}`);
      const a = yogaWith({ rateLimits: limits, redisUrl });
      const b = yogaWith({ rateLimits: limits, redisUrl });
      await Promise.all([a.rateLimiter?.ready(), b.rateLimiter?.ready()]);
      const statuses: number[] = [];
      for (const server of [a, b, a, b, a, b])
        statuses.push((await post(server, { query: "{ __typename }" }, auth(ws.secretKey))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    });
  });

  describe("per-visitor limits in Redis", () => {
    it("count a signed visitor once across servers, and each visitor apart", async () => {
      const limits = {
        perIp: 1000,
        perSecretKey: 1000,
        perPublishableVisitor: 3,
        perPublishableIp: 1000,
        perPublishableKey: 1000,
        trustProxy: false,
      };
      const redisUrl = process.env.PULSE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
      const ws = await newWorkspace(database, `redis-visitor-${kind}-${Date.now()}`);
      await database.prisma.account.create({
        data: { workspaceId: ws.workspaceId, externalId: "a", name: "A", signedUpAt: new Date("2026-01-01") },
      });
      await database.prisma.survey.create({
        data: { workspaceId: ws.workspaceId, key: "nps", kind: "NPS", question: "?" },
      });
      const a = yogaWith({ rateLimits: limits, redisUrl });
      const b = yogaWith({ rateLimits: limits, redisUrl });
      await Promise.all([a.rateLimiter?.ready(), b.rateLimiter?.ready()]);
      const load = async (server: PulseYoga, contact: string) => {
        const token = await signWidgetToken(
          { workspaceId: ws.workspaceId, account: "a", contact },
          ws.signingSecret,
        );
        return post(
          server,
          {
            query: `query($t: String!) { widgetSurvey(survey: "nps", token: $t) { shouldAsk } }`,
            variables: { t: token },
          },
          auth(ws.publishableKey),
        );
      };
      const statuses: number[] = [];
      for (const server of [a, b, a, b]) statuses.push((await load(server, "jane")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await load(a, "jane");
      expect(refused.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await load(b, "john")).status).toBe(200);
    });
  });

  describe("origins", () => {
    it("holds publishable keys to the workspace's allowed origins", async () => {
      const ws = await newWorkspace(database, `origins-${kind}`);
      await database.prisma.workspace.update({
        where: { id: ws.workspaceId },
        data: { allowedOrigins: ["https://app.example.com"] },
      });
      const allowed = await post(
        yoga,
        { query: "{ __typename }" },
        { ...auth(ws.publishableKey), origin: "https://app.example.com" },
      );
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBeTruthy();
      const denied = await post(
        yoga,
        { query: "{ __typename }" },
        { ...auth(ws.publishableKey), origin: "https://evil.example" },
      );
      expect(denied.status).toBe(403);
      expect(denied.errors?.[0]?.extensions?.code).toBe("ORIGIN_NOT_ALLOWED");
      const preflight = await yoga.fetch("http://pulse.test/graphql", {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example.com",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    });
  });

  describe("idempotency keys", () => {
    const rename = `mutation($name: String!) { updateWorkspace(input: { name: $name }) { __typename ... on MutationUpdateWorkspaceSuccess { data { name } } } }`;

    it("replays the first result for a retried key and changes nothing again", async () => {
      const headers = { ...auth(acme.secretKey), "idempotency-key": `rename-${kind}-1` };
      const first = await post(yoga, { query: rename, variables: { name: "First name" } }, headers);
      expect(first.data).toMatchObject({ updateWorkspace: { data: { name: "First name" } } });
      await database.prisma.workspace.update({
        where: { id: acme.workspaceId },
        data: { name: "Changed meanwhile" },
      });
      const retry = await post(yoga, { query: rename, variables: { name: "First name" } }, headers);
      expect(retry.data).toEqual(first.data);
      expect(retry.extensions?.idempotentReplay).toBe(true);
      expect(
        (await database.prisma.workspace.findUniqueOrThrow({ where: { id: acme.workspaceId } })).name,
      ).toBe("Changed meanwhile");
    });

    it("refuses the same key with a different input", async () => {
      const headers = { ...auth(acme.secretKey), "idempotency-key": `rename-${kind}-2` };
      await post(yoga, { query: rename, variables: { name: "A" } }, headers);
      const reused = await post(yoga, { query: rename, variables: { name: "B" } }, headers);
      expect(reused.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
      expect(
        (await database.prisma.workspace.findUniqueOrThrow({ where: { id: acme.workspaceId } })).name,
      ).toBe("A");
    });

    it("scopes keys to the API key that sent them, and records nothing for a refused request", async () => {
      const ws = await newWorkspace(database, `idem-scope-${kind}`);
      const idempotencyKey = `order-${kind}-42`;
      // A page's publishable key sends the backend's next Idempotency-Key with an invalid token.
      const squat = await post(
        yoga,
        { query: `mutation { dismissSurvey(input: { survey: "nps", token: "forged" }) }` },
        { ...auth(ws.publishableKey), "idempotency-key": idempotencyKey },
      );
      expect(squat.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
      expect(await database.prisma.idempotencyRecord.count({ where: { workspaceId: ws.workspaceId } })).toBe(
        0,
      );
      // The backend's mutation with that key runs, and its retry replays.
      const headers = { ...auth(ws.secretKey), "idempotency-key": idempotencyKey };
      const first = await post(yoga, { query: rename, variables: { name: "Backend" } }, headers);
      expect(first.errors).toBeUndefined();
      expect(first.data).toMatchObject({ updateWorkspace: { data: { name: "Backend" } } });
      const retry = await post(yoga, { query: rename, variables: { name: "Backend" } }, headers);
      expect(retry.extensions?.idempotentReplay).toBe(true);
      // Another key of the workspace neither replays nor is refused by the backend's record.
      const other = await post(
        yoga,
        {
          query: `mutation { createApiKey(input: { kind: SECRET, name: "second" }) { ... on MutationCreateApiKeySuccess { data { key } } } }`,
        },
        auth(ws.secretKey),
      );
      const second = (other.data as { createApiKey: { data: { key: string } } }).createApiKey.data.key;
      const secondRun = await post(
        yoga,
        { query: rename, variables: { name: "Second key" } },
        { ...auth(second), "idempotency-key": idempotencyKey },
      );
      expect(secondRun.errors).toBeUndefined();
      expect(secondRun.extensions?.idempotentReplay).toBeUndefined();
      expect(
        (await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.workspaceId } })).name,
      ).toBe("Second key");
      // A mutation refused by its resolver (an invalid token) leaves the key free for the next one.
      const fixMe = { ...auth(ws.secretKey), "idempotency-key": "fix-me" };
      const refused = await post(
        yoga,
        { query: `mutation { dismissSurvey(input: { survey: "nps", token: "forged" }) }` },
        fixMe,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
      const corrected = await post(yoga, { query: rename, variables: { name: "Corrected" } }, fixMe);
      expect(corrected.errors).toBeUndefined();
      expect(corrected.data).toMatchObject({ updateWorkspace: { data: { name: "Corrected" } } });
      const records = await database.prisma.idempotencyRecord.findMany({
        where: { workspaceId: ws.workspaceId },
        select: { key: true },
      });
      expect(records.map((r) => r.key).filter((k) => k === idempotencyKey)).toHaveLength(2);
    });

    it("runs concurrent identical requests once", async () => {
      const created = await Promise.all(
        [1, 2, 3, 4].map(() =>
          post(
            yoga,
            {
              query: `mutation { createApiKey(input: { kind: PUBLISHABLE, name: "concurrent-${kind}" }) { __typename } }`,
            },
            {
              ...auth(acme.secretKey),
              "idempotency-key": `create-key-${kind}`,
            },
          ),
        ),
      );
      for (const result of created)
        expect(result.data).toEqual({ createApiKey: { __typename: "MutationCreateApiKeySuccess" } });
      expect(await database.prisma.apiKey.count({ where: { name: `concurrent-${kind}` } })).toBe(1);
    });
  });

  describe("HTTP", () => {
    let server: StartedServer;
    beforeAll(async () => {
      server = await startHttpServer({ database, port: 0, maxBodyBytes: 10_000 });
    });
    afterAll(async () => {
      await server.close();
    });

    it("refuses bodies over the size limit with 413 and keeps serving", async () => {
      const big = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth(acme.secretKey) },
        body: JSON.stringify({ query: `{ workspace { name } }`, variables: { pad: "x".repeat(20_000) } }),
      });
      expect(big.status).toBe(413);
      const ok = await graphql(server.url, acme.secretKey, `{ workspace { slug } }`);
      expect(ok.status).toBe(200);
    });
  });
  void startTestServer;
});

// PGlite runs queries inside this thread, so only a real server can be slower than a timer.
describe("execution time limit on postgres", () => {
  it("stops an operation that runs past the limit with a TIMEOUT error", async () => {
    const { database, drop } = await openTestDatabase("postgres", "timeout");
    try {
      const ws = await newWorkspace(database, "slow");
      const slow = createPulseYoga({ database, limits: { executionTimeoutMs: 1 } });
      const result = await post(
        slow,
        { query: "{ portfolio { nps { score } logoChurnRate healthDistribution { green } atRiskCount } }" },
        auth(ws.secretKey),
      );
      expect(result.errors?.[0]?.extensions?.code).toBe("TIMEOUT");
      const fast = await post(
        createPulseYoga({ database }),
        { query: "{ portfolio { logoChurnRate } }" },
        auth(ws.secretKey),
      );
      expect(fast.errors).toBeUndefined();
    } finally {
      await drop();
    }
  });
});
