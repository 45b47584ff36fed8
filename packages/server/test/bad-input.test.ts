// A corpus of hostile and malformed requests. Each one gets a clear error with a stable code,
// the server keeps answering, and nothing is written: the row counts of every table are the
// same before and after the whole corpus.
import type { Database } from "@pulse/schema/database";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import type { StartedServer } from "../src/http.ts";
import { startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { newWorkspace, openTestDatabase } from "./helpers.ts";

interface Case {
  name: string;
  /** A raw body (sent as is) or a GraphQL request. */
  body: string | { query?: unknown; variables?: unknown; operationName?: unknown };
  key?: "secret" | "publishable" | "other" | "none";
  contentType?: string;
  /** Accepted codes (the first error's extensions.code). */
  codes: string[];
}

const TABLES = [
  "workspace",
  "apiKey",
  "account",
  "contact",
  "revenueEvent",
  "contract",
  "usageEvent",
  "supportTicket",
  "invoice",
  "survey",
  "surveyResponse",
  "surveyDismissal",
  "sentimentEntry",
  "milestone",
  "milestoneAchievement",
  "businessReview",
  "healthSnapshot",
  "healthConfigVersion",
  "idempotencyRecord",
  "lifecycleStageChange",
  "acquisitionSpend",
  "metricTarget",
] as const;

async function rowCounts(database: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    counts[table] = await (database.prisma[table] as unknown as { count(): Promise<number> }).count();
  }
  return counts;
}

