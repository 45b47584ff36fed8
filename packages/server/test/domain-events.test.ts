// Domain events in the outbox, on both engines: every event type written by the path that
// causes it, in that path's transaction; a retry, a recomputation or a rerun writes no second
// event; a write that rolls back writes none.
import type { Database } from "@pulse/schema/database";
import type { DomainEventType } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { recordTimedEvents } from "../src/events/timed-events.ts";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { ingestBatch, ingestOne } from "./ingest-helpers.ts";

const DAY = 86_400_000;
const START = new Date("2026-06-01T12:00:00.000Z");

interface EventRow {
  position: bigint;
  type: DomainEventType;
  accountId: string | null;
  occurredAt: Date;
  payload: unknown;
  snapshotId: string | null;
}

describe.each(DATABASE_KINDS)("domain events on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let snapshots: SnapshotRefresher;
  let ws: CreatedWorkspace;
  let now = START;
  let seen = 0n;
  const ids = new Map<string, string>();

  /** Events written since the last call, oldest first. */
  const newEvents = async (): Promise<EventRow[]> => {
    const rows = await database.prisma.domainEvent.findMany({
      where: { workspaceId: ws.workspaceId, position: { gt: seen } },
      orderBy: { position: "asc" },
    });
    seen = rows.at(-1)?.position ?? seen;
    return rows;
  };
  const one = (mutation: string, inputType: string, input: object) =>
    ingestOne(yoga, ws.secretKey, mutation, inputType, input);
  const account = async (externalId: string, extra: object = {}) => {
    const result = await one("upsertAccount", "AccountInput", {
      externalId,
      name: externalId,
      signedUpAt: new Date(START.getTime() - 60 * DAY).toISOString(),
      ...extra,
    });
    const row = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: ws.workspaceId, externalId },
    });
    ids.set(externalId, row.id);
    return result;
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "events"));
    ws = await newWorkspace(database, "events");
    snapshots = new SnapshotRefresher(database, 3_600_000);
    yoga = createPulseYoga({ database, snapshots, clock: () => now });
    for (const survey of [
      { key: "nps", kind: "NPS", question: "Recommend us?" },
      { key: "csat", kind: "CSAT", question: "Happy?" },
    ]) {
      const result = await graphql(
        yoga,
        ws.secretKey,
        `mutation($input: SurveyInput!) { upsertSurvey(input: $input) { __typename } }`,
        {
          input: survey,
        },
      );
      expect(result.errors).toBeUndefined();
    }
    for (const name of ["survey", "widget", "sentiment", "milestone", "revenue", "churn", "health", "timed"])
      await account(name);
    expect(await newEvents()).toEqual([]);
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  it("a survey response received, detractor flagged, once per idempotency key", async () => {
    const response = {
      idempotencyKey: "r-1",
      survey: "nps",
      accountExternalId: "survey",
      score: 3,
      respondedAt: START.toISOString(),
    };
    expect((await one("upsertSurveyResponse", "SurveyResponseInput", response)).outcome).toBe("CREATED");
    const [event, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    const stored = await database.prisma.surveyResponse.findFirstOrThrow({
      where: { idempotencyKey: "r-1" },
    });
    expect(event).toMatchObject({
      type: "SURVEY_RESPONSE_RECEIVED",
      accountId: ids.get("survey"),
      occurredAt: START,
      payload: {
        responseId: stored.id,
        surveyId: stored.surveyId,
        kind: "NPS",
        score: 3,
        detractor: true,
        contactId: null,
      },
    });
    // The retry, and the retry that adds a comment, write no second event.
    expect((await one("upsertSurveyResponse", "SurveyResponseInput", response)).outcome).toBe("UNCHANGED");
    expect(
      (await one("upsertSurveyResponse", "SurveyResponseInput", { ...response, comment: "slow" })).outcome,
    ).toBe("UPDATED");
    expect(await newEvents()).toEqual([]);
    const csat = await one("upsertSurveyResponse", "SurveyResponseInput", {
      ...response,
      idempotencyKey: "r-2",
      survey: "csat",
      score: 2,
    });
    expect(csat.outcome).toBe("CREATED");
    expect((await newEvents()).map((e) => e.payload)).toMatchObject([
      { kind: "CSAT", score: 2, detractor: false },
    ]);
  });

  it("a batch that rolls back writes no event", async () => {
    const result = await ingestBatch(
      yoga,
      ws.secretKey,
      "upsertSurveyResponses",
      "UpsertSurveyResponsesInput",
      [
        { idempotencyKey: "r-3", survey: "nps", accountExternalId: "survey", score: 9 },
        { idempotencyKey: "r-1", survey: "nps", accountExternalId: "survey", score: 10 },
      ],
    );
    expect(result.__typename).toBe("ValidationError");
    expect(await newEvents()).toEqual([]);
  });

  it("a widget submission writes the event in its group-commit statement, and its retry none", async () => {
    const token = await signWidgetToken(
      { workspaceId: ws.workspaceId, account: "widget", contact: "alice", expiresInSeconds: 3600 },
      ws.signingSecret,
    );
    const SUBMIT = `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { responseId } }`;
    const input = { survey: "nps", token, responseId: "widget-resp-1", score: 10 };
    const first = await graphql(yoga, ws.publishableKey, SUBMIT, { input });
    expect(first.errors).toBeUndefined();
    const [event, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    const contact = await database.prisma.contact.findFirstOrThrow({
      where: { workspaceId: ws.workspaceId, externalId: "alice" },
    });
    const response = await database.prisma.surveyResponse.findFirstOrThrow({
      where: { idempotencyKey: "widget-resp-1" },
    });
    expect(event).toMatchObject({
      type: "SURVEY_RESPONSE_RECEIVED",
      accountId: ids.get("widget"),
      occurredAt: START,
      payload: { responseId: response.id, kind: "NPS", score: 10, detractor: false, contactId: contact.id },
    });
    expect(
      (await graphql(yoga, ws.publishableKey, SUBMIT, { input: { ...input, comment: "great" } })).errors,
    ).toBeUndefined();
    expect(await newEvents()).toEqual([]);
  });

  it("sentiment changed when the latest rating changes, not when it stays", async () => {
    const entry = (rating: string, externalId: string, at: number) =>
      one("upsertSentimentEntry", "SentimentEntryInput", {
        externalId,
        accountExternalId: "sentiment",
        rating,
        recordedAt: new Date(START.getTime() - at * DAY).toISOString(),
      });
    await entry("GREEN", "s-1", 3);
    expect((await newEvents()).map((e) => [e.type, e.payload])).toMatchObject([
      ["SENTIMENT_CHANGED", { from: null, to: "GREEN" }],
    ]);
    await entry("GREEN", "s-2", 2);
    await entry("GREEN", "s-2", 2);
    expect(await newEvents()).toEqual([]);
    await entry("RED", "s-3", 1);
    expect((await newEvents()).map((e) => e.payload)).toMatchObject([{ from: "GREEN", to: "RED" }]);
    // Correcting the latest entry back to GREEN is a change too.
    await entry("GREEN", "s-3", 1);
    expect((await newEvents()).map((e) => e.payload)).toMatchObject([{ from: "RED", to: "GREEN" }]);
  });

  it("milestone achieved once, and stalled and renewal-window events once per scan result", async () => {
    for (const input of [
      { key: "kickoff", name: "Kickoff", targetDays: 7 },
      { key: "report", name: "First report", targetDays: 14 },
    ]) {
      const result = await graphql(
        yoga,
        ws.secretKey,
        `mutation($input: MilestoneInput!) { upsertMilestone(input: $input) { __typename } }`,
        {
          input,
        },
      );
      expect(result.errors).toBeUndefined();
    }
    const achieved = {
      accountExternalId: "milestone",
      milestone: "kickoff",
      achievedAt: new Date(START.getTime() - 55 * DAY).toISOString(),
    };
    expect((await one("upsertMilestoneAchievement", "MilestoneAchievementInput", achieved)).outcome).toBe(
      "CREATED",
    );
    expect((await newEvents()).map((e) => [e.type, e.payload])).toMatchObject([
      ["MILESTONE_ACHIEVED", { milestoneKey: "kickoff", achievedAt: achieved.achievedAt }],
    ]);
    await one("upsertMilestoneAchievement", "MilestoneAchievementInput", achieved);
    await one("upsertMilestoneAchievement", "MilestoneAchievementInput", {
      ...achieved,
      achievedAt: new Date(START.getTime() - 54 * DAY).toISOString(),
    });
    expect(await newEvents()).toEqual([]);

    await one("upsertContract", "ContractInput", {
      externalId: "c-1",
      accountExternalId: "timed",
      startsAt: new Date(START.getTime() - 300 * DAY).toISOString(),
      endsAt: new Date(START.getTime() + 30 * DAY).toISOString(),
    });
    await one("upsertContract", "ContractInput", {
      externalId: "c-2",
      accountExternalId: "timed",
      startsAt: new Date(START.getTime() - 300 * DAY).toISOString(),
      endsAt: new Date(START.getTime() + 200 * DAY).toISOString(),
    });
    await newEvents();
    expect(await recordTimedEvents(database, ws.workspaceId, now)).toBeGreaterThan(0);
    const scanned = await newEvents();
    const stalled = scanned.filter((e) => e.type === "MILESTONE_STALLED");
    // Every account signed up 60 days ago; only the "milestone" account achieved the kickoff.
    expect(stalled.filter((e) => e.accountId === ids.get("milestone")).map((e) => e.payload)).toMatchObject([
      { milestoneKey: "report" },
    ]);
    expect(
      stalled
        .filter((e) => e.accountId === ids.get("timed"))
        .map((e) => (e.payload as { milestoneKey: string }).milestoneKey)
        .sort(),
    ).toEqual(["kickoff", "report"]);
    const renewals = scanned.filter((e) => e.type === "RENEWAL_WINDOW_ENTERED");
    expect(renewals.map((e) => [e.accountId, e.payload])).toMatchObject([
      [ids.get("timed"), { endsAt: new Date(START.getTime() + 30 * DAY).toISOString(), windowDays: 90 }],
    ]);
    expect(await recordTimedEvents(database, ws.workspaceId, now)).toBe(0);
    expect(await newEvents()).toEqual([]);
  });

  it("MRR changed with before and after, not on a retry", async () => {
    const event = {
      externalId: "rev-1",
      accountExternalId: "revenue",
      kind: "NEW",
      mrrDelta: "100",
      occurredAt: new Date(START.getTime() - 10 * DAY).toISOString(),
    };
    await one("upsertRevenueEvent", "RevenueEventInput", event);
    expect((await newEvents()).map((e) => [e.type, e.payload])).toMatchObject([
      ["MRR_CHANGED", { from: "0", to: "100", delta: "100" }],
    ]);
    await one("upsertRevenueEvent", "RevenueEventInput", event);
    expect(await newEvents()).toEqual([]);
    await one("upsertRevenueEvent", "RevenueEventInput", {
      ...event,
      externalId: "rev-2",
      kind: "EXPANSION",
      mrrDelta: "50.5",
    });
    expect((await newEvents()).map((e) => e.payload)).toMatchObject([
      { from: "100", to: "150.5", delta: "50.5" },
    ]);
    // Correcting the first event's amount changes MRR too.
    await one("upsertRevenueEvent", "RevenueEventInput", { ...event, mrrDelta: "80" });
    expect((await newEvents()).map((e) => e.payload)).toMatchObject([
      { from: "150.5", to: "130.5", delta: "-20" },
    ]);
  });

  it("churned and reactivated when churnedAt is set and cleared, once each", async () => {
    const churnedAt = new Date(START.getTime() - DAY).toISOString();
    await account("churn", { churnedAt });
    expect((await newEvents()).map((e) => [e.type, e.payload])).toMatchObject([
      ["ACCOUNT_CHURNED", { churnedAt }],
    ]);
    await account("churn", { churnedAt });
    await account("churn", { name: "renamed" });
    expect(await newEvents()).toEqual([]);
    await account("churn", { churnedAt: null });
    expect((await newEvents()).map((e) => [e.type, e.payload])).toMatchObject([
      ["ACCOUNT_REACTIVATED", { previousChurnedAt: churnedAt }],
    ]);
  });

  it("band changed and at-risk entered/left come from the snapshot, in its transaction, once", async () => {
    const health = ids.get("health") ?? "";
    let answers = 0;
    const facts = async (day: Date, npsScores: number[], urgentTickets: number) => {
      for (const score of npsScores) {
        answers += 1;
        await one("upsertSurveyResponse", "SurveyResponseInput", {
          idempotencyKey: `health-${answers}`,
          survey: "nps",
          accountExternalId: "health",
          score,
          respondedAt: day.toISOString(),
        });
      }
      for (let index = 0; index < urgentTickets; index++) {
        await one("upsertSupportTicket", "SupportTicketInput", {
          accountExternalId: "health",
          priority: "URGENT",
          openedAt: day.toISOString(),
        });
      }
    };
    const snapshot = async () => {
      await recordHealthSnapshots(database, ws.workspaceId, { accountIds: [health], now });
      return (await newEvents()).filter(
        (e) => e.accountId === health && e.type !== "SURVEY_RESPONSE_RECEIVED",
      );
    };
    await one("upsertInvoice", "InvoiceInput", {
      accountExternalId: "health",
      amount: "100",
      dueAt: new Date(START.getTime() - 20 * DAY).toISOString(),
      paidAt: new Date(START.getTime() - 21 * DAY).toISOString(),
    });
    await facts(new Date(START.getTime() - DAY), [10], 0);
    expect(await snapshot()).toEqual([]);
    expect(await snapshot()).toEqual([]);

    await facts(new Date(START.getTime() - DAY), [0, 0], 3);
    const red = await snapshot();
    const stored = await database.prisma.healthSnapshot.findFirstOrThrow({
      where: { accountId: health, day: new Date("2026-06-01") },
    });
    expect(stored.band).toBe("RED");
    expect(red.map((e) => e.type)).toEqual(["HEALTH_BAND_CHANGED", "AT_RISK_ENTERED"]);
    expect(red.every((e) => e.snapshotId === stored.id)).toBe(true);
    expect(red[0]?.payload).toMatchObject({ from: "GREEN", to: "RED" });
    expect(red[1]?.payload).toMatchObject({
      reasons: [{ code: "HEALTH_RED" }, { code: "RECENT_DETRACTOR" }],
    });
    // The same band and risk recomputed, by two writers at once: nothing new.
    await Promise.all(
      [1, 2].map(() => recordHealthSnapshots(database, ws.workspaceId, { accountIds: [health], now })),
    );
    expect(await newEvents()).toEqual([]);

    // 100 days on the tickets and detractors are out of their windows; a promoter answered.
    now = new Date(START.getTime() + 100 * DAY);
    await facts(new Date(now.getTime() - DAY), [10], 0);
    const recovered = await snapshot();
    expect(recovered.map((e) => [e.type, e.payload])).toMatchObject([
      ["HEALTH_BAND_CHANGED", { from: "RED", to: "GREEN" }],
      ["AT_RISK_LEFT", { band: "GREEN" }],
    ]);
    // Recomputing an older day changes nothing now.
    await recordHealthSnapshots(database, ws.workspaceId, { accountIds: [health], day: START, now });
    expect(await newEvents()).toEqual([]);
    now = START;
  });
});
