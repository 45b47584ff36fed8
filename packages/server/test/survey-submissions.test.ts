// Survey submissions through the group commit: concurrent submissions stored once each in few
// statements, duplicates and re-asks within one batch resolved as one after the other, a failing
// row failing only its own submitter, answers only after commit; and the widget lookups' cache
// evicted by rotation and survey changes.
import { randomUUID } from "node:crypto";
import { type Database, openDatabase } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken, verifyWidgetToken } from "../src/auth/widget-token.ts";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { GroupCommit } from "../src/widget/group-commit.ts";
import { WidgetLookups } from "../src/widget/lookups.ts";
import {
  type SubmissionOutcome,
  type SurveySubmission,
  submissionKeys,
  writeSubmissions,
} from "../src/widget/survey-writes.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T10:20:30.456Z");
const SUBMIT = `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { responseId score comment createdAt } }`;
const SURVEY = `query($survey: String!, $token: String!) { widgetSurvey(survey: $survey, token: $token) { key shouldAsk } }`;
const DISMISS = `mutation($input: DismissSurveyInput!) { dismissSurvey(input: $input) }`;
const UPSERT_SURVEY = `mutation($input: SurveyInput!) { upsertSurvey(input: $input) { ... on MutationUpsertSurveySuccess { data { key active } } } }`;

type Receipt = {
  submitSurveyResponse: { responseId: string; score: number; comment: string | null; createdAt: string };
};

