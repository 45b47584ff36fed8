// The domain layer and the one guard pipeline: no HTTP route (nor the domain) reaches a GraphQL
// type module; the guards refuse in their one order, and /graphql and the widgets' endpoint
// refuse alike; the widget lookups and survey submissions belong to a server, and its pending
// submissions are written before the database closes.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyCache } from "../src/auth/api-keys.ts";
import { type GuardRequest, type Principal, type Refusal, RequestGuards } from "../src/auth/guards.ts";
import { RateLimiter } from "../src/auth/rate-limiter.ts";
import { createDomainParts } from "../src/domain/context.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { WidgetLookups } from "../src/widget/lookups.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

const SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");
const GRAPHQL_DIRECTORY = join(SOURCE, "graphql");

/** The modules that answer HTTP outside Yoga, and the domain they call. */
const ROUTE_MODULES = [
  "badge/route.ts",
  "widget/responses-route.ts",
  "widgets-route.ts",
  "dashboard-route.ts",
  "http-answers.ts",
  ...readdirSync(join(SOURCE, "domain")).map((file) => `domain/${file}`),
];

/** The relative imports of a module (static `from "…"` and `import "…"`), as absolute paths. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)].map(
    (match) => match[1] ?? "",
  );
  return specifiers.map((specifier) => resolve(dirname(path), specifier));
}

/** Every chain of imports from `start` that reaches a module under src/graphql/. */
function pathsToSchema(start: string): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const walk = (path: string, chain: string[]) => {
    if (path.startsWith(`${GRAPHQL_DIRECTORY}/`)) {
      found.push([...chain, path].map((each) => relative(SOURCE, each)));
      return;
    }
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of importsOf(path)) walk(imported, [...chain, path]);
  };
  walk(start, []);
  return found;
}

describe("the domain layer", () => {
  it("no route module and no domain module imports a GraphQL type module (src/graphql/), even through others", () => {
    for (const module of ROUTE_MODULES) {
      expect(pathsToSchema(join(SOURCE, module)), module).toEqual([]);
    }
  });

  it("no module below the GraphQL layer reaches it: only Yoga and the modules that host it import src/graphql/", () => {
    // The hosts: yoga.ts builds Yoga over the schema, http.ts serves it, cli.ts and index.ts start
    // it, print-schema.ts prints it.
    const hosts = new Set(["yoga.ts", "http.ts", "cli.ts", "index.ts", "print-schema.ts"]);
    const modules: string[] = [];
    const collect = (directory: string) => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) {
          if (path !== GRAPHQL_DIRECTORY && name !== "generated") collect(path);
        } else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) modules.push(path);
      }
    };
    collect(SOURCE);
    expect(modules.length).toBeGreaterThan(50);
    const reaching = modules
      .filter((path) => !hosts.has(relative(SOURCE, path)) && pathsToSchema(path).length > 0)
      .map((path) => relative(SOURCE, path));
    expect(reaching).toEqual([]);
  });

  it("the import scan finds a route's import of src/graphql/", () => {
    // The scan itself: http.ts hosts Yoga, whose schema is src/graphql/index.ts.
    expect(pathsToSchema(join(SOURCE, "http.ts")).length).toBeGreaterThan(0);
  });

  it("no module keeps per-database singletons of the widget lookups or survey submissions", () => {
    expect("of" in WidgetLookups).toBe(false);
    for (const module of ["widget/lookups.ts", "widget/survey-writes.ts"]) {
      expect(readFileSync(join(SOURCE, module), "utf8"), module).not.toMatch(/WeakMap<Database/);
    }
  });
});