describe("bad input corpus (PostgreSQL, real HTTP)", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let server: StartedServer;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase("postgres", "badinput"));
    acme = await newWorkspace(database, "acme");
    other = await newWorkspace(database, "other");
    const account = await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "a1",
        name: "Acme One",
        seats: 5,
        signedUpAt: new Date("2026-01-01"),
      },
    });
    const foreign = await database.prisma.account.create({
      data: {
        workspaceId: other.workspaceId,
        externalId: "a1",
        name: "Other One",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    const foreignContact = await database.prisma.contact.create({
      data: { workspaceId: other.workspaceId, accountId: foreign.id, externalId: "c1" },
    });
    const foreignKey = await database.prisma.apiKey.findFirstOrThrow({
      where: { workspaceId: other.workspaceId, kind: "SECRET" },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "ces", kind: "CES", question: "?" },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "csat", kind: "CSAT", question: "?" },
    });
    const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
    ids.account = globalId("Account", account.id);
    ids.foreignAccount = globalId("Account", foreign.id);
    ids.foreignContact = globalId("Contact", foreignContact.id);
    ids.foreignKey = globalId("ApiKey", foreignKey.id);
    ids.foreignVersion = globalId(
      "HealthConfigVersion",
      (
        await database.prisma.healthConfigVersion.findFirstOrThrow({
          where: { workspaceId: other.workspaceId },
        })
      ).id,
    );
    const foreignTarget = await database.prisma.metricTarget.create({
      data: {
        workspaceId: other.workspaceId,
        metric: "NPS",
        baseline: 0,
        target: 10,
        dueAt: new Date("2099-01-01"),
      },
    });
    ids.foreignTarget = globalId("MetricTarget", foreignTarget.id);
    tokens.valid = await signWidgetToken(
      { workspaceId: acme.workspaceId, account: "a1", contact: "u1" },
      acme.signingSecret,
    );
    tokens.otherWorkspace = await signWidgetToken(
      { workspaceId: other.workspaceId, account: "a1", contact: "c1" },
      other.signingSecret,
    );
    tokens.wrongSecret = await signWidgetToken(
      { workspaceId: acme.workspaceId, account: "a1", contact: "u1" },
      "guess",
    );
    tokens.expired = await new SignJWT({ wid: acme.workspaceId, acc: "a1", cnt: "u1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("pulse-widget")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(new TextEncoder().encode(acme.signingSecret));
    tokens.none = await new SignJWT({ wid: acme.workspaceId, acc: "a1", cnt: "u1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("pulse-widget")
      .sign(new TextEncoder().encode(acme.signingSecret))
      .then((t) => `${t.split(".").slice(0, 2).join(".")}.`);
    server = await startHttpServer({ database, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  /** The health-score lab: invalid configurations, periods and horizons, foreign versions. */
  function healthLabCases(): Case[] {
    const update = (input: unknown) => ({
      query:
        "mutation($input: UpdateHealthScoreConfigInput!) { updateHealthScoreConfig(input: $input) { ... on ValidationError { code message } } }",
      variables: { input },
    });
    const preview = (config: unknown) => ({
      query:
        "query($config: UpdateHealthScoreConfigInput!) { previewHealthScoreConfig(config: $config) { ... on ValidationError { code message } } }",
      variables: { config },
    });
    const backtest = (period: unknown, horizonDays: unknown) => ({
      query:
        "query($period: PeriodInput!, $h: Int!) { healthBacktest(period: $period, horizonDays: $h) { ... on ValidationError { code message } } }",
      variables: { period, h: horizonDays },
    });
    const restore = (id: unknown) => ({
      query:
        "mutation($id: ID!) { restoreHealthConfigVersion(id: $id) { ... on NotFoundError { code message } } }",
      variables: { id },
    });
    const period = { from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z" };
    return [
      {
        name: "health config: yellow above green",
        body: update({ greenThreshold: 30, yellowThreshold: 60 }),
        codes: ["BAD_USER_INPUT"],
      },
      {
        name: "health config: weight 1e308",
        body: update({ components: [{ key: "usage", weight: 1e308 }] }),
        codes: ["BAD_USER_INPUT"],
      },
      {
        name: "health config: every component disabled",
        body: update({
          components: ["usage", "feedback", "support", "payment"].map((key) => ({ key, enabled: false })),
        }),
        codes: ["BAD_USER_INPUT"],
      },
      {
        name: "preview: negative weight",
        body: preview({ components: [{ key: "usage", weight: -1 }] }),
        codes: ["BAD_USER_INPUT"],
      },
      { name: "preview: threshold 120", body: preview({ greenThreshold: 120 }), codes: ["BAD_USER_INPUT"] },
      { name: "backtest: horizon 0 days", body: backtest(period, 0), codes: ["BAD_USER_INPUT"] },
      { name: "backtest: horizon 10,000 days", body: backtest(period, 10_000), codes: ["BAD_USER_INPUT"] },
      {
        name: "backtest: period backwards",
        body: backtest({ from: period.to, to: period.from }, 30),
        codes: ["BAD_USER_INPUT"],
      },
      {
        name: "backtest: period ending in 2099",
        body: backtest({ from: period.from, to: "2099-01-01T00:00:00Z" }, 30),
        codes: ["BAD_USER_INPUT"],
      },
      { name: "backtest: horizon as text", body: backtest(period, "30"), codes: ["BAD_USER_INPUT"] },
      {
        name: "restore: another workspace's version",
        body: restore(ids.foreignVersion),
        codes: ["NOT_FOUND"],
      },
      {
        name: "restore: a malformed id",
        body: restore("not-a-global-id"),
        codes: ["BAD_REQUEST"],
      },
    ];
  }

  function corpus(): Case[] {
    const submit = (score: unknown, extra: Record<string, unknown> = {}, survey = "nps") => ({
      query:
        "mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { responseId } }",
      variables: {
        input: {
          survey,
          token: tokens.valid,
          responseId: `resp-${Math.random().toString(36).slice(2, 12)}`,
          score,
          ...extra,
        },
      },
    });
    const widgetSurvey = (token: unknown) => ({
      query: 'query($t: String!) { widgetSurvey(survey: "nps", token: $t) { shouldAsk } }',
      variables: { t: token },
    });
    const rename = (input: unknown) => ({
      query:
        "mutation($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) { __typename ... on ValidationError { code } } }",
      variables: { input },
    });
    const page = (variables: unknown) => ({
      query:
        "query($first: Int, $after: String) { accounts(first: $first, after: $after) { edges { cursor } } }",
      variables,
    });
    const node = (id: unknown) => ({ query: "query($id: ID!) { node(id: $id) { id } }", variables: { id } });
    const spend = (input: Record<string, unknown>) => ({
      query:
        "mutation($input: AcquisitionSpendInput!) { upsertAcquisitionSpend(input: $input) { __typename ... on ValidationError { code } } }",
      variables: {
        input: {
          externalId: "s1",
          periodStart: "2026-01-01",
          periodEnd: "2026-02-01",
          amount: "100",
          ...input,
        },
      },
    });
    const target = (input: Record<string, unknown>) => ({
      query:
        "mutation($input: MetricTargetInput!) { setMetricTarget(input: $input) { __typename ... on ValidationError { code } ... on NotFoundError { code } } }",
      variables: {
        input: { metric: "NPS", baseline: 10, target: 20, dueAt: "2099-01-01T00:00:00Z", ...input },
      },
    });
    const parse = ["GRAPHQL_PARSE_FAILED"];
    const validation = ["GRAPHQL_VALIDATION_FAILED"];
    const input = ["BAD_USER_INPUT"];
    const request = ["BAD_REQUEST", "BAD_USER_INPUT"];
    const token = ["INVALID_TOKEN"];
    const complex = ["QUERY_TOO_COMPLEX"];
    return [
      // Malformed HTTP bodies
      { name: "invalid JSON", body: "{not json", codes: request },
      { name: "truncated JSON", body: '{"query": "{ workspace { name } }"', codes: request },
      { name: "JSON array body (batching is off)", body: "[]", codes: request },
      { name: "JSON number body", body: "42", codes: request },
      { name: "JSON null body", body: "null", codes: request },
      { name: "JSON string body", body: '"{ workspace { name } }"', codes: request },
      { name: "empty body", body: "", codes: request },
      { name: "no query", body: { variables: {} }, codes: request },
      { name: "query is a number", body: { query: 5 }, codes: request },
      {
        name: "variables is a string",
        body: { query: "{ workspace { name } }", variables: "x" },
        codes: request,
      },
      {
        name: "unknown operationName",
        body: { query: "query A { workspace { name } }", operationName: "B" },
        codes: ["OPERATION_RESOLUTION_FAILURE"],
      },
      {
        name: "form-encoded body with broken GraphQL",
        body: "query=%7B%20workspace%20%7B",
        contentType: "application/x-www-form-urlencoded",
        codes: [...request, ...parse],
      },
      // Malformed GraphQL
      { name: "unclosed selection", body: { query: "{ workspace { name " }, codes: parse },
      { name: "stray brace", body: { query: "{ workspace } }" }, codes: parse },
      { name: "bad token", body: { query: "{ workspace { name$ } }" }, codes: parse },
      { name: "empty document", body: { query: "" }, codes: [...parse, ...request] },
      { name: "only a comment", body: { query: "# nothing" }, codes: parse },
      { name: "unknown field", body: { query: "{ workspace { password } }" }, codes: validation },
      {
        name: "unknown argument",
        body: { query: "{ accounts(limit: 5) { edges { cursor } } }" },
        codes: validation,
      },
      { name: "missing required argument", body: { query: "{ widgetBadge { score } }" }, codes: validation },
      {
        name: "string literal for Int",
        body: { query: '{ accounts(first: "5") { edges { cursor } } }' },
        codes: validation,
      },
      { name: "selection on a scalar", body: { query: "{ workspace { name { x } } }" }, codes: validation },
      {
        name: "fragment cycle",
        body: {
          query: "{ workspace { ...A } } fragment A on Workspace { ...B } fragment B on Workspace { ...A }",
        },
        codes: validation,
      },
      {
        name: "two anonymous operations",
        body: { query: "{ workspace { name } } { workspace { slug } }" },
        codes: [...validation, "OPERATION_RESOLUTION_FAILURE"],
      },
      // Wrong variable types
      { name: "string for Int variable", body: page({ first: "five" }), codes: input },
      { name: "float for Int variable", body: page({ first: 2.5 }), codes: input },
      { name: "Int above 2^31", body: page({ first: 2 ** 40 }), codes: input },
      { name: "negative page size", body: page({ first: -1 }), codes: input },
      { name: "page size over 100", body: page({ first: 1000 }), codes: input },
      { name: "object for String variable", body: page({ first: 1, after: { x: 1 } }), codes: input },
      { name: "null for non-null variable", body: node(null), codes: input },
      { name: "wrong type in input object", body: rename({ lifetimeCapMonths: "sixty" }), codes: input },
      { name: "unknown input field", body: rename({ name: "x", admin: true }), codes: input },
      { name: "decimal that is not a number", body: rename({ grossMargin: "12abc" }), codes: input },
      { name: "decimal NaN", body: rename({ grossMargin: "NaN" }), codes: input },
      {
        name: "impossible date",
        body: {
          query: 'query { portfolio(period: { from: "2026-02-30", to: "2026-03-01" }) { logoChurnRate } }',
        },
        codes: input,
      },
      {
        name: "period ending before it starts",
        body: {
          query: 'query { portfolio(period: { from: "2026-03-01", to: "2026-02-01" }) { logoChurnRate } }',
        },
        codes: input,
      },
      // Out-of-scale scores and bad widget input
      { name: "NPS 11", body: submit(11), key: "publishable", codes: input },
      { name: "NPS -1", body: submit(-1), key: "publishable", codes: input },
      { name: "NPS 3.5", body: submit(3.5), key: "publishable", codes: input },
      { name: "CES 0", body: submit(0, {}, "ces"), key: "publishable", codes: input },
      { name: "CES 8", body: submit(8, {}, "ces"), key: "publishable", codes: input },
      { name: "CSAT 6", body: submit(6, {}, "csat"), key: "publishable", codes: input },
      { name: "score as string", body: submit("9"), key: "publishable", codes: input },
      {
        name: "responseId too short",
        body: submit(9, { responseId: "x" }),
        key: "publishable",
        codes: input,
      },
      {
        name: "responseId with spaces and quotes",
        body: submit(9, { responseId: "a b'; DROP TABLE x;--" }),
        key: "publishable",
        codes: input,
      },
      {
        name: "comment over 2,000 characters",
        body: submit(9, { comment: "x".repeat(2001) }),
        key: "publishable",
        codes: input,
      },
      {
        name: "unknown survey",
        body: {
          ...submit(9),
          variables: {
            input: { survey: "nope", token: tokens.valid, responseId: "resp-unknown-1", score: 5 },
          },
        },
        key: "publishable",
        codes: ["NOT_FOUND"],
      },
      // Huge strings and lists
      {
        name: "200 KB workspace name",
        body: rename({ name: "n".repeat(200_000) }),
        codes: [...input, "PAYLOAD_TOO_LARGE"],
      },
      {
        name: "10,000 key features",
        body: rename({ keyFeatures: Array.from({ length: 10_000 }, (_, i) => `f${i}`) }),
        codes: [...input, "PAYLOAD_TOO_LARGE"],
      },
      {
        name: "10 KB search string",
        body: {
          query: "query($s: String) { accounts(first: 1, filter: { search: $s }) { totalCount } }",
          variables: { s: "s".repeat(10_000) },
        },
        codes: input,
      },
      { name: "body over 1 MB", body: rename({ name: "x".repeat(1_100_000) }), codes: ["PAYLOAD_TOO_LARGE"] },
      // Unicode edge cases
      { name: "NUL character in a name", body: rename({ name: "Acme\u0000Corp" }), codes: input },
      { name: "lone high surrogate", body: rename({ name: "Acme \ud800" }), codes: input },
      { name: "lone low surrogate", body: rename({ name: "\udc00 Acme" }), codes: input },
      {
        name: "NUL in the document",
        body: { query: '{ account(externalId: "a\u0000") { name } }' },
        codes: input,
      },
      { name: "empty name after trimming", body: rename({ name: "   " }), codes: input },
      // Deep, wide and repeated queries
      {
        name: "depth bomb",
        body: {
          query: `{ ${'account(externalId: "a1") { contacts(first: 1) { edges { node { '.repeat(5)}name${" } } } }".repeat(5)} }`,
        },
        codes: complex,
      },
      {
        name: "alias bomb",
        body: {
          query: `{ ${Array.from({ length: 100 }, (_, i) => `w${i}: workspace { name }`).join(" ")} }`,
        },
        codes: complex,
      },
      {
        name: "directive bomb",
        body: { query: `{ workspace { name ${"@skip(if: false) ".repeat(100)} } }` },
        codes: complex,
      },
      { name: "token flood", body: { query: `{ workspace { ${"name ".repeat(20_000)} } }` }, codes: complex },
      {
        name: "wide page of every metric at 100 × 3 aliases",
        body: {
          query: `{ ${[1, 2, 3].map((i) => `p${i}: accounts(first: 100) { edges { node { health { score components { key value } } usage { activeUsers features { key } } risk { reasons { code } } } } }`).join(" ")} }`,
        },
        codes: complex,
      },
      // Invalid cursors and ids
      { name: "garbage cursor", body: page({ first: 1, after: "garbage!!" }), codes: input },
      {
        name: "cursor of the wrong shape",
        body: page({ first: 1, after: Buffer.from('{"a":1}').toString("base64url") }),
        codes: input,
      },
      {
        name: "cursor with a non-uuid id",
        body: page({ first: 1, after: Buffer.from('["x","1; DROP TABLE"]').toString("base64url") }),
        codes: input,
      },
      {
        name: "node id that is not base64",
        body: node("%%%"),
        codes: [...input, "BAD_REQUEST", "NOT_FOUND"],
      },
      {
        name: "node id of an unknown type",
        body: node(Buffer.from("Password:1").toString("base64")),
        codes: [...input, "BAD_REQUEST", "NOT_FOUND"],
      },
      {
        name: "node id with a non-uuid",
        body: node(Buffer.from("Account:1 OR 1=1").toString("base64")),
        codes: [...input, "BAD_REQUEST", "NOT_FOUND"],
      },
      // Forged and foreign tokens
      { name: "expired token", body: widgetSurvey(tokens.expired), key: "publishable", codes: token },
      {
        name: "token signed with a guessed secret",
        body: widgetSurvey(tokens.wrongSecret),
        key: "publishable",
        codes: token,
      },
      {
        name: "token of another workspace",
        body: widgetSurvey(tokens.otherWorkspace),
        key: "publishable",
        codes: token,
      },
      {
        name: "unsigned (alg none) token",
        body: widgetSurvey(tokens.none),
        key: "publishable",
        codes: token,
      },
      { name: "token that is not a JWT", body: widgetSurvey("hello"), key: "publishable", codes: token },
      { name: "empty token", body: widgetSurvey(""), key: "publishable", codes: token },
      { name: "10 KB token", body: widgetSurvey("a".repeat(10_000)), key: "publishable", codes: token },
      // Acquisition spend, targets, journey and stage history
      { name: "negative spend", body: spend({ amount: "-5" }), codes: input },
      { name: "spend with 5 decimals", body: spend({ amount: "1.00001" }), codes: input },
      { name: "spend ending before it starts", body: spend({ periodEnd: "2025-12-01" }), codes: input },
      { name: "spend over 11 years", body: spend({ periodEnd: "2037-02-01" }), codes: input },
      {
        name: "spend starting in 2090",
        body: spend({ periodStart: "2090-01-01", periodEnd: "2090-02-01" }),
        codes: input,
      },
      { name: "spend with a blank external id", body: spend({ externalId: " s1" }), codes: input },
      {
        name: "empty spend batch",
        body: {
          query:
            "mutation { upsertAcquisitionSpends(input: { items: [] }) { __typename ... on ValidationError { code } } }",
        },
        codes: input,
      },
      { name: "target equal to its baseline", body: target({ target: 10 }), codes: input },
      { name: "target due in the past", body: target({ dueAt: "2020-01-01T00:00:00Z" }), codes: input },
      { name: "target window of 0 days", body: target({ windowDays: 0 }), codes: input },
      { name: "target window of 4000 days", body: target({ windowDays: 4000 }), codes: input },
      { name: "target of an unknown metric", body: target({ metric: "HAPPINESS" }), codes: input },
      {
        name: "update another workspace's target",
        body: target({ id: ids.foreignTarget }),
        codes: ["NOT_FOUND"],
      },
      {
        name: "update a target by a malformed id",
        body: target({ id: "'; DROP TABLE x;--" }),
        codes: ["NOT_FOUND"],
      },
      {
        name: "delete another workspace's target",
        body: {
          query:
            "mutation($id: ID!) { deleteMetricTarget(id: $id) { __typename ... on NotFoundError { code } } }",
          variables: { id: ids.foreignTarget },
        },
        codes: ["NOT_FOUND"],
      },
      {
        name: "journey over an inverted period",
        body: { query: '{ journey(period: { from: "2026-02-01", to: "2026-01-01" }) { from } }' },
        codes: input,
      },
      {
        name: "stage entered before sign-up",
        body: {
          query:
            "mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename ... on ValidationError { code } } }",
          variables: {
            input: {
              externalId: "a1",
              name: "Acme One",
              signedUpAt: "2026-01-01",
              lifecycleStage: "ADOPTION",
              lifecycleStageChangedAt: "2025-12-01",
            },
          },
        },
        codes: input,
      },
      // Other tenants' ids, keys and scopes
      {
        name: "revoke another workspace's key",
        body: {
          query: "mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on NotFoundError { code } } }",
          variables: { id: ids.foreignKey },
        },
        codes: ["NOT_FOUND"],
      },
      { name: "node of another workspace's contact", body: node(ids.foreignContact), codes: ["NOT_FOUND"] },
      { name: "node of another workspace's account", body: node(ids.foreignAccount), codes: ["NOT_FOUND"] },
      {
        name: "publishable key reading accounts",
        body: { query: "{ accounts(first: 1) { edges { cursor } } }" },
        key: "publishable",
        codes: ["FORBIDDEN"],
      },
      {
        name: "publishable key hiding a mutation in a fragment",
        body: { query: "mutation { ...M } fragment M on Mutation { rotateSigningSecret }" },
        key: "publishable",
        codes: ["FORBIDDEN"],
      },
      ...healthLabCases(),
      { name: "no key", body: { query: "{ workspace { name } }" }, key: "none", codes: ["UNAUTHENTICATED"] },
      {
        name: "SQL in the key",
        body: { query: "{ workspace { name } }" },
        key: "other",
        codes: ["UNAUTHENTICATED"],
      },
    ];
  }

  it("answers each of at least 60 hostile requests with a clear, coded error and writes nothing", async () => {
    const cases = corpus();
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const before = await rowCounts(database);
    const failures: string[] = [];
    for (const testCase of cases) {
      const key =
        testCase.key === "none"
          ? null
          : testCase.key === "publishable"
            ? acme.publishableKey
            : testCase.key === "other"
              ? "sk_' OR '1'='1"
              : acme.secretKey;
      const body = typeof testCase.body === "string" ? testCase.body : JSON.stringify(testCase.body);
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": testCase.contentType ?? "application/json",
          accept: "application/json",
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body,
      });
      const text = await response.text();
      let parsed: {
        data?: Record<string, { code?: string } | null> | null;
        errors?: { message: string; extensions?: { code?: string } }[];
      } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        failures.push(`${testCase.name}: not JSON (${response.status}) ${text.slice(0, 80)}`);
        continue;
      }
      const code =
        parsed.errors?.[0]?.extensions?.code ??
        Object.values(parsed.data ?? {}).find(
          (value) => value && typeof value === "object" && "code" in value,
        )?.code;
      const message = parsed.errors?.[0]?.message ?? "";
      if (!code || !testCase.codes.includes(code))
        failures.push(
          `${testCase.name}: got ${code ?? "no code"} (${response.status}) ${message.slice(0, 100)}`,
        );
      if (/Unexpected error|stack|at .*\.ts:\d+/.test(message))
        failures.push(`${testCase.name}: leaks internals: ${message.slice(0, 100)}`);
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(database)).toEqual(before);
    const alive = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
      body: JSON.stringify({ query: "{ workspace { name } }" }),
    });
    expect(await alive.json()).toEqual({ data: { workspace: { name: "Workspace acme" } } });
  });

  it("stores SQL and HTML payloads as plain text and matches them literally", async () => {
    const payload = `'); DROP TABLE "Account"; -- <script>alert(1)</script> %_`;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
      body: JSON.stringify({
        query: "query($s: String) { accounts(first: 10, filter: { search: $s }) { totalCount } }",
        variables: { s: "%" },
      }),
    });
    expect(await response.json()).toEqual({ data: { accounts: { totalCount: 0 } } });
    const renamed = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
      body: JSON.stringify({
        query: "mutation($n: String!) { updateWorkspace(input: { name: $n }) { __typename } }",
        variables: { n: payload },
      }),
    });
    expect(renamed.status).toBe(200);
    expect(
      (await database.prisma.workspace.findUniqueOrThrow({ where: { id: acme.workspaceId } })).name,
    ).toBe(payload);
    expect(await database.prisma.account.count()).toBe(2);
  });
});
