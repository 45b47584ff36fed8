// POST /widgets/v1/responses over the real HTTP server: the receipt in GraphQL's envelope,
// responses stored once under retries and concurrent duplicates, every refusal with the GraphQL
// path's code (and message) and its HTTP status, nothing written by a refused request, and the
// key, origin, rate-limit and CORS rules shared with /graphql.
import { request as httpRequest } from "node:http";
import type { Database } from "@pulse/schema/database";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const PATH = "/widgets/v1/responses";
const SUBMIT = `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { responseId score comment createdAt } }`;
const MAX_BODY_BYTES = 20_000;

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: {
      submitSurveyResponse: { responseId: string; score: number; comment: string | null; createdAt: string };
    };
    errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
  };
}

/** Sends a body (an object as JSON, a string as it is) to the endpoint. */
async function post(
  url: string,
  key: string | null,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${url}${PATH}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

const codeOf = (answer: { body: Answer["body"] } | { errors?: Answer["body"]["errors"] }) =>
  ("body" in answer ? answer.body.errors : answer.errors)?.[0]?.extensions?.code;

const TABLES = [
  "workspace",
  "apiKey",
  "account",
  "contact",
  "survey",
  "surveyResponse",
  "surveyDismissal",
  "healthSnapshot",
] as const;

async function rowCounts(database: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES)
    counts[table] = await (database.prisma[table] as unknown as { count(): Promise<number> }).count();
  return counts;
}

