import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../src/auth/api-keys.ts";
import type { StartedServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import {
  createTestContext,
  DATABASE_KINDS,
  graphql,
  newWorkspace,
  startTestServer,
  type TestContext,
} from "./helpers.ts";

interface AccountsPage {
  accounts: {
    edges: { cursor: string; node: { id: string; name: string; externalId: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const PAGE = `query Page($first: Int, $after: String) {
  accounts(first: $first, after: $after) {
    edges { cursor node { id name externalId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe.each(DATABASE_KINDS)("API slice on %s", (kind) => {
  let ctx: TestContext;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  let otherAccountId: string;
  let server: StartedServer;

  beforeAll(async () => {
    ctx = await createTestContext(kind, "api");
    acme = await newWorkspace(ctx.database, "acme");
    other = await newWorkspace(ctx.database, "other");
    const names = ["Delta", "alpha", "Charlie", "Bravo", "Echo", "Foxtrot", "Golf"];
    await ctx.database.prisma.account.createMany({
      data: names.map((name, index) => ({
        workspaceId: acme.workspaceId,
        externalId: `ext-${index}`,
        name,
        seats: 10,
        signedUpAt: new Date("2026-01-01T00:00:00Z"),
      })),
    });
    const account = await ctx.database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "with-contacts",
        name: "Zulu",
        signedUpAt: new Date(),
      },
    });
    await ctx.database.prisma.contact.createMany({
      data: [1, 2, 3].map((n) => ({
        workspaceId: acme.workspaceId,
        accountId: account.id,
        externalId: `c${n}`,
        name: `Contact ${n}`,
      })),
    });
    const foreign = await ctx.database.prisma.account.create({
      data: { workspaceId: other.workspaceId, externalId: "ext-0", name: "Other Co", signedUpAt: new Date() },
    });
    otherAccountId = foreign.id;
    server = await startTestServer(ctx.database);
  });

  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  it("refuses a request without a key with a 401 and a clear error", async () => {
    const result = await graphql(ctx.yoga, null, "{ workspace { name } }");
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.errors?.[0]?.message).toMatch(/Missing API key/);
  });

  it("refuses unknown, malformed and revoked keys", async () => {
    for (const key of [`sk_${"x".repeat(40)}`, "not-a-key", "' OR 1=1 --"]) {
      const result = await graphql(ctx.yoga, key, "{ workspace { name } }");
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.message).toBe("Invalid or revoked API key.");
    }
    const revoked = await newWorkspace(ctx.database, `revoked-${kind}`);
    await ctx.database.prisma.apiKey.update({
      where: { hash: hashApiKey(revoked.secretKey) },
      data: { revokedAt: new Date() },
    });
    expect((await graphql(ctx.yoga, revoked.secretKey, "{ workspace { name } }")).status).toBe(401);
  });

  it("keeps publishable keys away from workspace data", async () => {
    const result = await graphql(
      ctx.yoga,
      acme.publishableKey,
      "{ accounts(first: 1) { edges { node { name } } } }",
    );
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(result.data?.accounts).toBeUndefined();
  });

  it("answers the workspace of the key", async () => {
    const result = await graphql<{ workspace: { name: string; slug: string } }>(
      ctx.yoga,
      acme.secretKey,
      "{ workspace { name slug } }",
    );
    expect(result.data?.workspace).toEqual({ name: "Workspace acme", slug: "acme" });
    const theirs = await graphql<{ workspace: { slug: string } }>(
      ctx.yoga,
      other.secretKey,
      "{ workspace { slug } }",
    );
    expect(theirs.data?.workspace.slug).toBe("other");
  });

  it("pages through accounts with first/after, ordered by name, only the key's workspace", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result: Awaited<ReturnType<typeof graphql<AccountsPage>>> = await graphql<AccountsPage>(
        ctx.yoga,
        acme.secretKey,
        PAGE,
        { first: 3, after },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data?.accounts;
      if (!page) throw new Error("no page");
      seen.push(...page.edges.map((edge) => edge.node.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(["Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Zulu", "alpha"]);
    expect(seen).not.toContain("Other Co");
  });

  it("limits a page to 100 accounts", async () => {
    const result = await graphql(ctx.yoga, acme.secretKey, PAGE, { first: 101 });
    expect(result.errors?.[0]?.message).toMatch(/100/);
  });

  it("finds an account by global id, by external id, and through node(id)", async () => {
    const page = await graphql<AccountsPage>(ctx.yoga, acme.secretKey, PAGE, { first: 1 });
    const first = page.data?.accounts.edges[0]?.node;
    expect(first?.name).toBe("Bravo");
    const byId = await graphql<{ account: { name: string } }>(
      ctx.yoga,
      acme.secretKey,
      `query($id: ID!) { account(id: $id) { name } }`,
      { id: first?.id },
    );
    expect(byId.data?.account.name).toBe("Bravo");
    const byExternal = await graphql<{ account: { name: string; id: string } }>(
      ctx.yoga,
      acme.secretKey,
      `{ account(externalId: "${first?.externalId}") { id name } }`,
    );
    expect(byExternal.data?.account).toEqual({ id: first?.id, name: "Bravo" });
    const node = await graphql<{ node: { __typename: string; name: string } }>(
      ctx.yoga,
      acme.secretKey,
      `query($id: ID!) { node(id: $id) { __typename ... on Account { name } } }`,
      { id: first?.id },
    );
    expect(node.data?.node).toEqual({ __typename: "Account", name: "Bravo" });
  });

  it("resolves contacts of an account as a connection", async () => {
    const result = await graphql<{ account: { contacts: { edges: { node: { name: string } }[] } } }>(
      ctx.yoga,
      acme.secretKey,
      `{ account(externalId: "with-contacts") { contacts(first: 2) { edges { node { name } } } } }`,
    );
    expect(result.data?.account.contacts.edges).toHaveLength(2);
  });

  it("asks for exactly one of id and externalId", async () => {
    const neither = await graphql(ctx.yoga, acme.secretKey, "{ account { name } }");
    expect(neither.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("never shows another workspace's account, by id, external id or node", async () => {
    const globalId = Buffer.from(`Account:${otherAccountId}`).toString("base64");
    const byId = await graphql<{ account: unknown }>(
      ctx.yoga,
      acme.secretKey,
      `query($id: ID!) { account(id: $id) { name } }`,
      { id: globalId },
    );
    expect(byId.data?.account).toBeNull();
    const node = await graphql<{ node: unknown }>(
      ctx.yoga,
      acme.secretKey,
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: globalId },
    );
    expect(node.data?.node).toBeNull();
    const theirs = await graphql<{ account: { name: string } }>(
      ctx.yoga,
      other.secretKey,
      `{ account(externalId: "ext-0") { name } }`,
    );
    expect(theirs.data?.account.name).toBe("Other Co");
    const mine = await graphql<{ account: { name: string } }>(
      ctx.yoga,
      acme.secretKey,
      `{ account(externalId: "ext-0") { name } }`,
    );
    expect(mine.data?.account.name).toBe("Delta");
  });

  it("answers a malformed id without touching the database", async () => {
    const garbage = Buffer.from("Account:not-a-uuid").toString("base64");
    const result = await graphql<{ account: unknown }>(
      ctx.yoga,
      acme.secretKey,
      `query($id: ID!) { account(id: $id) { name } }`,
      { id: garbage },
    );
    expect(result.data?.account).toBeNull();
  });

  it("updates workspace settings and returns a typed validation error for bad input", async () => {
    const ok = await graphql<{
      updateWorkspace: { __typename: string; grossMargin: string; keyFeatures: string[] };
    }>(
      ctx.yoga,
      acme.secretKey,
      `mutation { updateWorkspace(input: { grossMargin: "0.75", keyFeatures: ["reports", "alerts", "reports"] }) {
        __typename ... on MutationUpdateWorkspaceSuccess { data { grossMargin keyFeatures } } } }`,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.updateWorkspace).toMatchObject({
      __typename: "MutationUpdateWorkspaceSuccess",
      data: { grossMargin: "0.75", keyFeatures: ["reports", "alerts"] },
    });
    const bad = await graphql<{
      updateWorkspace: { __typename: string; code: string; fields: { path: string }[] };
    }>(
      ctx.yoga,
      acme.secretKey,
      `mutation { updateWorkspace(input: { grossMargin: "1.5", currency: "dollars" }) {
        __typename ... on ValidationError { code message fields { path message } } } }`,
    );
    expect(bad.data?.updateWorkspace.__typename).toBe("ValidationError");
    expect(bad.data?.updateWorkspace.code).toBe("BAD_USER_INPUT");
    expect(bad.data?.updateWorkspace.fields.map((f) => f.path).sort()).toEqual(["currency", "grossMargin"]);
    const after = await ctx.database.prisma.workspace.findUniqueOrThrow({ where: { id: acme.workspaceId } });
    expect(after.grossMargin.toString()).toBe("0.75");
    expect(after.currency).toBe("USD");
  });

  it("serves the same API over real HTTP", async () => {
    const result = await graphql<AccountsPage>(server.url, acme.secretKey, PAGE, { first: 2 });
    expect(result.status).toBe(200);
    expect(result.data?.accounts.edges.map((e) => e.node.name)).toEqual(["Bravo", "Charlie"]);
    const unauthenticated = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("www-authenticate")).toContain("Bearer");
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", database: kind });
  });
});