describe.each(DATABASE_KINDS)("survey submissions on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let snapshots: SnapshotRefresher;
  let ws: CreatedWorkspace;
  let accountId: string;
  let npsId: string;

  const token = (contact: string, account = "acct-1", secret = ws.signingSecret) =>
    signWidgetToken({ workspaceId: ws.workspaceId, account, contact, expiresInSeconds: 3600 }, secret);
  const submit = async (input: {
    survey?: string;
    token: string;
    responseId: string;
    score: number;
    comment?: string;
  }) => graphql<Receipt>(yoga, ws.publishableKey, SUBMIT, { input: { survey: "nps", ...input } });

  /** A submission as the resolver builds it, for the writer used directly. */
  const submission = (
    contact: string,
    responseKey: string,
    score: number,
    overrides: Partial<SurveySubmission> = {},
  ): SurveySubmission => ({
    workspaceId: ws.workspaceId,
    accountExternalId: "acct-1",
    contactExternalId: contact,
    surveyId: npsId,
    kind: "NPS",
    at: NOW,
    since: new Date(NOW.getTime() - 90 * 86_400_000),
    responseKey,
    score,
    comment: null,
    ...overrides,
  });

  /** A group commit on the real writer that records the size of every statement it sends. */
  const recordingCommit = (windowMs: number) => {
    const batches: number[] = [];
    const commit = new GroupCommit<SurveySubmission, SubmissionOutcome>(
      (items) => {
        batches.push(items.length);
        return writeSubmissions(database, items);
      },
      submissionKeys,
      { windowMs },
    );
    return { commit, batches };
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "submissions"));
    ws = await newWorkspace(database, "submissions");
    const [first] = await Promise.all([
      database.prisma.account.create({
        data: {
          workspaceId: ws.workspaceId,
          externalId: "acct-1",
          name: "One",
          signedUpAt: new Date("2026-01-01"),
        },
      }),
      database.prisma.account.create({
        data: {
          workspaceId: ws.workspaceId,
          externalId: "acct-2",
          name: "Two",
          signedUpAt: new Date("2026-01-01"),
        },
      }),
    ]);
    accountId = first.id;
    const nps = await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "nps", kind: "NPS", question: "Recommend us?" },
    });
    npsId = nps.id;
    await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "csat", kind: "CSAT", question: "Happy?" },
    });
    snapshots = new SnapshotRefresher(database, 10_000);
    yoga = createPulseYoga({ database, clock: () => NOW, snapshots });
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  it("stores 60 concurrent submissions once each, in a few statements, and refreshes the account's snapshot", async () => {
    const writes: string[] = [];
    const listener = (sql: string) => {
      if (sql.includes("jsonb_to_recordset")) writes.push(sql);
    };
    database.statements.listeners.add(listener);
    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => token(`crowd-${i}`)));
    const results = await Promise.all(
      tokens.map((t, i) => submit({ token: t, responseId: `crowd-resp-${i}`, score: i % 11 })),
    );
    database.statements.listeners.delete(listener);
    for (const [i, result] of results.entries()) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.submitSurveyResponse).toEqual({
        responseId: `crowd-resp-${i}`,
        score: i % 11,
        comment: null,
        createdAt: NOW.toISOString(),
      });
    }
    const stored = await database.prisma.surveyResponse.findMany({
      where: { workspaceId: ws.workspaceId, idempotencyKey: { startsWith: "crowd-resp-" } },
    });
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((row) => row.contactId)).size).toBe(60);
    expect(
      stored.every(
        (row) =>
          row.createdAt.getTime() === NOW.getTime() && row.accountId === accountId && row.kind === "NPS",
      ),
    ).toBe(true);
    expect(
      await database.prisma.contact.count({
        where: { workspaceId: ws.workspaceId, externalId: { startsWith: "crowd-" } },
      }),
    ).toBe(60);
    expect(writes.length).toBeLessThan(20);
    expect(await database.prisma.healthSnapshot.count({ where: { accountId } })).toBe(0);
    await snapshots.flush();
    expect(await database.prisma.healthSnapshot.count({ where: { accountId } })).toBeGreaterThan(0);
  });

  it("writes duplicates and re-asks of one batch one after the other, as if sent in turn", async () => {
    const { commit, batches } = recordingCommit(50);
    const outcomes = await Promise.all([
      commit.submit(submission("dup-1", "dup-resp-1", 3)),
      commit.submit(submission("dup-1", "dup-resp-1", 7, { comment: "better now" })),
      commit.submit(submission("dup-1", "dup-resp-1", 8)),
      // The same contact's second response within the re-ask interval: refused.
      commit.submit(submission("dup-1", "dup-resp-2", 9)),
      commit.submit(submission("dup-2", "dup-resp-3", 5)),
      commit.submit(submission("dup-3", "dup-resp-4", 6)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "STORED",
      "STORED",
      "STORED",
      "ALREADY_ANSWERED",
      "STORED",
      "STORED",
    ]);
    expect(
      outcomes
        .slice(0, 3)
        .map((outcome) => (outcome.status === "STORED" ? [outcome.score, outcome.comment] : null)),
    ).toEqual([
      [3, null],
      [7, "better now"],
      [8, "better now"],
    ]);
    // Three submissions of one contact wait for each other; the other two go with the first.
    expect(batches).toEqual([3, 1, 1, 1]);
    const rows = await database.prisma.surveyResponse.findMany({
      where: { idempotencyKey: { startsWith: "dup-resp-" } },
      orderBy: { idempotencyKey: "asc" },
    });
    expect(rows.map((row) => [row.idempotencyKey, row.score, row.comment])).toEqual([
      ["dup-resp-1", 8, "better now"],
      ["dup-resp-3", 5, null],
      ["dup-resp-4", 6, null],
    ]);
  });

  it("holds a submission back while a batch with the same contact is being written", async () => {
    const batches: string[][] = [];
    let later: Promise<SubmissionOutcome> | undefined;
    const commit: GroupCommit<SurveySubmission, SubmissionOutcome> = new GroupCommit(
      (items) => {
        batches.push(items.map((item) => item.responseKey));
        // Sent while the first batch is in flight, with a free slot for a second statement.
        later ??= commit.submit(submission("inflight-1", "inflight-resp-2", 2));
        return writeSubmissions(database, items);
      },
      submissionKeys,
      { windowMs: 1, maxConcurrent: 4 },
    );
    const first = await commit.submit(submission("inflight-1", "inflight-resp-1", 1));
    expect(first.status).toBe("STORED");
    expect((await later)?.status).toBe("ALREADY_ANSWERED");
    expect(batches).toEqual([["inflight-resp-1"], ["inflight-resp-2"]]);
    expect(
      await database.prisma.surveyResponse.count({
        where: { idempotencyKey: { startsWith: "inflight-resp-" } },
      }),
    ).toBe(1);
  });

  it("fails only the row that breaks its batch, and acknowledges each other row after its commit", async () => {
    const { commit, batches } = recordingCommit(50);
    const visibleWhenAnswered: boolean[] = [];
    const good = ["poison-a", "poison-b", "poison-c", "poison-d"].map((contact) =>
      commit.submit(submission(contact, `${contact}-resp`, 4)).then(async (outcome) => {
        // Read on another connection (PostgreSQL): the row must be committed by now.
        const row = await database.prisma.surveyResponse.findFirst({
          where: { workspaceId: ws.workspaceId, idempotencyKey: `${contact}-resp` },
        });
        visibleWhenAnswered.push(row !== null);
        return outcome;
      }),
    );
    // A survey deleted since it was cached: the response's foreign key fails the statement.
    const bad = commit.submit(submission("poison-x", "poison-x-resp", 4, { surveyId: randomUUID() }));
    const [badResult, ...goodResults] = await Promise.allSettled([bad, ...good]);
    expect(badResult?.status).toBe("rejected");
    expect(
      goodResults.map((result) => (result.status === "fulfilled" ? result.value.status : "rejected")),
    ).toEqual(["STORED", "STORED", "STORED", "STORED"]);
    expect(visibleWhenAnswered).toEqual([true, true, true, true]);
    // One failed batch of five, then each alone.
    expect(batches).toEqual([5, 1, 1, 1, 1, 1]);
    const stored = await database.prisma.surveyResponse.findMany({
      where: { idempotencyKey: { startsWith: "poison-" } },
      select: { idempotencyKey: true },
    });
    expect(stored.map((row) => row.idempotencyKey).sort()).toEqual([
      "poison-a-resp",
      "poison-b-resp",
      "poison-c-resp",
      "poison-d-resp",
    ]);
  });

  it("answers with today's error codes, checked in today's order", async () => {
    const stranger = await token("codes-1", "acct-404");
    // An unknown account is reported before a bad score or a token without a contact.
    expect(
      (await submit({ token: stranger, responseId: "codes-resp-0", score: 42 })).errors?.[0]?.extensions
        ?.code,
    ).toBe("NOT_FOUND");
    const contactless = await signWidgetToken(
      { workspaceId: ws.workspaceId, account: "acct-404" },
      ws.signingSecret,
    );
    expect(
      (await submit({ token: contactless, responseId: "codes-resp-0", score: 5 })).errors?.[0]?.extensions
        ?.code,
    ).toBe("NOT_FOUND");
    expect(
      (await graphql(yoga, ws.publishableKey, SURVEY, { survey: "nps", token: contactless })).errors?.[0]
        ?.extensions?.code,
    ).toBe("NOT_FOUND");
    const contactlessKnown = await signWidgetToken(
      { workspaceId: ws.workspaceId, account: "acct-1" },
      ws.signingSecret,
    );
    expect(
      (await submit({ token: contactlessKnown, responseId: "codes-resp-0", score: 5 })).errors?.[0]
        ?.extensions?.code,
    ).toBe("INVALID_TOKEN");
    expect(
      (await submit({ token: stranger, responseId: "codes-resp-0", score: 5 })).errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");
    expect(
      (await submit({ token: await token("codes-1"), responseId: "codes-resp-0", score: 11 })).errors?.[0]
        ?.extensions?.code,
    ).toBe("BAD_USER_INPUT");
    expect(
      (await submit({ token: await token("codes-1"), responseId: "short", score: 5 })).errors?.[0]?.extensions
        ?.code,
    ).toBe("BAD_USER_INPUT");
    expect(
      (await submit({ survey: "nope", token: await token("codes-1"), responseId: "codes-resp-0", score: 5 }))
        .errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");
    expect(
      await database.prisma.contact.count({ where: { workspaceId: ws.workspaceId, externalId: "codes-1" } }),
    ).toBe(0);

    expect(
      (await submit({ token: await token("codes-1"), responseId: "codes-resp-1", score: 5 })).errors,
    ).toBeUndefined();
    // The contact belongs to acct-1: a token naming it for acct-2 is refused, nothing stored.
    const moved = await token("codes-1", "acct-2");
    expect(
      (await submit({ token: moved, responseId: "codes-resp-2", score: 5 })).errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    expect(
      (await graphql(yoga, ws.publishableKey, SURVEY, { survey: "nps", token: moved })).errors?.[0]
        ?.extensions?.code,
    ).toBe("FORBIDDEN");
    expect(
      (await graphql(yoga, ws.publishableKey, DISMISS, { input: { survey: "nps", token: moved } }))
        .errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    // Another contact reusing codes-1's responseId: CONFLICT, the response unchanged.
    const other = await submit({ token: await token("codes-2"), responseId: "codes-resp-1", score: 1 });
    expect(other.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    // The same responseId on another survey: CONFLICT too.
    const otherSurvey = await submit({
      survey: "csat",
      token: await token("codes-1"),
      responseId: "codes-resp-1",
      score: 2,
    });
    expect(otherSurvey.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    // A second answer of codes-1 within the interval: ALREADY_ANSWERED; the first one's retry is fine.
    expect(
      (await submit({ token: await token("codes-1"), responseId: "codes-resp-3", score: 5 })).errors?.[0]
        ?.extensions?.code,
    ).toBe("ALREADY_ANSWERED");
    const retry = await submit({
      token: await token("codes-1"),
      responseId: "codes-resp-1",
      score: 6,
      comment: "  late  ",
    });
    expect(retry.data?.submitSurveyResponse).toMatchObject({ score: 6, comment: "late" });
    const rows = await database.prisma.surveyResponse.findMany({
      where: { idempotencyKey: { startsWith: "codes-resp-" } },
    });
    expect(rows.map((row) => [row.idempotencyKey, row.score, row.comment])).toEqual([
      ["codes-resp-1", 6, "late"],
    ]);
    // dismissSurvey stores nothing for a contact of another account, and one dismissal otherwise.
    expect(await database.prisma.surveyDismissal.count({ where: { workspaceId: ws.workspaceId } })).toBe(0);
    expect(
      (
        await graphql(yoga, ws.publishableKey, DISMISS, {
          input: { survey: "csat", token: await token("codes-1") },
        })
      ).data,
    ).toEqual({ dismissSurvey: true });
    expect(
      await database.prisma.surveyDismissal.count({ where: { workspaceId: ws.workspaceId, createdAt: NOW } }),
    ).toBe(1);
    expect(
      (
        await graphql<{ widgetSurvey: { shouldAsk: boolean } }>(yoga, ws.publishableKey, SURVEY, {
          survey: "csat",
          token: await token("codes-1"),
        })
      ).data?.widgetSurvey.shouldAsk,
    ).toBe(false);
  });

  it("stops accepting the old signing secret and accepts the new one at once after a rotation", async () => {
    const before = await token("rotate-1");
    expect((await submit({ token: before, responseId: "rotate-resp-1", score: 9 })).errors).toBeUndefined();
    const rotated = await graphql<{ rotateSigningSecret: string }>(
      yoga,
      ws.secretKey,
      `mutation { rotateSigningSecret }`,
    );
    const secret = rotated.data?.rotateSigningSecret ?? "";
    expect(secret).toMatch(/^whsec_/);
    const old = await submit({ token: await token("rotate-2"), responseId: "rotate-resp-2", score: 9 });
    expect(old.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    ws = { ...ws, signingSecret: secret };
    expect(
      (await submit({ token: await token("rotate-2"), responseId: "rotate-resp-2", score: 9 })).errors,
    ).toBeUndefined();
  });

  it("hides a deactivated survey at once, and shows it again when reactivated", async () => {
    const t = await token("deactivate-1");
    expect(
      (await graphql(yoga, ws.publishableKey, SURVEY, { survey: "csat", token: t })).errors,
    ).toBeUndefined();
    const off = await graphql(yoga, ws.secretKey, UPSERT_SURVEY, { input: { key: "csat", active: false } });
    expect(off.errors).toBeUndefined();
    expect(
      (await graphql(yoga, ws.publishableKey, SURVEY, { survey: "csat", token: t })).errors?.[0]?.extensions
        ?.code,
    ).toBe("NOT_FOUND");
    expect(
      (await submit({ survey: "csat", token: t, responseId: "deactivate-resp", score: 4 })).errors?.[0]
        ?.extensions?.code,
    ).toBe("NOT_FOUND");
    await graphql(yoga, ws.secretKey, UPSERT_SURVEY, { input: { key: "csat", active: true } });
    expect(
      (await submit({ survey: "csat", token: t, responseId: "deactivate-resp", score: 4 })).errors,
    ).toBeUndefined();
  });
});

describe("widget lookups", () => {
  let database: Database;
  let ws: CreatedWorkspace;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ":memory:" });
    ws = await newWorkspace(database, "lookups");
    await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("reads changes made elsewhere once the TTL has passed, and shares one read between concurrent callers", async () => {
    const lookups = new WidgetLookups(200);
    database.statements.reset();
    const [first, second] = await Promise.all([
      lookups.survey(database.prisma, ws.workspaceId, "nps"),
      lookups.survey(database.prisma, ws.workspaceId, "nps"),
    ]);
    expect(database.statements.reset()).toBe(1);
    expect(first?.active && second?.active).toBe(true);
    // Another server deactivates it: this one does not know until the TTL passes.
    await database.prisma.survey.update({
      where: { workspaceId_key: { workspaceId: ws.workspaceId, key: "nps" } },
      data: { active: false },
    });
    expect((await lookups.survey(database.prisma, ws.workspaceId, "nps"))?.active).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await lookups.survey(database.prisma, ws.workspaceId, "nps"))?.active).toBe(false);
    // Unknown surveys are not cached: one created meanwhile is found at once.
    expect(await lookups.survey(database.prisma, ws.workspaceId, "later")).toBeNull();
    await database.prisma.survey.create({
      data: { workspaceId: ws.workspaceId, key: "later", kind: "CES", question: "?" },
    });
    expect((await lookups.survey(database.prisma, ws.workspaceId, "later"))?.kind).toBe("CES");
  });

  it("re-reads a rotated secret when a token fails, at most once a second", async () => {
    const lookups = new WidgetLookups(60_000);
    expect((await lookups.signingSecret(database.prisma, ws.workspaceId)).secret).toBe(ws.signingSecret);
    await database.prisma.workspace.update({
      where: { id: ws.workspaceId },
      data: { signingSecret: "whsec_elsewhere" },
    });
    expect((await lookups.signingSecret(database.prisma, ws.workspaceId)).secret).toBe(ws.signingSecret);
    expect(await lookups.recheckedSigningSecret(database.prisma, ws.workspaceId)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await lookups.recheckedSigningSecret(database.prisma, ws.workspaceId))?.secret).toBe(
      "whsec_elsewhere",
    );
    expect((await lookups.signingSecret(database.prisma, ws.workspaceId)).secret).toBe("whsec_elsewhere");
    // The cached key verifies tokens signed with the secret it was read with.
    const token = await signWidgetToken(
      { workspaceId: ws.workspaceId, account: "a", contact: "c" },
      "whsec_elsewhere",
    );
    const { key } = await lookups.signingSecret(database.prisma, ws.workspaceId);
    expect((await verifyWidgetToken(token, key)).contactExternalId).toBe("c");
  });
});