describe.each(DATABASE_KINDS)("the request guards on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let acme: CreatedWorkspace;

  const request = (headers: Record<string, string>, node?: GuardRequest["node"]): GuardRequest => ({
    headers: new Headers(headers),
    node,
    selfOrigin: "http://pulse.test",
  });
  const refused = (result: Refusal | Principal | { ip: string }): Refusal => {
    if (!("refused" in result) || !result.refused) throw new Error(`not refused: ${JSON.stringify(result)}`);
    return result;
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "guards"));
    acme = await newWorkspace(database, "guards");
    await database.prisma.workspace.update({
      where: { id: acme.workspaceId },
      data: { allowedOrigins: ["https://app.example.com"] },
    });
  });
  afterAll(async () => {
    await drop();
  });

  function guards(perIp = 1_000) {
    const rateLimiter = new RateLimiter({
      perIp,
      perSecretKey: 1_000,
      perPublishableVisitor: 1_000,
      perPublishableIp: 1_000,
      perPublishableKey: 1_000,
      trustProxy: true,
    });
    return {
      rateLimiter,
      guards: new RequestGuards({
        database,
        keys: new ApiKeyCache(),
        rateLimiter,
        lookups: new WidgetLookups(),
      }),
    };
  }

  it("runs in order: the IP limit before the key, the endpoint's scope before the origin", async () => {
    const { guards: limited, rateLimiter } = guards(1);
    const from = { "x-forwarded-for": "203.0.113.7" };
    expect(
      await limited.authenticate(request({ ...from, authorization: `Bearer ${acme.secretKey}` })),
    ).toMatchObject({
      auth: { workspaceId: acme.workspaceId, kind: "SECRET" },
      ip: "203.0.113.7",
    });
    // Over the address's limit, even a bad key is refused as rate limited: no key is looked up.
    const overLimit = refused(
      await limited.authenticate(request({ ...from, authorization: "Bearer pk_nope" })),
    );
    expect(overLimit).toMatchObject({
      status: 429,
      code: "RATE_LIMITED",
      extensions: { retryAfter: expect.any(Number) },
    });
    expect(overLimit.headers?.["retry-after"]).toBe(String(overLimit.extensions?.retryAfter));
    await rateLimiter.close();

    const { guards: open, rateLimiter: openLimiter } = guards();
    expect(refused(await open.authenticate(request({})))).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
      headers: { "www-authenticate": 'Bearer realm="pulse"' },
    });
    // A publishable key from a page the workspace does not allow: the origin refuses it…
    const foreign = { authorization: `Bearer ${acme.publishableKey}`, origin: "https://evil.example" };
    expect(refused(await open.authenticate(request(foreign)))).toMatchObject({
      status: 403,
      code: "ORIGIN_NOT_ALLOWED",
    });
    // …unless the endpoint's scope refused it first.
    const scope = () => ({ refused: true as const, status: 403, code: "FORBIDDEN", message: "not here" });
    expect(refused(await open.authenticate(request(foreign), { scope }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await open.authenticate(request({ ...foreign, origin: "https://app.example.com" }))).toMatchObject(
      { auth: { kind: "PUBLISHABLE" } },
    );
    await openLimiter.close();
  });

  it("answers /graphql and the widgets' endpoint with the same refusals", async () => {
    const server: StartedServer = await startHttpServer({ database, port: 0, host: "127.0.0.1" });
    try {
      const both = async (headers: Record<string, string>) =>
        Promise.all(
          ["/graphql", "/widgets/v1/responses"].map(async (path) => {
            const response = await fetch(`${server.url}${path}`, {
              method: "POST",
              headers: { "content-type": "application/json", ...headers },
              body: JSON.stringify(path === "/graphql" ? { query: "{ __typename }" } : {}),
            });
            return {
              status: response.status,
              authenticate: response.headers.get("www-authenticate"),
              body: await response.json(),
            };
          }),
        );
      const refusedRequests: Record<string, string>[] = [
        {},
        { authorization: "Bearer pk_invalid0000000000000000000000000000000000" },
        { authorization: `Bearer ${acme.publishableKey}`, origin: "https://evil.example" },
      ];
      for (const headers of refusedRequests) {
        const [graphql, endpoint] = await both(headers);
        expect(endpoint, JSON.stringify(headers)).toEqual(graphql);
        expect(graphql?.status).toBeGreaterThanOrEqual(401);
      }
    } finally {
      await server.close();
    }
  });

  it("gives each server its own widget lookups and survey submissions", async () => {
    const one = createPulseYoga({ database });
    const two = createPulseYoga({ database });
    expect(one.domain.lookups).not.toBe(two.domain.lookups);
    expect(one.domain.submissions).not.toBe(two.domain.submissions);
    await Promise.all([one.events.stop(), two.events.stop()]);
  });
});

describe.each(DATABASE_KINDS)("survey submissions on %s", (kind) => {
  it("writes a pending submission before the database closes", async () => {
    const { database, drop } = await openTestDatabase(kind, "drain");
    const workspace = await newWorkspace(database, "drain");
    const account = await database.prisma.account.create({
      data: {
        workspaceId: workspace.workspaceId,
        externalId: "a1",
        name: "A1",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    const survey = await database.prisma.survey.create({
      data: { workspaceId: workspace.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    // A window far longer than the test: only draining writes it in time.
    const parts = createDomainParts(database, { submissions: { windowMs: 600_000 } });
    const now = new Date();
    const outcome = parts.submissions.submit({
      workspaceId: workspace.workspaceId,
      accountExternalId: account.externalId,
      contactExternalId: "c1",
      surveyId: survey.id,
      kind: "NPS",
      at: now,
      since: new Date(now.getTime() - 86_400_000),
      responseKey: "drained-response-1",
      score: 9,
      comment: null,
    });
    // The database is closed (and a Postgres one dropped) right away; the submission is written first.
    const closed = drop();
    expect(await outcome).toMatchObject({ status: "STORED", score: 9, accountId: account.id });
    await closed;
  });
});
