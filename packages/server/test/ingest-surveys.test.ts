// Survey responses: the scale of each survey kind, and the idempotency key (a retry returns
// the stored response; only its comment may change).
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace } from "./helpers.ts";
import {
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  ingestOne,
  seedAccounts,
} from "./ingest-helpers.ts";

const SCALES = [
  { survey: "nps", kind: "NPS", min: 0, max: 10 },
  { survey: "csat", kind: "CSAT", min: 1, max: 5 },
  { survey: "ces", kind: "CES", min: 1, max: 7 },
] as const;

describe.each(DATABASE_KINDS)("survey responses on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_surveys");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    const [first] = await seedAccounts(prisma, acme.workspaceId, 2);
    await prisma.contact.create({
      data: { workspaceId: acme.workspaceId, accountId: first ?? "", externalId: "ann" },
    });
    for (const scale of SCALES) {
      const created = await graphql<{ upsertSurvey: { __typename: string } }>(
        ctx.yoga,
        acme.secretKey,
        `mutation($input: SurveyInput!) { upsertSurvey(input: $input) { __typename } }`,
        { input: { key: scale.survey, kind: scale.kind, question: `How was it? (${scale.kind})` } },
      );
      expect(created.data?.upsertSurvey.__typename).toBe("MutationUpsertSurveySuccess");
    }
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it.each(SCALES)(
    "accepts $kind scores from $min to $max and refuses the ones just outside",
    async (scale) => {
      const response = (score: number) => ({
        idempotencyKey: `scale-${scale.kind}-${score}`,
        survey: scale.survey,
        accountExternalId: "acc-0",
        score,
      });
      const inside = await ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "upsertSurveyResponses",
        "UpsertSurveyResponsesInput",
        [response(scale.min), response(scale.max)],
      );
      expect(inside).toMatchObject({ created: 2 });
      const outside = await ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "upsertSurveyResponses",
        "UpsertSurveyResponsesInput",
        [response(scale.min - 1), response(scale.min), response(scale.max + 1)],
      );
      const message = `must be from ${scale.min} to ${scale.max} for the ${scale.kind} survey "${scale.survey}"`;
      expect(outside.fields).toEqual([
        { path: "items.0.score", message },
        { path: "items.2.score", message },
      ]);
      const stored = await prisma.surveyResponse.findMany({
        where: { idempotencyKey: { startsWith: `scale-${scale.kind}-` } },
      });
      expect(stored.map((row) => row.score).sort((a, b) => a - b)).toEqual([scale.min, scale.max]);
      expect(stored.every((row) => row.kind === scale.kind)).toBe(true);
    },
  );

  it("returns the stored response on a retry and lets only its comment change", async () => {
    const answer = {
      idempotencyKey: "ann-q1",
      survey: "nps",
      accountExternalId: "acc-0",
      contactExternalId: "ann",
      score: 6,
      respondedAt: "2026-03-01T10:00:00Z",
    };
    const created = await ingestOne(
      ctx.yoga,
      acme.secretKey,
      "upsertSurveyResponse",
      "SurveyResponseInput",
      answer,
    );
    expect(created.outcome).toBe("CREATED");
    const retried = await ingestOne(ctx.yoga, acme.secretKey, "upsertSurveyResponse", "SurveyResponseInput", {
      ...answer,
      respondedAt: undefined,
    });
    expect(retried).toMatchObject({ id: created.id, outcome: "UNCHANGED" });
    const commented = await ingestOne(
      ctx.yoga,
      acme.secretKey,
      "upsertSurveyResponse",
      "SurveyResponseInput",
      {
        ...answer,
        comment: "Reports are slow.",
      },
    );
    expect(commented).toMatchObject({ id: created.id, outcome: "UPDATED" });

    const reused = await ingestOne(ctx.yoga, acme.secretKey, "upsertSurveyResponse", "SurveyResponseInput", {
      ...answer,
      score: 9,
      accountExternalId: "acc-1",
      contactExternalId: undefined,
    });
    expect(reused.fields).toEqual([
      {
        path: "idempotencyKey",
        message:
          "was already used for a response with another accountExternalId, contactExternalId, score; only the comment of a stored response can change",
      },
    ]);
    const stored = await prisma.surveyResponse.findMany({ where: { idempotencyKey: "ann-q1" } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      score: 6,
      comment: "Reports are slow.",
      createdAt: new Date("2026-03-01T10:00:00Z"),
    });
  });

  it("names a missing survey, and keeps another workspace's survey out of reach", async () => {
    const other = await newWorkspace(ctx.database, `other-${kind}`);
    await prisma.survey.create({
      data: { workspaceId: other.workspaceId, key: "theirs", kind: "NPS", question: "?" },
    });
    const result = await ingestOne(ctx.yoga, acme.secretKey, "upsertSurveyResponse", "SurveyResponseInput", {
      idempotencyKey: "nowhere",
      survey: "theirs",
      accountExternalId: "acc-0",
      score: 5,
    });
    expect(result.fields).toEqual([
      { path: "survey", message: 'names no survey of this workspace: "theirs"' },
    ]);
  });
});