describe.each(DATABASE_KINDS)("POST /widgets/v1/responses on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  const servers: StartedServer[] = [];

  const token = (contact: string | undefined, account = "acct-1", workspace = acme) =>
    signWidgetToken(
      { workspaceId: workspace.workspaceId, account, contact, expiresInSeconds: 3600 },
      workspace.signingSecret,
    );
  const submission = async (
    contact: string,
    responseId: string,
    score = 9,
    extra: Record<string, unknown> = {},
  ) => ({
    survey: "nps",
    token: await token(contact),
    responseId,
    score,
    ...extra,
  });

  async function extraServer(
    options: Omit<Parameters<typeof startHttpServer>[0], "database">,
  ): Promise<StartedServer> {
    const started = await startHttpServer({ database, port: 0, ...options });
    servers.push(started);
    return started;
  }

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "responses"));
    acme = await newWorkspace(database, "acme");
    other = await newWorkspace(database, "other");
    const signedUpAt = new Date("2026-01-01");
    await database.prisma.account.createMany({
      data: [
        { workspaceId: acme.workspaceId, externalId: "acct-1", name: "One", seats: 10, signedUpAt },
        { workspaceId: acme.workspaceId, externalId: "acct-2", name: "Two", seats: 10, signedUpAt },
        { workspaceId: other.workspaceId, externalId: "acct-1", name: "Other one", signedUpAt },
      ],
    });
    const two = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: acme.workspaceId, externalId: "acct-2" },
    });
    await database.prisma.contact.create({
      data: { workspaceId: acme.workspaceId, accountId: two.id, externalId: "of-acct-2" },
    });
    await database.prisma.survey.createMany({
      data: [
        { workspaceId: acme.workspaceId, key: "nps", kind: "NPS", question: "Recommend us?" },
        { workspaceId: acme.workspaceId, key: "ces", kind: "CES", question: "Easy?" },
        { workspaceId: acme.workspaceId, key: "retired", kind: "NPS", question: "Old?", active: false },
        { workspaceId: other.workspaceId, key: "nps", kind: "NPS", question: "Recommend them?" },
      ],
    });
    server = await startHttpServer({ database, port: 0, maxBodyBytes: MAX_BODY_BYTES });
  });
  afterAll(async () => {
    for (const started of servers) await started.close();
    await server?.close();
    await drop?.();
  });

  it("stores a submission, answers with the receipt in GraphQL's envelope, and refreshes the account's snapshot", async () => {
    const account = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: acme.workspaceId, externalId: "acct-1" },
    });
    expect(await database.prisma.healthSnapshot.count({ where: { accountId: account.id } })).toBe(0);
    const input = await submission("first-1", "first-resp-1", 9);
    const answer = await post(server.url, acme.publishableKey, input);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(answer.body).toEqual({
      data: {
        submitSurveyResponse: {
          responseId: "first-resp-1",
          score: 9,
          comment: null,
          createdAt: expect.any(String),
        },
      },
    });
    const row = await database.prisma.surveyResponse.findUniqueOrThrow({
      where: {
        workspaceId_idempotencyKey: { workspaceId: acme.workspaceId, idempotencyKey: "first-resp-1" },
      },
      include: { contact: true },
    });
    expect(row).toMatchObject({ score: 9, comment: null, kind: "NPS", accountId: account.id });
    expect(row.contact?.externalId).toBe("first-1");
    expect(answer.body.data?.submitSurveyResponse.createdAt).toBe(row.createdAt.toISOString());
    // The same retry through GraphQL answers the very same JSON.
    const viaGraphql = await graphql(server.url, acme.publishableKey, SUBMIT, { input });
    expect(viaGraphql.data).toEqual(answer.body.data);
    await server.snapshots.flush();
    expect(await database.prisma.healthSnapshot.count({ where: { accountId: account.id } })).toBe(1);
  });

  it("stores a response once under retries, concurrent duplicates and the later comment", async () => {
    const input = await submission("dup-1", "dup-resp-1", 7);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(server.url, acme.publishableKey, input)),
    );
    for (const answer of answers)
      expect(answer.body.data?.submitSurveyResponse).toMatchObject({ responseId: "dup-resp-1", score: 7 });
    const retry = await post(server.url, acme.publishableKey, input);
    expect(retry.status).toBe(200);
    const commented = await post(server.url, acme.publishableKey, {
      ...input,
      score: 8,
      comment: '  Great\'); DROP TABLE "Account";-- <b>x</b>  ',
    });
    expect(commented.body.data?.submitSurveyResponse).toMatchObject({
      score: 8,
      comment: 'Great\'); DROP TABLE "Account";-- <b>x</b>',
    });
    // A retry of the score alone keeps the comment, as the GraphQL mutation does.
    const scoreOnly = await post(server.url, acme.publishableKey, { ...input, score: 8, comment: null });
    expect(scoreOnly.body.data?.submitSurveyResponse.comment).toBe(
      'Great\'); DROP TABLE "Account";-- <b>x</b>',
    );
    const rows = await database.prisma.surveyResponse.findMany({
      where: { contact: { externalId: "dup-1" } },
    });
    expect(rows.map((row) => [row.idempotencyKey, row.score, row.comment])).toEqual([
      ["dup-resp-1", 8, 'Great\'); DROP TABLE "Account";-- <b>x</b>'],
    ]);
    expect(await database.prisma.account.count({ where: { workspaceId: acme.workspaceId } })).toBe(2);
  });

  it("accepts the key in X-Api-Key too", async () => {
    const answer = await post(server.url, null, await submission("header-1", "header-resp-1", 3), {
      "x-api-key": acme.publishableKey,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.submitSurveyResponse.score).toBe(3);
  });

  it("refuses what the GraphQL mutation refuses, with the same code and message, and writes nothing", async () => {
    await post(server.url, acme.publishableKey, await submission("answered-1", "answered-resp-1", 5));
    await post(
      server.url,
      acme.publishableKey,
      await submission("answered-2", "answered-resp-2", 5, { survey: "ces" }),
    );
    const expired = await new SignJWT({ wid: acme.workspaceId, acc: "acct-1", cnt: "u1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("pulse-widget")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(new TextEncoder().encode(acme.signingSecret));
    const valid = await token("refused-1");
    const [header, payload, signature] = valid.split(".");
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), acc: "acct-2" })).toString("base64url")}.${signature}`;
    const input = { survey: "nps", token: valid, responseId: "refused-resp-1", score: 9 };
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["NPS 11", { ...input, score: 11 }, 400, "BAD_USER_INPUT"],
      ["CES 0", { ...input, survey: "ces", score: 0 }, 400, "BAD_USER_INPUT"],
      ["responseId too short", { ...input, responseId: "short" }, 400, "BAD_USER_INPUT"],
      ["responseId with quotes", { ...input, responseId: "a b'; DROP TABLE x;--" }, 400, "BAD_USER_INPUT"],
      ["comment over 2,000 characters", { ...input, comment: "x".repeat(2001) }, 400, "BAD_USER_INPUT"],
      ["tampered token", { ...input, token: tampered }, 400, "INVALID_TOKEN"],
      ["expired token", { ...input, token: expired }, 400, "INVALID_TOKEN"],
      [
        "token of another workspace",
        { ...input, token: await token("refused-1", "acct-1", other) },
        400,
        "INVALID_TOKEN",
      ],
      ["token without a contact", { ...input, token: await token(undefined) }, 400, "INVALID_TOKEN"],
      ["not a token", { ...input, token: "hello" }, 400, "INVALID_TOKEN"],
      ["unknown survey", { ...input, survey: "nope" }, 404, "NOT_FOUND"],
      ["inactive survey", { ...input, survey: "retired" }, 404, "NOT_FOUND"],
      ["unknown account", { ...input, token: await token("refused-1", "acct-404") }, 404, "NOT_FOUND"],
      [
        "unknown account before a bad score",
        { ...input, score: 42, token: await token("refused-1", "acct-404") },
        404,
        "NOT_FOUND",
      ],
      ["contact of another account", { ...input, token: await token("of-acct-2") }, 403, "FORBIDDEN"],
      [
        "answered within the re-ask interval",
        { ...input, token: await token("answered-1") },
        409,
        "ALREADY_ANSWERED",
      ],
      // (A contact seen for the first time is created even when its response then conflicts, as on
      // the GraphQL path: the one statement creates contacts on first sight.)
      [
        "responseId of another contact",
        { ...input, token: await token("answered-2"), responseId: "answered-resp-1" },
        409,
        "CONFLICT",
      ],
      [
        "responseId of another survey",
        {
          ...input,
          survey: "ces",
          token: await token("answered-1"),
          responseId: "answered-resp-1",
          score: 3,
        },
        409,
        "CONFLICT",
      ],
    ];
    const before = await rowCounts(database);
    const failures: string[] = [];
    for (const [name, body, status, code] of cases) {
      const answer = await post(server.url, acme.publishableKey, body);
      const viaGraphql = await graphql(server.url, acme.publishableKey, SUBMIT, { input: body });
      const seen = `${answer.status} ${codeOf(answer)} "${answer.body.errors?.[0]?.message}"`;
      if (answer.status !== status || codeOf(answer) !== code)
        failures.push(`${name}: got ${seen}, want ${status} ${code}`);
      if (
        viaGraphql.errors?.[0]?.message !== answer.body.errors?.[0]?.message ||
        codeOf(viaGraphql) !== code
      ) {
        failures.push(
          `${name}: GraphQL said ${codeOf(viaGraphql)} "${viaGraphql.errors?.[0]?.message}", the endpoint ${seen}`,
        );
      }
      if (answer.body.data !== undefined) failures.push(`${name}: answered data`);
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("refuses malformed requests with their HTTP status and a coded error, and writes nothing", async () => {
    const input = await submission("malformed-1", "malformed-resp-1", 9);
    const before = await rowCounts(database);
    const cases: [string, unknown, Record<string, string>, number, string][] = [
      ["invalid JSON", "{not json", {}, 400, "BAD_REQUEST"],
      ["empty body", "", {}, 400, "BAD_REQUEST"],
      ["JSON array", [input], {}, 400, "BAD_USER_INPUT"],
      ["JSON null", "null", {}, 400, "BAD_USER_INPUT"],
      ["GraphQL request body", { query: SUBMIT, variables: { input } }, {}, 400, "BAD_USER_INPUT"],
      ["unknown field", { ...input, admin: true }, {}, 400, "BAD_USER_INPUT"],
      ["missing token", { ...input, token: undefined }, {}, 400, "BAD_USER_INPUT"],
      ["score as a string", { ...input, score: "9" }, {}, 400, "BAD_USER_INPUT"],
      ["score 3.5", { ...input, score: 3.5 }, {}, 400, "BAD_USER_INPUT"],
      ["comment as a number", { ...input, comment: 5 }, {}, 400, "BAD_USER_INPUT"],
      ["NUL in the comment", { ...input, comment: "a\u0000b" }, {}, 400, "BAD_USER_INPUT"],
      ["lone surrogate in the comment", { ...input, comment: "a \ud800" }, {}, 400, "BAD_USER_INPUT"],
      [
        "body over the limit",
        { ...input, comment: "x".repeat(MAX_BODY_BYTES) },
        {},
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      ["text/plain", JSON.stringify(input), { "content-type": "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
      [
        "form body",
        "survey=nps",
        { "content-type": "application/x-www-form-urlencoded" },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      ["no key", input, { authorization: "" }, 401, "UNAUTHENTICATED"],
      ["SQL in the key", input, { authorization: "Bearer pk_' OR '1'='1" }, 401, "UNAUTHENTICATED"],
      ["a secret key", input, { authorization: `Bearer ${acme.secretKey}` }, 403, "FORBIDDEN"],
    ];
    const failures: string[] = [];
    for (const [name, body, headers, status, code] of cases) {
      const answer = await post(server.url, acme.publishableKey, body, headers);
      const message = answer.body.errors?.[0]?.message ?? "";
      if (answer.status !== status || codeOf(answer) !== code)
        failures.push(`${name}: got ${answer.status} ${codeOf(answer)} "${message}"`);
      if (!message || /Unexpected error|at .*\.ts:\d+/.test(message))
        failures.push(`${name}: message "${message}"`);
    }
    expect(failures).toEqual([]);
    const secret = await post(server.url, acme.secretKey, input);
    expect(secret.body.errors?.[0]?.message).toMatch(/publishable key.*GraphQL API/);
    const unauthenticated = await post(server.url, null, input);
    expect(unauthenticated.headers.get("www-authenticate")).toBe('Bearer realm="pulse"');
    expect(await rowCounts(database)).toEqual(before);
    expect((await post(server.url, acme.publishableKey, input)).status).toBe(200);
  });

  it("answers 411 without a Content-Length and 405 to other methods", async () => {
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}${PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${acme.publishableKey}`,
          "transfer-encoding": "chunked",
        },
      });
      request.on("response", (response) => {
        let body = "";
        response.on("data", (chunk) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      request.end("{}");
    });
    expect(chunked.status).toBe(411);
    expect(JSON.parse(chunked.body).errors[0].extensions.code).toBe("LENGTH_REQUIRED");
    for (const method of ["GET", "PUT", "DELETE"]) {
      const answer = await fetch(`${server.url}${PATH}`, { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get("allow")).toBe("POST, OPTIONS");
      expect((await answer.json()).errors[0].extensions.code).toBe("METHOD_NOT_ALLOWED");
    }
    // The widget scripts are still served next to it.
    expect((await fetch(`${server.url}/widgets/no-such-file.js`)).status).toBe(404);
  });

  it("answers the CORS preflight for any origin, without credentials", async () => {
    const preflight = await fetch(`${server.url}${PATH}`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["authorization", "content-type", "x-api-key"]),
    );
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const refused = await post(server.url, null, {}, { origin: "https://app.example.com" });
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    expect(refused.headers.get("access-control-expose-headers")).toBe("retry-after");
  });

  it("holds the publishable key to the workspace's allowed origins, its own pages always allowed", async () => {
    const ws = await newWorkspace(database, `origins-${kind}`);
    await database.prisma.workspace.update({
      where: { id: ws.workspaceId },
      data: { allowedOrigins: ["https://app.example.com"] },
    });
    await database.prisma.account.create({
      data: { workspaceId: ws.workspaceId, externalId: "a", name: "A", signedUpAt: new Date("2026-01-01") },
    });
    await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    const input = async (contact: string) => ({
      survey: "nps",
      token: await signWidgetToken({ workspaceId: ws.workspaceId, account: "a", contact }, ws.signingSecret),
      responseId: `origin-resp-${contact}`,
      score: 10,
    });
    const before = await database.prisma.surveyResponse.count({ where: { workspaceId: ws.workspaceId } });
    const denied = await post(server.url, ws.publishableKey, await input("evil"), {
      origin: "https://evil.example",
    });
    expect(denied.status).toBe(403);
    expect(codeOf(denied)).toBe("ORIGIN_NOT_ALLOWED");
    expect(await database.prisma.surveyResponse.count({ where: { workspaceId: ws.workspaceId } })).toBe(
      before,
    );
    expect(
      (await post(server.url, ws.publishableKey, await input("app"), { origin: "https://app.example.com" }))
        .status,
    ).toBe(200);
    expect(
      (await post(server.url, ws.publishableKey, await input("self"), { origin: server.url })).status,
    ).toBe(200);
    expect((await post(server.url, ws.publishableKey, await input("server-side"))).status).toBe(200);
    // The same rule as /graphql.
    const graphqlDenied = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${ws.publishableKey}`,
        origin: "https://evil.example",
      },
      body: JSON.stringify({ query: SUBMIT, variables: { input: await input("evil") } }),
    });
    expect(graphqlDenied.status).toBe(403);
    expect(codeOf((await graphqlDenied.json()) as Answer["body"])).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("refuses a key revoked through the same server at once (one key cache)", async () => {
    const created = await graphql<{ createApiKey: { data: { key: string; apiKey: { id: string } } } }>(
      server.url,
      acme.secretKey,
      `mutation { createApiKey(input: { kind: PUBLISHABLE, name: "revoked-${kind}" }) { ... on MutationCreateApiKeySuccess { data { key apiKey { id } } } } }`,
    );
    const { key, apiKey } = created.data?.createApiKey.data ?? { key: "", apiKey: { id: "" } };
    expect((await post(server.url, key, await submission("revoked-1", "revoked-resp-1"))).status).toBe(200);
    const revoked = await graphql(
      server.url,
      acme.secretKey,
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
      { id: apiKey.id },
    );
    expect(revoked.errors).toBeUndefined();
    const after = await post(server.url, key, await submission("revoked-2", "revoked-resp-2"));
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe("UNAUTHENTICATED");
    expect(await database.prisma.contact.count({ where: { externalId: "revoked-2" } })).toBe(0);
  });

  it("limits each client IP of a publishable key (the looser ceiling) with 429 and Retry-After, sharing one budget with /graphql", async () => {
    const limited = await extraServer({
      rateLimits: {
        perIp: 1000,
        perSecretKey: 1000,
        perPublishableVisitor: 1000,
        perPublishableIp: 4,
        perPublishableKey: 1000,
        trustProxy: true,
      },
    });
    const visitor = { "x-forwarded-for": "203.0.113.7" };
    const viaGraphql = () =>
      fetch(`${limited.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${acme.publishableKey}`,
          ...visitor,
        },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    const statuses: number[] = [];
    statuses.push(
      (await post(limited.url, acme.publishableKey, await submission("limit-1", "limit-resp-1"), visitor))
        .status,
    );
    statuses.push((await viaGraphql()).status);
    statuses.push(
      (await post(limited.url, acme.publishableKey, await submission("limit-2", "limit-resp-2"), visitor))
        .status,
    );
    statuses.push(
      (await post(limited.url, acme.publishableKey, await submission("limit-3", "limit-resp-3"), visitor))
        .status,
    );
    const refused = await post(
      limited.url,
      acme.publishableKey,
      await submission("limit-4", "limit-resp-4"),
      visitor,
    );
    statuses.push(refused.status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await database.prisma.contact.count({ where: { externalId: "limit-4" } })).toBe(0);
    expect((await viaGraphql()).status).toBe(429);
    const otherVisitor = await post(
      limited.url,
      acme.publishableKey,
      await submission("limit-5", "limit-resp-5"),
      { "x-forwarded-for": "203.0.113.8" },
    );
    expect(otherVisitor.status).toBe(200);
  });

  it("limits each signed visitor (the token's contact), not everyone behind one address", async () => {
    const limited = await extraServer({
      rateLimits: {
        perIp: 1000,
        perSecretKey: 1000,
        perPublishableVisitor: 2,
        perPublishableIp: 1000,
        perPublishableKey: 1000,
        trustProxy: true,
      },
    });
    const office = { "x-forwarded-for": "203.0.113.50" };
    const statuses: number[] = [];
    // Retries of one answer (the same responseId), as a flaky network makes them.
    for (let n = 0; n < 3; n++) {
      statuses.push(
        (await post(limited.url, acme.publishableKey, await submission("nat-a", "nat-a-resp-1"), office))
          .status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await post(
      limited.url,
      acme.publishableKey,
      await submission("nat-a", "nat-a-resp-4"),
      office,
    );
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // A colleague behind the same address is another visitor.
    const colleague = await post(
      limited.url,
      acme.publishableKey,
      await submission("nat-b", "nat-b-resp-1"),
      office,
    );
    expect(colleague.status).toBe(200);
    // The same visitor over GraphQL shares the budget: a 429 with Retry-After there too.
    const token = (await submission("nat-a", "unused")).token;
    const viaGraphql = await fetch(`${limited.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${acme.publishableKey}`,
        origin: "https://shop.example.com",
        ...office,
      },
      body: JSON.stringify({
        query: `query($t: String!) { widgetSurvey(survey: "nps", token: $t) { shouldAsk } }`,
        variables: { t: token },
      }),
    });
    expect(viaGraphql.status).toBe(429);
    expect(Number(viaGraphql.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(viaGraphql.headers.get("access-control-expose-headers")).toMatch(/retry-after/i);
    expect(
      ((await viaGraphql.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
        .code,
    ).toBe("RATE_LIMITED");
    expect(await database.prisma.surveyResponse.count({ where: { idempotencyKey: "nat-a-resp-4" } })).toBe(0);
  });

  it("limits each client IP before looking at the key", async () => {
    const limited = await extraServer({
      rateLimits: {
        perIp: 2,
        perSecretKey: 1000,
        perPublishableVisitor: 1000,
        perPublishableIp: 1000,
        perPublishableKey: 1000,
        trustProxy: true,
      },
    });
    const ip = { "x-forwarded-for": "198.51.100.9" };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(limited.url, null, {}, ip)).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it("masks an unexpected failure as a logged 500", async () => {
    const ws = await newWorkspace(database, `broken-${kind}`);
    await database.prisma.account.create({
      data: { workspaceId: ws.workspaceId, externalId: "a", name: "A", signedUpAt: new Date("2026-01-01") },
    });
    const survey = await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    const input = async (contact: string) => ({
      survey: "nps",
      token: await signWidgetToken({ workspaceId: ws.workspaceId, account: "a", contact }, ws.signingSecret),
      responseId: `broken-resp-${contact}`,
      score: 5,
    });
    expect((await post(server.url, ws.publishableKey, await input("c1"))).status).toBe(200);
    // Deleted behind the server's back: its cached survey now breaks the write's foreign key.
    await database.prisma.surveyResponse.deleteMany({ where: { surveyId: survey.id } });
    await database.prisma.survey.delete({ where: { id: survey.id } });
    // The server's log lines are JSON on stderr (operations/logger.ts).
    const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const answer = await post(server.url, ws.publishableKey, await input("c2"));
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({
        errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      });
      const errors = logged.mock.calls
        .map(([line]) => String(line))
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { level: string; msg: string; error?: unknown });
      expect(errors).toContainEqual(expect.objectContaining({ level: "error", error: expect.anything() }));
    } finally {
      logged.mockRestore();
    }
  });
});
