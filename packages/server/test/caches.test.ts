// Every cache that outlives a request, and proof that none carries data or decisions across API
// keys or workspaces. The caches:
// - Yoga's parse cache (LRU, query text → DocumentNode): syntax only, no data, no key.
// - Yoga's validation cache (rules × schema × document → errors): the rules are the same for
//   every key (key scope is checked at execution, per request), so a verdict holds for any key.
// - useOperation's reduced documents (document × operation name → single-operation document):
//   syntax only; the one place that selects the operation a request runs.
// - Compiled queries (graphql-jit, keyed by the single-operation document, so by document and
//   operation): code only; workspace, key and variables come from each request's context.
// - Persisted operations (hash → document text, fixed at start-up): text only; what a hash
//   names is checked like any document, key scope included.
// - The API-key cache (key hash → key id, workspace, kind, scopes, origins; 10 s): keyed by the
//   key itself; a revocation through this server evicts at once.
// - Widget lookups (workspace → signing secret, workspace × survey key → survey; 5 s): keyed by
//   workspace; a rotation or a survey change evicts at once.
// - The badge cache (token × format × options → the answer; at most 60 s and never past the
//   token's expiry): keyed by the signed token; a rotation evicts the workspace's badges.
// - Idempotency records (database; API key × Idempotency-Key → stored result): scoped to the
//   key that made them, written only for requests that ran.
// - Rate-limit counters (memory or Redis; per IP, per key, per visitor): budgets, no data.
// - Prepared statements per connection and the survey group commit: statement text and rows
//   that each carry their own workspace id; no result is shared between requests.
import { createHash } from "node:crypto";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(
  yoga: PulseYoga,
  key: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await yoga.fetch("http://pulse.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, "status">) };
}

const A_AND_B = `query A { workspace { slug signingSecret } accounts(first: 2) { totalCount } } query B { __typename }`;

describe.each(DATABASE_KINDS)("caches that outlive a request, on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let interpreted: PulseYoga;
  let acme: CreatedWorkspace;
  let globex: CreatedWorkspace;
  const persistedQuery = "query Secrets { workspace { signingSecret } }";
  const persistedHash = createHash("sha256").update(persistedQuery).digest("hex");

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "caches"));
    acme = await newWorkspace(database, "acme");
    globex = await newWorkspace(database, "globex");
    yoga = createPulseYoga({ database, persistedOperations: { [persistedHash]: persistedQuery } });
    interpreted = createPulseYoga({ database, compiledQueries: false });
  });
  afterAll(async () => {
    await drop?.();
  });

  it("a publishable key asking for operation B of a document never runs the cached operation A", async () => {
    for (const server of [yoga, interpreted]) {
      const a = await post(server, acme.secretKey, { query: A_AND_B, operationName: "A" });
      expect(a.data).toEqual({
        workspace: { slug: "acme", signingSecret: acme.signingSecret },
        accounts: { totalCount: 0 },
      });
      const b = await post(server, acme.publishableKey, { query: A_AND_B, operationName: "B" });
      expect(b).toEqual({ status: 200, data: { __typename: "Query" } });
      // The other way round: B compiled first, then A with the publishable key is refused.
      const text = `query B { __typename } query A { workspace { signingSecret } }`;
      expect((await post(server, acme.publishableKey, { query: text, operationName: "B" })).data).toEqual({
        __typename: "Query",
      });
      const refused = await post(server, acme.publishableKey, { query: text, operationName: "A" });
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(JSON.stringify(refused)).not.toContain(acme.signingSecret);
    }
  });

  it("ordinary clients get the operation they name, in either order", async () => {
    const text = `query One { workspace { slug } } query Two { __typename }`;
    for (const name of ["One", "Two", "One", "Two"]) {
      const answer = await post(yoga, acme.secretKey, { query: text, operationName: name });
      expect(answer.data).toEqual(name === "One" ? { workspace: { slug: "acme" } } : { __typename: "Query" });
    }
  });

  it("a document of several operations without operationName, or naming none of them, is refused", async () => {
    // Yoga refuses these while parsing ("Could not determine what operation to execute.");
    // useOperation would refuse them with graphql-js's words if they got further.
    for (const body of [{ query: A_AND_B }, { query: A_AND_B, operationName: "C" }]) {
      const refused = await post(yoga, acme.secretKey, body);
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.message).toMatch(/operation/);
      expect(refused.data ?? null).toBeNull();
      expect(JSON.stringify(refused)).not.toContain(acme.signingSecret);
    }
  });

  it("the same document text under two workspaces' keys answers each its own workspace", async () => {
    const text = `{ workspace { slug signingSecret } }`;
    for (const [workspace, slug] of [
      [acme, "acme"],
      [globex, "globex"],
      [acme, "acme"],
    ] as const) {
      const answer = await post(yoga, workspace.secretKey, { query: text });
      expect(answer.data).toEqual({ workspace: { slug, signingSecret: workspace.signingSecret } });
    }
  });

  it("a document a secret key ran (parsed, validated, compiled) is still refused to a publishable key", async () => {
    const text = `{ workspace { slug } }`;
    expect((await post(yoga, acme.secretKey, { query: text })).status).toBe(200);
    const refused = await post(yoga, acme.publishableKey, { query: text });
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a persisted operation's hash is held to the key's scope like its text", async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: persistedHash } };
    const allowed = await post(yoga, acme.secretKey, { extensions });
    expect(allowed.data).toEqual({ workspace: { signingSecret: acme.signingSecret } });
    const refused = await post(yoga, acme.publishableKey, { extensions });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(refused)).not.toContain(acme.signingSecret);
    const other = await post(yoga, globex.secretKey, { extensions });
    expect(other.data).toEqual({ workspace: { signingSecret: globex.signingSecret } });
  });

  it("a revoked key is refused at once, although its lookup was cached", async () => {
    const created = await post(yoga, acme.secretKey, {
      query: `mutation { createApiKey(input: { kind: SECRET, name: "short-lived" }) { ... on MutationCreateApiKeySuccess { data { key apiKey { id } } } } }`,
    });
    const { key, apiKey } = (
      created.data as { createApiKey: { data: { key: string; apiKey: { id: string } } } }
    ).createApiKey.data;
    expect((await post(yoga, key, { query: "{ workspace { slug } }" })).status).toBe(200);
    await post(yoga, acme.secretKey, {
      query: `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
      variables: { id: apiKey.id },
    });
    const refused = await post(yoga, key, { query: "{ workspace { slug } }" });
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
  it("the same document with other variables under another workspace's key answers with those", async () => {
    const text = `query($id: String!) { account(externalId: $id) { name } }`;
    await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "same",
        name: "Acme's",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    await database.prisma.account.create({
      data: {
        workspaceId: globex.workspaceId,
        externalId: "same",
        name: "Globex's",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    for (const [workspace, name] of [
      [acme, "Acme's"],
      [globex, "Globex's"],
      [acme, "Acme's"],
    ] as const) {
      const answer = await post(yoga, workspace.secretKey, { query: text, variables: { id: "same" } });
      expect(answer.data).toEqual({ account: { name } });
    }
  });

  it("widget lookups (signing secrets, surveys) are per workspace", async () => {
    for (const [workspace, question] of [
      [acme, "Acme asks?"],
      [globex, "Globex asks?"],
    ] as const) {
      await database.prisma.survey.create({
        data: { workspaceId: workspace.workspaceId, key: "nps", kind: "NPS", question },
      });
    }
    const load = `query($t: String!) { widgetSurvey(survey: "nps", token: $t) { question } }`;
    for (const [workspace, question] of [
      [acme, "Acme asks?"],
      [globex, "Globex asks?"],
      [acme, "Acme asks?"],
    ] as const) {
      const token = await signWidgetToken(
        { workspaceId: workspace.workspaceId, account: "same", contact: "c" },
        workspace.signingSecret,
      );
      const answer = await post(yoga, workspace.publishableKey, { query: load, variables: { t: token } });
      expect(answer.data).toEqual({ widgetSurvey: { question } });
      // The other workspace's key with this token: refused, whatever its lookups hold.
      const other = workspace === acme ? globex : acme;
      const refused = await post(yoga, other.publishableKey, { query: load, variables: { t: token } });
      expect(refused.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    }
    // A token signed with one workspace's secret but claiming the other is refused too.
    const forged = await signWidgetToken(
      { workspaceId: globex.workspaceId, account: "same", contact: "c" },
      acme.signingSecret,
    );
    const refused = await post(yoga, globex.publishableKey, { query: load, variables: { t: forged } });
    expect(refused.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
  });

  it("idempotency records are per API key: one Idempotency-Key under two workspaces' keys runs twice", async () => {
    const rename = `mutation($name: String!) { updateWorkspace(input: { name: $name }) { ... on MutationUpdateWorkspaceSuccess { data { name } } } }`;
    const headers = { "idempotency-key": "shared-key" };
    const a = await post(
      yoga,
      acme.secretKey,
      { query: rename, variables: { name: "Acme renamed" } },
      headers,
    );
    const g = await post(
      yoga,
      globex.secretKey,
      { query: rename, variables: { name: "Globex renamed" } },
      headers,
    );
    expect(a.data).toEqual({ updateWorkspace: { data: { name: "Acme renamed" } } });
    expect(g.data).toEqual({ updateWorkspace: { data: { name: "Globex renamed" } } });
    const replay = await post(
      yoga,
      acme.secretKey,
      { query: rename, variables: { name: "Acme renamed" } },
      headers,
    );
    expect(replay).toMatchObject({ data: { updateWorkspace: { data: { name: "Acme renamed" } } } });
  });

  it("the badge cache answers each token with its own workspace's account, and forgets a rotated workspace only", async () => {
    const server: StartedServer = await startHttpServer({ database, port: 0, host: "127.0.0.1" });
    try {
      const badge = async (workspace: CreatedWorkspace) =>
        (
          await fetch(
            `${server.url}/badge/${await signWidgetToken({ workspaceId: workspace.workspaceId, account: "same" }, workspace.signingSecret)}.json`,
          )
        ).json();
      const tokens = {
        acme: await signWidgetToken({ workspaceId: acme.workspaceId, account: "same" }, acme.signingSecret),
        globex: await signWidgetToken(
          { workspaceId: globex.workspaceId, account: "same" },
          globex.signingSecret,
        ),
      };
      for (const round of [1, 2]) {
        for (const name of ["acme", "globex"] as const) {
          const response = await fetch(`${server.url}/badge/${tokens[name]}.svg?style=card`);
          expect({ round, name, status: response.status }).toEqual({ round, name, status: 200 });
          const svg = await response.text();
          expect(svg).toContain(name === "acme" ? "Acme" : "Globex");
          expect(svg).not.toContain(name === "acme" ? "Globex" : "Acme");
        }
      }
      const rotated = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
        body: JSON.stringify({ query: "mutation { rotateSigningSecret }" }),
      });
      acme.signingSecret = (
        (await rotated.json()) as { data: { rotateSigningSecret: string } }
      ).data.rotateSigningSecret;
      expect((await fetch(`${server.url}/badge/${tokens.acme}.svg?style=card`)).status).toBe(403);
      expect((await fetch(`${server.url}/badge/${tokens.globex}.svg?style=card`)).status).toBe(200);
      expect(await badge(acme)).toMatchObject({ schemaVersion: 1 });
    } finally {
      await server.close();
    }
  });
});
