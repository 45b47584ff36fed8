// Viewer tokens end to end: a publishable key with a viewer token reads its scope's accounts and
// figures over real HTTP (CORS included), never writes, and refuses expired, foreign, badly
// signed and widget tokens with coded 401s. The scope of every node type and list is in
// tenancy.test.ts ("viewer scopes").
import { createHash } from "node:crypto";
import { type Database, openDatabase } from "@pulse/schema/database";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inViewerScope,
  signViewerToken,
  VIEWER_TOKEN_HEADER,
  type ViewerScope,
  verifyViewerToken,
} from "../src/auth/viewer-token.ts";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { DEMO_PUBLISHABLE_KEY, DEMO_SIGNING_SECRET, seedDemoWorkspace } from "../src/seed/demo.ts";
import { DATABASE_KINDS, newWorkspace, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const ORIGIN = "http://127.0.0.1:4000";

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

describe.each(DATABASE_KINDS)("viewer tokens on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let workspaceId: string;
  let secretKey: string;

  beforeAll(async () => {
    ({
      database,
      drop,
      workspaceId,
      key: secretKey,
    } = await openDemoDatabase(kind, "viewer", {
      accounts: 24,
      today: NOW,
    }));
    server = await startHttpServer({ database, port: 0, clock: () => NOW });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  async function send(
    query: string,
    headers: Record<string, string>,
    variables?: Record<string, unknown>,
  ): Promise<Answer> {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Answer["body"],
    };
  }

  const asViewer = (token: string) => ({
    authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}`,
    [VIEWER_TOKEN_HEADER]: token,
  });
  const viewerToken = (
    claims: Parameters<typeof signViewerToken>[0] extends infer C ? Omit<C & object, "workspaceId"> : never,
  ) => signViewerToken({ workspaceId, issuedAt: NOW, ...claims }, DEMO_SIGNING_SECRET);

  async function accountsOf(headers: Record<string, string>, filter?: Record<string, unknown>) {
    const answer = await send(
      "query($filter: AccountFilter) { accounts(first: 100, filter: $filter) { totalCount edges { node { externalId csmOwner segment } } } }",
      headers,
      { filter },
    );
    expect(answer.body.errors).toBeUndefined();
    const accounts = answer.body.data?.accounts as {
      totalCount: number;
      edges: { node: { externalId: string; csmOwner: string | null; segment: string | null } }[];
    };
    return accounts;
  }

  it("reads the accounts of its CSM only, and a portfolio of exactly those accounts", async () => {
    const all = await accountsOf({ authorization: `Bearer ${secretKey}` });
    const csm = all.edges[0]?.node.csmOwner as string;
    const expected = await accountsOf({ authorization: `Bearer ${secretKey}` }, { csmOwner: [csm] });
    expect(expected.totalCount).toBeGreaterThan(0);
    expect(expected.totalCount).toBeLessThan(all.totalCount);
    const token = await viewerToken({ csmOwners: [csm], subject: "user-1" });
    const seen = await accountsOf(asViewer(token));
    expect(seen).toEqual(expected);
    const portfolio = await send(
      "{ portfolio { activeAccounts healthDistribution { green yellow red insufficientData noData } atRiskAccounts(first: 100) { csmOwner } } }",
      asViewer(token),
    );
    expect(portfolio.body.errors).toBeUndefined();
    const figures = portfolio.body.data?.portfolio as {
      activeAccounts: number;
      healthDistribution: Record<string, number>;
      atRiskAccounts: { csmOwner: string }[];
    };
    expect(Object.values(figures.healthDistribution).reduce((a, b) => a + b, 0)).toBe(figures.activeAccounts);
    expect(figures.activeAccounts).toBeLessThanOrEqual(expected.totalCount);
    expect(new Set(figures.atRiskAccounts.map((account) => account.csmOwner))).toEqual(
      figures.atRiskAccounts.length ? new Set([csm]) : new Set(),
    );
  });

  it("a segment scope's portfolio and series equal the secret key's portfolio of that segment", async () => {
    const figures = `nps { score responses } csat { score } logoChurnRate customerRetentionRate grossRevenueRetention
      netRevenueRetention expansionRate renewalRate { rate renewed churned pending } mrr { amount } activeAccounts
      arpa { amount } averageLifetimeValue { amount } timeToFirstValue { medianDays accounts }
      onboardingCompletion { rate cohortSize } healthDistribution { green yellow red insufficientData noData }
      atRiskCount atRiskAccounts(first: 100) { externalId }`;
    const series =
      "metricSeries(metric: NET_REVENUE_RETENTION, interval: QUARTER, segment: $segment) { from value }";
    const bySecret = await send(
      `query($segment: String) { portfolio(segment: $segment) { ${figures} } ${series} }`,
      { authorization: `Bearer ${secretKey}` },
      { segment: "Enterprise" },
    );
    const token = await viewerToken({ segments: ["Enterprise"] });
    const byViewer = await send(
      `query($segment: String) { portfolio { ${figures} } ${series} }`,
      asViewer(token),
      { segment: null },
    );
    expect(bySecret.body.errors).toBeUndefined();
    expect(byViewer.body.errors).toBeUndefined();
    expect(byViewer.body.data).toEqual(bySecret.body.data);
  });

  it("is read-only, and never reads the workspace's secrets", async () => {
    const token = await viewerToken({ scope: "workspace" });
    const write = await send(
      'mutation { upsertAccount(input: { externalId: "x", name: "X", signedUpAt: "2026-01-01" }) { __typename } }',
      asViewer(token),
    );
    expect(write.status).toBe(403);
    expect(write.body.errors?.[0]?.extensions?.code).toBe("VIEWER_READ_ONLY");
    for (const query of [
      "{ workspace { signingSecret } }",
      "{ workspace { apiKeys { prefix } } }",
      "fragment K on Workspace { apiKeys { id } } { workspace { ...K } }",
      '{ node(id: "QXBpS2V5OjE=") { ... on ApiKey { prefix } } }',
      '{ widgetBadge(token: "x") { score } }',
    ]) {
      const answer = await send(query, asViewer(token));
      expect(answer.status, query).toBe(403);
      expect(answer.body.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
    }
    const fine = await send("{ workspace { name currency milestones { key } } }", asViewer(token));
    expect(fine.body.errors).toBeUndefined();
  });

  it("a publishable key without a viewer token keeps only the widget operations", async () => {
    const answer = await send("{ accounts(first: 1) { totalCount } }", {
      authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}`,
    });
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.message).toMatch(/widget operations/);
  });

  it("refuses expired, foreign, badly signed, too long-lived, unscoped and widget tokens with coded 401s", async () => {
    const other = await newWorkspace(database, `viewer-other-${kind}`);
    const cases: [string, string, string][] = [
      [
        "expired",
        await signViewerToken(
          {
            workspaceId,
            scope: "workspace",
            issuedAt: new Date(NOW.getTime() - 7200_000),
            expiresInSeconds: 600,
          },
          DEMO_SIGNING_SECRET,
        ),
        "EXPIRED_VIEWER_TOKEN",
      ],
      [
        "foreign workspace",
        await signViewerToken(
          { workspaceId: other.workspaceId, scope: "workspace", issuedAt: NOW },
          other.signingSecret,
        ),
        "INVALID_VIEWER_TOKEN",
      ],
      [
        "another secret",
        await signViewerToken({ workspaceId, scope: "workspace", issuedAt: NOW }, "not-the-secret"),
        "INVALID_VIEWER_TOKEN",
      ],
      [
        "tampered",
        (await viewerToken({ csmOwners: ["Ada Byron"] })).replace(/\.([^.]+)\./, (_m, payload: string) => {
          const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
          return `.${Buffer.from(JSON.stringify({ ...claims, csm: undefined, scope: "workspace" })).toString("base64url")}.`;
        }),
        "INVALID_VIEWER_TOKEN",
      ],
      [
        "lives two hours",
        await new SignJWT({ typ: "viewer", wid: workspaceId, scope: "workspace" })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuedAt(NOW.getTime() / 1000)
          .setExpirationTime(NOW.getTime() / 1000 + 7200)
          .sign(new TextEncoder().encode(DEMO_SIGNING_SECRET)),
        "INVALID_VIEWER_TOKEN",
      ],
      [
        "no scope claim",
        await new SignJWT({ typ: "viewer", wid: workspaceId })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuedAt(NOW.getTime() / 1000)
          .setExpirationTime(NOW.getTime() / 1000 + 600)
          .sign(new TextEncoder().encode(DEMO_SIGNING_SECRET)),
        "INVALID_VIEWER_TOKEN",
      ],
      [
        "a widget token",
        await signWidgetToken({ workspaceId, account: "acct_0001", issuedAt: NOW }, DEMO_SIGNING_SECRET),
        "INVALID_VIEWER_TOKEN",
      ],
    ];
    for (const [name, token, code] of cases) {
      const answer = await send("{ accounts(first: 1) { totalCount } }", asViewer(token));
      expect(answer.status, name).toBe(401);
      expect(answer.body.errors?.[0]?.extensions?.code, name).toBe(code);
      // The page can read why (and refresh its token on EXPIRED_VIEWER_TOKEN).
      expect(answer.headers.get("access-control-allow-origin"), name).toBe(ORIGIN);
      expect(answer.body.data, name).toBeUndefined();
    }
    const withSecret = await send("{ __typename }", {
      authorization: `Bearer ${secretKey}`,
      [VIEWER_TOKEN_HEADER]: await viewerToken({ scope: "workspace" }),
    });
    expect(withSecret.status).toBe(401);
  });

  it("GET /demo/viewer-token hands the demo's dashboard a working token, scoped by its query", async () => {
    const response = await fetch(`${server.url}/demo/viewer-token?csm=Ada%20Byron`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const answer = (await response.json()) as { token: string; publishableKey: string; expiresAt: string };
    expect(answer.publishableKey).toBe(DEMO_PUBLISHABLE_KEY);
    expect(new Date(answer.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // The route signs with the wall clock; this server's clock is pinned to NOW, so verify directly.
    const viewer = await verifyViewerToken(answer.token, DEMO_SIGNING_SECRET);
    expect(viewer).toMatchObject({ workspaceId, subject: "demo-viewer" });
    expect(viewer.scope).toEqual({ csmOwners: ["Ada Byron"], segments: null, accounts: null });
    const whole = (await (await fetch(`${server.url}/demo/viewer-token`)).json()) as { token: string };
    expect((await verifyViewerToken(whole.token, DEMO_SIGNING_SECRET)).scope).toBeNull();
  });

  it("a viewer token is never a widget token", async () => {
    const token = await viewerToken({ accounts: ["acct_0001"] });
    const answer = await send(`{ widgetBadge(token: ${JSON.stringify(token)}) { score } }`, {
      authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}`,
    });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
  });

  it("answers the browser's preflight with the viewer header allowed, and holds the key to its origins", async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": `authorization, content-type, ${VIEWER_TOKEN_HEADER}`,
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-headers")?.split(/,\s*/)).toContain(
      VIEWER_TOKEN_HEADER,
    );
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/GET/);
    const token = await viewerToken({ scope: "workspace" });
    const foreign = await send("{ __typename }", { ...asViewer(token), origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe("ORIGIN_NOT_ALLOWED");
  });
});

describe("signViewerToken and verifyViewerToken", () => {
  const wid = "6f1c2d3e-0000-4000-8000-000000000001";

  it("signs the documented claims, which verify to the scope", async () => {
    const token = await signViewerToken(
      { workspaceId: wid, subject: "u1", csmOwners: ["Ada"], segments: ["SMB", "SMB"], issuedAt: NOW },
      "s",
    );
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    expect(claims).toEqual({
      typ: "viewer",
      wid,
      sub: "u1",
      csm: ["Ada"],
      seg: ["SMB", "SMB"],
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 3600,
    });
    expect(await verifyViewerToken(token, "s", NOW)).toEqual({
      workspaceId: wid,
      subject: "u1",
      scope: { csmOwners: ["Ada"], segments: ["SMB"], accounts: null },
      expiresAt: new Date(NOW.getTime() + 3600_000),
    });
  });

  it("covers accounts by every kind (AND) and any value of a kind (OR); Pulse ids in any case", () => {
    const account = {
      id: "0f8e0000-0000-4000-8000-00000000abcd",
      externalId: "acme",
      segment: "SMB",
      csmOwner: "Ada",
    };
    const scope = (claims: Partial<ViewerScope>): ViewerScope => ({
      csmOwners: null,
      segments: null,
      accounts: null,
      ...claims,
    });
    expect(inViewerScope(null, account)).toBe(true);
    expect(inViewerScope(scope({ csmOwners: ["Ada", "Bob"] }), account)).toBe(true);
    expect(inViewerScope(scope({ csmOwners: ["Ada"], segments: ["Enterprise"] }), account)).toBe(false);
    expect(inViewerScope(scope({ accounts: [account.id.toUpperCase()] }), account)).toBe(true);
    expect(inViewerScope(scope({ accounts: ["ACME"] }), account)).toBe(false);
    expect(inViewerScope(scope({ csmOwners: [] }), account)).toBe(false);
    expect(inViewerScope(scope({ segments: ["SMB"] }), { ...account, segment: null })).toBe(false);
  });

  it("refuses to sign an unscoped token unless the whole workspace is asked for, or a long-lived one", async () => {
    await expect(signViewerToken({ workspaceId: wid }, "s")).rejects.toThrow(/needs a scope/);
    await expect(
      signViewerToken({ workspaceId: wid, scope: "workspace", accounts: ["a"] }, "s"),
    ).rejects.toThrow(/not both/);
    await expect(
      signViewerToken({ workspaceId: wid, scope: "workspace", expiresInSeconds: 7200 }, "s"),
    ).rejects.toThrow(/3600/);
    const whole = await signViewerToken({ workspaceId: wid, scope: "workspace", issuedAt: NOW }, "s");
    expect((await verifyViewerToken(whole, "s", NOW)).scope).toBeNull();
  });
});

describe("GET /demo/viewer-token without the demo's published keys", () => {
  it("is a 404: a demo seeded with random keys (not development on loopback) hands out no token", async () => {
    const database = await openDatabase({ dataDir: ":memory:" });
    try {
      await seedDemoWorkspace(database.prisma, { accounts: 2, today: NOW, credentials: "random" });
      const server = await startHttpServer({ database, port: 0 });
      try {
        const response = await fetch(`${server.url}/demo/viewer-token`);
        expect(response.status).toBe(404);
      } finally {
        await server.close();
      }
    } finally {
      await database.close();
    }
  });
});

describe("viewer tokens from the browser: persisted operations by GET, and rate limits per viewer", () => {
  const DOCUMENT =
    "query ViewerAccounts { accounts(first: 5) { totalCount edges { node { externalId csmOwner } } } }";
  const HASH = createHash("sha256").update(DOCUMENT).digest("hex");
  let database: Database;
  let server: StartedServer;
  let workspaceId: string;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ":memory:" });
    ({ workspaceId } = await seedDemoWorkspace(database.prisma, { accounts: 12, today: NOW }));
    server = await startHttpServer({
      database,
      port: 0,
      persistedOperations: { [HASH]: DOCUMENT },
      rateLimits: {
        perIp: 1_000,
        perSecretKey: 1_000,
        perPublishableVisitor: 1_000,
        perPublishableIp: 8,
        perPublishableKey: 1_000,
        perViewer: 3,
        trustProxy: false,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const headersOf = async (claims: { subject?: string; csmOwners?: string[] }) => ({
    authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}`,
    [VIEWER_TOKEN_HEADER]: await signViewerToken(
      { workspaceId, csmOwners: ["Ada Byron"], ...claims },
      DEMO_SIGNING_SECRET,
    ),
    origin: ORIGIN,
  });
  const persistedGet = (headers: Record<string, string>) =>
    fetch(
      `${server.url}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: HASH } }))}`,
      { headers },
    );

  it("runs a persisted operation sent by GET, within the scope, after a preflight that allows it", async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "GET",
        "access-control-request-headers": `authorization, ${VIEWER_TOKEN_HEADER}`,
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBeTruthy();
    const response = await persistedGet(await headersOf({ subject: "persisted" }));
    const body = (await response.json()) as {
      data?: { accounts: { edges: { node: { csmOwner: string } }[] } };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(response.status).toBe(200);
    const owners = new Set(body.data?.accounts.edges.map((edge) => edge.node.csmOwner));
    expect([...owners]).toEqual(["Ada Byron"]);
  });

  it("limits each viewer (its `sub`) on its own, under the publishable key's per-IP ceiling", async () => {
    const first = await headersOf({ subject: "u1" });
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await persistedGet(first)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await persistedGet(first);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(
      ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe("RATE_LIMITED");
    // Another viewer has its own budget, until the address's ceiling (8 a minute here) is reached.
    const second = await headersOf({ subject: "u2" });
    expect((await persistedGet(second)).status).toBe(200);
    expect((await persistedGet(second)).status).toBe(200);
    const third = await headersOf({ subject: "u3" });
    expect((await persistedGet(third)).status).toBe(429);
  });
});
