import type { Database } from "@pulse/schema/database";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import type { StartedServer } from "../src/http.ts";
import { rebuildUsageDaily } from "../src/ingest/usage-rollup.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase, startTestServer } from "./helpers.ts";

const SURVEY = `query($survey: String!, $token: String!) { widgetSurvey(survey: $survey, token: $token) { key kind question shouldAsk reaskIntervalDays } }`;
const SUBMIT = `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { responseId score comment createdAt } }`;
const DISMISS = `mutation($input: DismissSurveyInput!) { dismissSurvey(input: $input) }`;
const BADGE = `query($token: String!) { widgetBadge(token: $token) { accountName score band trend components { key label value weight used } history { day score } } }`;

describe.each(DATABASE_KINDS)("widget operations on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let server: StartedServer;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  let token: (contact?: string, seconds?: number | null, account?: string) => Promise<string>;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "widget"));
    acme = await newWorkspace(database, "acme");
    other = await newWorkspace(database, "other");
    const account = await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "acct-1",
        name: 'Acme <script>alert("x")</script> & Co',
        seats: 10,
        signedUpAt: new Date("2026-01-01"),
      },
    });
    await database.prisma.supportTicket.create({
      data: {
        workspaceId: acme.workspaceId,
        accountId: account.id,
        priority: "HIGH",
        openedAt: new Date(Date.now() - 86_400_000),
      },
    });
    // Usage (even silent) and support carry 60 % of the weight: enough data for a score.
    await database.prisma.usageEvent.create({
      data: {
        workspaceId: acme.workspaceId,
        accountId: account.id,
        kind: "LOGIN",
        occurredAt: new Date(Date.now() - 86_400_000),
      },
    });
    await rebuildUsageDaily(database.prisma, acme.workspaceId);
    await database.prisma.survey.create({
      data: {
        workspaceId: acme.workspaceId,
        key: "nps",
        kind: "NPS",
        question: "How likely…?",
        reaskIntervalDays: 90,
      },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "ces", kind: "CES", question: "How easy…?" },
    });
    await recordHealthSnapshots(database, acme.workspaceId, {});
    token = (contact = "user-1", seconds = 3600, accountId = "acct-1") =>
      signWidgetToken(
        { workspaceId: acme.workspaceId, account: accountId, contact, expiresInSeconds: seconds },
        acme.signingSecret,
      );
    yoga = createPulseYoga({ database });
    server = await startTestServer(database);
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it("loads a survey for the contact in the token, creating the contact on first sight", async () => {
    const result = await graphql<{ widgetSurvey: { kind: string; shouldAsk: boolean } }>(
      yoga,
      acme.publishableKey,
      SURVEY,
      { survey: "nps", token: await token() },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.widgetSurvey).toMatchObject({ kind: "NPS", shouldAsk: true });
    expect(
      await database.prisma.contact.count({ where: { workspaceId: acme.workspaceId, externalId: "user-1" } }),
    ).toBe(1);
  });

  it("answers with the survey's texts in the best match for the page's locale: exact, language, region, default", async () => {
    const configured = await graphql<{ upsertSurvey: { __typename: string } }>(
      yoga,
      acme.secretKey,
      `mutation($input: SurveyInput!) { upsertSurvey(input: $input) { __typename } }`,
      {
        input: {
          key: "nps-intl",
          kind: "NPS",
          question: "How likely are you to recommend us?",
          followUpQuestion: "Why?",
          translations: [
            { locale: "de", question: "Wie wahrscheinlich empfehlen Sie uns?", followUpQuestion: "Warum?" },
            { locale: "de-CH", question: "Wie wahrscheinlich empfehlen Sie uns weiter?" },
            { locale: "pt-BR", question: "Qual a probabilidade de nos recomendar?" },
          ],
        },
      },
    );
    expect(configured.data?.upsertSurvey.__typename).toBe("MutationUpsertSurveySuccess");
    const texts = async (locale: string | null) => {
      const query = `query($survey: String!, $token: String!, $locale: String) { widgetSurvey(survey: $survey, token: $token, locale: $locale) { locale question followUpQuestion } }`;
      const result = await graphql<{
        widgetSurvey: { locale: string; question: string; followUpQuestion: string | null };
      }>(yoga, acme.publishableKey, query, { survey: "nps-intl", token: await token("user-intl"), locale });
      expect(result.errors).toBeUndefined();
      return result.data?.widgetSurvey;
    };
    const german = {
      locale: "de",
      question: "Wie wahrscheinlich empfehlen Sie uns?",
      followUpQuestion: "Warum?",
    };
    expect(await texts("de")).toEqual(german);
    expect(await texts("de-at")).toEqual(german); // no de-AT: the language alone
    expect(await texts("DE-ch")).toEqual({
      locale: "de-CH",
      question: "Wie wahrscheinlich empfehlen Sie uns weiter?",
      followUpQuestion: null,
    });
    expect(await texts("pt")).toEqual({
      locale: "pt-BR",
      question: "Qual a probabilidade de nos recomendar?",
      followUpQuestion: null,
    }); // another region
    const english = {
      locale: "en",
      question: "How likely are you to recommend us?",
      followUpQuestion: "Why?",
    };
    expect(await texts("fr-FR")).toEqual(english);
    expect(await texts(null)).toEqual(english);
    expect(await texts("not a language tag")).toEqual(english);
  });

  it("stores a response once under retries and concurrent duplicates, and updates it with the comment", async () => {
    const input = { survey: "nps", token: await token(), responseId: "resp-0001-abcdef", score: 9 };
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        graphql<{ submitSurveyResponse: { score: number } }>(yoga, acme.publishableKey, SUBMIT, { input }),
      ),
    );
    for (const result of results) expect(result.data?.submitSurveyResponse.score).toBe(9);
    const retry = await graphql(yoga, acme.publishableKey, SUBMIT, { input });
    expect(retry.errors).toBeUndefined();
    const commented = await graphql<{ submitSurveyResponse: { comment: string } }>(
      yoga,
      acme.publishableKey,
      SUBMIT,
      {
        input: { ...input, comment: '<img src=x onerror=alert(1)> Great\'); DROP TABLE "Account";--' },
      },
    );
    expect(commented.data?.submitSurveyResponse.comment).toContain("DROP TABLE");
    const rows = await database.prisma.surveyResponse.findMany({ where: { workspaceId: acme.workspaceId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.comment).toBe('<img src=x onerror=alert(1)> Great\'); DROP TABLE "Account";--');
    expect(await database.prisma.account.count()).toBeGreaterThan(0);
  });

  it("respects the re-ask interval on the server", async () => {
    const shown = await graphql<{ widgetSurvey: { shouldAsk: boolean } }>(yoga, acme.publishableKey, SURVEY, {
      survey: "nps",
      token: await token(),
    });
    expect(shown.data?.widgetSurvey.shouldAsk).toBe(false);
    const again = await graphql(yoga, acme.publishableKey, SUBMIT, {
      input: { survey: "nps", token: await token(), responseId: "resp-0002-abcdef", score: 3 },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe("ALREADY_ANSWERED");
    expect(await database.prisma.surveyResponse.count({ where: { workspaceId: acme.workspaceId } })).toBe(1);
  });

  it("records a dismissal, after which the survey is not shown to that contact", async () => {
    const contactToken = await token("user-2");
    expect(
      (
        await graphql<{ widgetSurvey: { shouldAsk: boolean } }>(yoga, acme.publishableKey, SURVEY, {
          survey: "ces",
          token: contactToken,
        })
      ).data?.widgetSurvey.shouldAsk,
    ).toBe(true);
    const dismissed = await graphql<{ dismissSurvey: boolean }>(yoga, acme.publishableKey, DISMISS, {
      input: { survey: "ces", token: contactToken },
    });
    expect(dismissed.data?.dismissSurvey).toBe(true);
    expect(
      (
        await graphql<{ widgetSurvey: { shouldAsk: boolean } }>(yoga, acme.publishableKey, SURVEY, {
          survey: "ces",
          token: contactToken,
        })
      ).data?.widgetSurvey.shouldAsk,
    ).toBe(false);
  });

  it("validates scores on the survey's own scale", async () => {
    for (const [survey, score] of [
      ["nps", 11],
      ["nps", -1],
      ["ces", 0],
      ["ces", 8],
    ] as const) {
      const result = await graphql(yoga, acme.publishableKey, SUBMIT, {
        input: { survey, token: await token("user-9"), responseId: `bad-score-${survey}-${score}`, score },
      });
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    const longComment = await graphql(yoga, acme.publishableKey, SUBMIT, {
      input: {
        survey: "ces",
        token: await token("user-9"),
        responseId: "long-comment-1",
        score: 5,
        comment: "x".repeat(2001),
      },
    });
    expect(longComment.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await database.prisma.surveyResponse.count({ where: { contact: { externalId: "user-9" } } })).toBe(
      0,
    );
  });

  it("refuses tampered, expired, foreign and contact-less tokens", async () => {
    const valid = await token();
    const [header, payload, signature] = valid.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), acc: "acct-2" }),
    ).toString("base64url");
    const cases = [
      `${header}.${forgedPayload}.${signature}`,
      await new SignJWT({ wid: acme.workspaceId, acc: "acct-1", cnt: "user-1" })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer("pulse-widget")
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(new TextEncoder().encode(acme.signingSecret)),
      await new SignJWT({ wid: acme.workspaceId, acc: "acct-1", cnt: "user-1" })
        .setProtectedHeader({ alg: "HS512" })
        .setIssuer("pulse-widget")
        .sign(new TextEncoder().encode(acme.signingSecret)),
      await signWidgetToken(
        { workspaceId: acme.workspaceId, account: "acct-1", contact: "user-1" },
        "not-the-secret",
      ),
      await signWidgetToken(
        { workspaceId: other.workspaceId, account: "acct-1", contact: "user-1" },
        other.signingSecret,
      ),
      "not.a.token",
      "",
    ];
    for (const bad of cases) {
      const result = await graphql(yoga, acme.publishableKey, SURVEY, { survey: "nps", token: bad });
      expect(result.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    }
    const noContact = await graphql(yoga, acme.publishableKey, SURVEY, {
      survey: "nps",
      token: await signWidgetToken({ workspaceId: acme.workspaceId, account: "acct-1" }, acme.signingSecret),
    });
    expect(noContact.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    const unknownAccount = await graphql(yoga, acme.publishableKey, SURVEY, {
      survey: "nps",
      token: await token("user-1", 3600, "acct-404"),
    });
    expect(unknownAccount.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("refuses survey tokens without an expiry on every survey path; badge tokens may omit it", async () => {
    const forever = await new SignJWT({ wid: acme.workspaceId, acc: "acct-1", cnt: "user-9" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("pulse-widget")
      .setIssuedAt()
      .sign(new TextEncoder().encode(acme.signingSecret));
    const before = [
      await database.prisma.contact.count(),
      await database.prisma.surveyResponse.count(),
      await database.prisma.surveyDismissal.count(),
    ];
    const answers = [
      await graphql(yoga, acme.publishableKey, SURVEY, { survey: "nps", token: forever }),
      await graphql(yoga, acme.publishableKey, SUBMIT, {
        input: { survey: "ces", token: forever, responseId: "resp-forever-1", score: 6 },
      }),
      await graphql(yoga, acme.publishableKey, DISMISS, { input: { survey: "ces", token: forever } }),
    ];
    for (const answer of answers) {
      expect(answer.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
      expect(answer.errors?.[0]?.message).toMatch(/Survey tokens must expire/);
    }
    const endpoint = await fetch(`${server.url}/widgets/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acme.publishableKey}` },
      body: JSON.stringify({ survey: "ces", token: forever, responseId: "resp-forever-2", score: 6 }),
    });
    expect(endpoint.status).toBe(400);
    expect(await endpoint.json()).toMatchObject({
      errors: [{ extensions: { code: "INVALID_TOKEN" }, message: expect.stringMatching(/must expire/) }],
    });
    expect([
      await database.prisma.contact.count(),
      await database.prisma.surveyResponse.count(),
      await database.prisma.surveyDismissal.count(),
    ]).toEqual(before);
    // The same claims read as a badge are fine: badge tokens may be long-lived.
    const badge = await graphql(yoga, acme.publishableKey, BADGE, { token: forever });
    expect(badge.errors).toBeUndefined();
    expect((await fetch(`${server.url}/badge/${forever}.svg`)).status).toBe(200);
    // signWidgetToken refuses to make one.
    await expect(
      signWidgetToken(
        { workspaceId: acme.workspaceId, account: "acct-1", contact: "u", expiresInSeconds: null },
        acme.signingSecret,
      ),
    ).rejects.toThrow(/must expire/);
  });

  it("reads the badge through GraphQL with a publishable key", async () => {
    const result = await graphql<{
      widgetBadge: {
        score: number;
        band: string;
        components: { key: string; label: string }[];
        history: unknown[];
      };
    }>(yoga, acme.publishableKey, BADGE, { token: await token(undefined, 3600) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.widgetBadge.score).toBeGreaterThan(0);
    expect(result.data?.widgetBadge.components.find((c) => c.key === "support")?.label).toBe("Support");
    expect(result.data?.widgetBadge.history.length).toBeGreaterThanOrEqual(1);
  });

  it("serves the badge as SVG and shields.io JSON, escaping every text", async () => {
    const badgeToken = await signWidgetToken(
      { workspaceId: acme.workspaceId, account: "acct-1", expiresInSeconds: null },
      acme.signingSecret,
    );
    const svg = await fetch(`${server.url}/badge/${badgeToken}.svg?style=card&theme=dark`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    const body = await svg.text();
    expect(body).toContain("<svg");
    expect(body).not.toContain("<script>");
    expect(body).toContain("&#60;script&#62;");
    expect(body).toMatch(/aria-label="health \d+, (green|yellow|red)"/);
    const json = await fetch(`${server.url}/badge/${badgeToken}.json`);
    expect(await json.json()).toMatchObject({
      schemaVersion: 1,
      label: "health",
      message: expect.stringMatching(/^\d+ · (green|yellow|red)$/),
    });
    expect((await fetch(`${server.url}/badge/${badgeToken}x.svg`)).status).toBe(403);
    expect((await fetch(`${server.url}/badge/${badgeToken}.svg?style=<b>`)).status).toBe(400);
  });

  it("keeps publishable keys to the widget operations", async () => {
    const result = await graphql(yoga, acme.publishableKey, `{ workspace { signingSecret } }`);
    expect(result.status).toBe(403);
  });
});
