// NUL characters and unpaired surrogates reach the server in many spellings: as JSON in the
// variables or a body, as GraphQL escapes inside the query text ("a\u0000b" is six plain
// characters until the document is parsed), at any depth of an input, as a variable's default
// value, and inside the claims of a signed widget token. Each is refused with BAD_USER_INPUT or
// INVALID_TOKEN on every entry point (/graphql, POST /widgets/v1/responses, /badge/…), never a
// 500, and nothing is written.
import type { Database } from "@pulse/schema/database";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

// GraphQL escapes as they appear in the query text (a backslash, then u0000).
const NUL = "\\u0000";
const HIGH = "\\ud800";
const LOW = "\\udc00";

async function rowCounts(database: Database): Promise<number[]> {
  const prisma = database.prisma;
  return Promise.all([
    prisma.account.count(),
    prisma.contact.count(),
    prisma.survey.count(),
    prisma.surveyResponse.count(),
    prisma.surveyDismissal.count(),
    prisma.idempotencyRecord.count(),
  ]);
}

describe.each(DATABASE_KINDS)("text that cannot be stored, on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let acme: CreatedWorkspace;
  const secret = new TextEncoder();

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "invalidtext"));
    acme = await newWorkspace(database, "acme");
    await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "a1",
        name: "Acme One",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    server = await startHttpServer({ database, port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  async function graphql(key: string, body: Record<string, unknown>) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  }

  it("refuses NUL and lone surrogates written as escapes in the query text, at every depth", async () => {
    const before = await rowCounts(database);
    // graphql-js's parser already refuses an escaped lone surrogate (a syntax error); a NUL
    // escape parses, and is refused after parsing.
    const parse = ["GRAPHQL_PARSE_FAILED"];
    const input = ["BAD_USER_INPUT"];
    const documents: [string, string[]][] = [
      [`{ account(externalId: "a${NUL}b") { name } }`, input],
      [`{ accounts(first: 1, filter: { search: "x${NUL}" }) { totalCount } }`, input],
      [`mutation { updateWorkspace(input: { keyFeatures: ["ok", "f${NUL}"] }) { __typename } }`, input],
      [
        `mutation { upsertAccounts(input: { items: [{ externalId: "n1", name: "ok", signedUpAt: "2026-01-01" }, { externalId: "n2", name: "bad${NUL}", signedUpAt: "2026-01-01" }] }) { __typename } }`,
        input,
      ],
      [`query($s: String = "d${NUL}") { accounts(first: 1, filter: { search: $s }) { totalCount } }`, input],
      [`{ accounts(first: 1, filter: { search: "x${HIGH}" }) { totalCount } }`, parse],
      [`mutation { updateWorkspace(input: { keyFeatures: ["${LOW}"] }) { __typename } }`, parse],
    ];
    for (const [query, codes] of documents) {
      const answer = await graphql(acme.secretKey, { query });
      const code = answer.body.errors?.[0]?.extensions?.code ?? "none";
      expect({ query, code: codes.includes(code) }).toEqual({ query, code: true });
      // A request error: 200 with application/json for validation, per GraphQL over HTTP (400
      // when asked for application/graphql-response+json); never a 500.
      expect([200, 400]).toContain(answer.status);
      if (codes === input)
        expect(answer.body.errors?.[0]?.message).toMatch(/NUL character or an unpaired surrogate/);
      expect(answer.body.data ?? null).toBeNull();
    }
    // In the variables, JSON escapes of lone surrogates do arrive as such, and are refused.
    for (const value of ["x\\ud800", "\\udc00y", "a\\u0000"]) {
      const body = `{"query":"query($s: String) { accounts(first: 1, filter: { search: $s }) { totalCount } }","variables":{"s":"${value}"}}`;
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
        body,
      });
      expect([200, 400]).toContain(response.status);
      expect({ value, answer: await response.json() }).toMatchObject({
        value,
        answer: { errors: [{ extensions: { code: "BAD_USER_INPUT" } }] },
      });
    }
    const literal = await graphql(acme.secretKey, { query: documents[3]?.[0] });
    expect(literal.body.errors?.[0]?.message).toMatch(/^argument input\.items\.1\.name contains/);
    const byDefault = await graphql(acme.secretKey, { query: documents[4]?.[0] });
    expect(byDefault.body.errors?.[0]?.message).toMatch(/^default value of \$s contains/);
    // A paired surrogate (an emoji written as two escapes) is fine.
    const emoji = await graphql(acme.secretKey, {
      query: `{ accounts(first: 1, filter: { search: "\\ud83d\\ude00" }) { totalCount } }`,
    });
    expect(emoji.body).toEqual({ data: { accounts: { totalCount: 0 } } });
    expect(await rowCounts(database)).toEqual(before);
  });

  it("refuses widget tokens whose claims hold them, on /graphql, the responses endpoint and badges", async () => {
    const before = await rowCounts(database);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("pulse-widget")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(secret.encode(acme.signingSecret));
    const tokens = [
      await sign({ wid: acme.workspaceId, acc: "a1\u0000", cnt: "c1" }),
      await sign({ wid: acme.workspaceId, acc: "a1", cnt: "c\ud800" }),
      await sign({ wid: acme.workspaceId, acc: "a1", cnt: "c1", extra: ["\udc00"] }),
      await signWidgetToken({ workspaceId: acme.workspaceId, account: "a1\u0000" }, acme.signingSecret),
    ];
    for (const token of tokens) {
      const load = await graphql(acme.publishableKey, {
        query: `query($t: String!) { widgetSurvey(survey: "nps", token: $t) { shouldAsk } }`,
        variables: { t: token },
      });
      expect(load.body.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
      const badge = await graphql(acme.publishableKey, {
        query: `query($t: String!) { widgetBadge(token: $t) { score } }`,
        variables: { t: token },
      });
      expect(badge.body.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
      const submitted = await fetch(`${server.url}/widgets/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${acme.publishableKey}` },
        body: JSON.stringify({
          survey: "nps",
          token,
          responseId: `resp-${Math.random().toString(36).slice(2, 12)}`,
          score: 9,
        }),
      });
      expect(submitted.status).toBe(400);
      expect(
        ((await submitted.json()) as { errors: { message: string; extensions: { code: string } }[] })
          .errors[0]?.extensions.code,
      ).toBe("INVALID_TOKEN");
      for (const format of ["svg", "json"]) {
        const response = await fetch(`${server.url}/badge/${token}.${format}`);
        expect(response.status).toBeLessThan(500);
        const text = await response.text();
        expect(text).toMatch(/invalid|not valid|NUL/i);
      }
    }
    expect(await rowCounts(database)).toEqual(before);
  });
});
