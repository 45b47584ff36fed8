// Configuration mutations: milestones (upsert, delete, reorder, one first-value milestone),
// surveys, and the origins allowed to use the publishable key; with their validation errors
// and the workspace fields that read them back.
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace } from "./helpers.ts";
import {
  createIngestTestContext,
  type IngestTestContext,
  ingestOne,
  seedAccounts,
} from "./ingest-helpers.ts";

interface Problem {
  path: string;
  message: string;
}

interface MutationResult<Data> {
  __typename: string;
  data?: Data;
  message?: string;
  fields?: Problem[];
}

interface Milestone {
  key: string;
  name: string;
  position: number;
  targetDays: number;
  isFirstValue: boolean;
}

interface Survey {
  key: string;
  kind: string;
  question: string;
  followUpQuestion: string | null;
  reaskIntervalDays: number;
  active: boolean;
}

const MILESTONE_FIELDS = "key name position targetDays isFirstValue";
const SURVEY_FIELDS = "key kind question followUpQuestion reaskIntervalDays active";

describe.each(DATABASE_KINDS)("configuration on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_config");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    other = await newWorkspace(ctx.database, "other");
    await seedAccounts(prisma, acme.workspaceId, 1);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** Runs `field(argument: value)` and returns its typed result. */
  async function mutate<Data>(
    field: string,
    argument: { name: string; type: string; value: unknown },
    selection: string,
    key = acme.secretKey,
  ): Promise<MutationResult<Data>> {
    // deleteMilestone can only fail with NotFoundError; a ValidationError fragment would not validate.
    const problems = field === "deleteMilestone" ? "" : "... on ValidationError { fields { path message } }";
    const success = `Mutation${field[0]?.toUpperCase()}${field.slice(1)}Success`;
    const result = await graphql<{ result: MutationResult<Data> }>(
      ctx.yoga,
      key,
      `mutation($value: ${argument.type}) { result: ${field}(${argument.name}: $value) {
        __typename
        ... on ${success} { data ${selection} }
        ... on Error { message }
        ${problems}
      } }`,
      { value: argument.value },
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    if (!result.data) throw new Error("no data");
    return result.data.result;
  }

  const upsertMilestone = (input: Record<string, unknown>, key?: string) =>
    mutate<Milestone>(
      "upsertMilestone",
      { name: "input", type: "MilestoneInput!", value: input },
      `{ ${MILESTONE_FIELDS} }`,
      key,
    );
  const upsertSurvey = (input: Record<string, unknown>) =>
    mutate<Survey>(
      "upsertSurvey",
      { name: "input", type: "SurveyInput!", value: input },
      `{ ${SURVEY_FIELDS} }`,
    );

  async function workspace(key = acme.secretKey) {
    const result = await graphql<{
      workspace: { milestones: Milestone[]; surveys: Survey[]; allowedOrigins: string[] };
    }>(
      ctx.yoga,
      key,
      `{ workspace { milestones { ${MILESTONE_FIELDS} } surveys { ${SURVEY_FIELDS} } allowedOrigins } }`,
    );
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.workspace;
  }

  describe("milestones", () => {
    const deleteKey = (key: string) => ({ name: "key", type: "String!", value: key });

    it("creates milestones in order, updates by key, and keeps omitted fields", async () => {
      expect(await upsertMilestone({ key: "kickoff", name: "Kickoff", targetDays: 7 })).toMatchObject({
        data: { key: "kickoff", position: 0, isFirstValue: false },
      });
      expect(
        (await upsertMilestone({ key: "integration", name: "Integration live", targetDays: 21 })).data
          ?.position,
      ).toBe(1);
      expect(
        (await upsertMilestone({ key: "first-report", name: "First report", targetDays: 14 })).data?.position,
      ).toBe(2);
      const renamed = await upsertMilestone({ key: "kickoff", name: "Kickoff call" });
      expect(renamed.data).toEqual({
        key: "kickoff",
        name: "Kickoff call",
        position: 0,
        targetDays: 7,
        isFirstValue: false,
      });
      expect((await workspace()).milestones.map((milestone) => milestone.key)).toEqual([
        "kickoff",
        "integration",
        "first-report",
      ]);
    });

    it("refuses a new milestone without name and targetDays, and bad values, listing each field", async () => {
      expect(await upsertMilestone({ key: "half-done" })).toMatchObject({
        __typename: "ValidationError",
        fields: [
          { path: "name", message: "is required to create a milestone" },
          { path: "targetDays", message: "is required to create a milestone" },
        ],
      });
      const bad = await upsertMilestone({ key: "Not A Key", name: "", targetDays: -1, position: -2 });
      expect(bad.fields?.map((problem) => problem.path)).toEqual(["key", "name", "targetDays", "position"]);
      expect(await prisma.milestone.count({ where: { workspaceId: acme.workspaceId } })).toBe(3);
    });

    it("keeps at most one first-value milestone: flagging one clears the other", async () => {
      await upsertMilestone({ key: "integration", isFirstValue: true });
      await upsertMilestone({ key: "first-report", isFirstValue: true });
      const flagged = (await workspace()).milestones.filter((milestone) => milestone.isFirstValue);
      expect(flagged.map((milestone) => milestone.key)).toEqual(["first-report"]);
    });

    it("answers a caller that selects only __typename", async () => {
      const result = await graphql<{ upsertMilestone: { __typename: string } }>(
        ctx.yoga,
        acme.secretKey,
        `mutation { upsertMilestone(input: { key: "kickoff", targetDays: 5 }) { __typename } }`,
      );
      expect(result.data?.upsertMilestone.__typename).toBe("MutationUpsertMilestoneSuccess");
    });

    it("reorders milestones, refusing unknown, repeated and missing keys", async () => {
      const reorder = (keys: string[]) =>
        mutate<Milestone[]>(
          "reorderMilestones",
          { name: "input", type: "ReorderMilestonesInput!", value: { keys } },
          "{ key position }",
        );
      const bad = await reorder(["first-report", "nope", "first-report"]);
      expect(bad.fields).toEqual([
        { path: "keys", message: "must list every milestone; missing: kickoff, integration" },
        { path: "keys.1", message: 'names no milestone of this workspace: "nope"' },
        { path: "keys.2", message: "repeats keys.0" },
      ]);
      const good = await reorder(["first-report", "kickoff", "integration"]);
      expect(good.data).toEqual([
        { key: "first-report", position: 0 },
        { key: "kickoff", position: 1 },
        { key: "integration", position: 2 },
      ]);
      expect((await workspace()).milestones.map((milestone) => milestone.key)).toEqual([
        "first-report",
        "kickoff",
        "integration",
      ]);
    });

    it("deletes a milestone with its achievements, and answers NotFoundError for an unknown key", async () => {
      await ingestOne(ctx.yoga, acme.secretKey, "upsertMilestoneAchievement", "MilestoneAchievementInput", {
        accountExternalId: "acc-0",
        milestone: "integration",
        achievedAt: "2026-02-01T00:00:00Z",
      });
      const stored = await prisma.milestone.findFirstOrThrow({
        where: { workspaceId: acme.workspaceId, key: "integration" },
      });
      const deleted = await mutate<{ id: string; key: string }>(
        "deleteMilestone",
        deleteKey("integration"),
        "{ id key }",
      );
      expect(deleted.data).toEqual({
        id: Buffer.from(`Milestone:${stored.id}`).toString("base64"),
        key: "integration",
      });
      expect(await prisma.milestoneAchievement.count({ where: { milestoneId: stored.id } })).toBe(0);
      const again = await mutate("deleteMilestone", deleteKey("integration"), "{ id }");
      expect(again).toEqual({
        __typename: "NotFoundError",
        message: 'No milestone with key "integration" in this workspace.',
      });
    });

    it("never shows nor changes another workspace's milestones", async () => {
      await upsertMilestone({ key: "kickoff", name: "Their kickoff", targetDays: 3 }, other.secretKey);
      expect((await workspace(other.secretKey)).milestones.map((milestone) => milestone.name)).toEqual([
        "Their kickoff",
      ]);
      expect((await workspace()).milestones.find((milestone) => milestone.key === "kickoff")?.name).toBe(
        "Kickoff call",
      );
      const deleted = await mutate("deleteMilestone", deleteKey("kickoff"), "{ id }", other.secretKey);
      expect(deleted.__typename).toBe("MutationDeleteMilestoneSuccess");
      expect((await workspace()).milestones.map((milestone) => milestone.key)).toContain("kickoff");
    });
  });

  describe("surveys", () => {
    it("creates and updates a survey by key; null removes the follow-up question", async () => {
      const created = await upsertSurvey({
        key: "quarterly-nps",
        kind: "NPS",
        question: "How likely are you to recommend us?",
        followUpQuestion: "Why?",
      });
      expect(created.data).toEqual({
        key: "quarterly-nps",
        kind: "NPS",
        question: "How likely are you to recommend us?",
        followUpQuestion: "Why?",
        reaskIntervalDays: 90,
        active: true,
      });
      const updated = await upsertSurvey({
        key: "quarterly-nps",
        followUpQuestion: null,
        reaskIntervalDays: 30,
        active: false,
      });
      expect(updated.data).toMatchObject({
        question: "How likely are you to recommend us?",
        followUpQuestion: null,
        reaskIntervalDays: 30,
        active: false,
      });
      await upsertSurvey({ key: "onboarding-ces", kind: "CES", question: "How easy was it?" });
      expect((await workspace()).surveys.map((survey) => survey.key)).toEqual([
        "onboarding-ces",
        "quarterly-nps",
      ]);
    });

    it("keeps texts per locale: a default locale and translations, canonical, the list replaced as a whole", async () => {
      const fields = "key defaultLocale question translations { locale question followUpQuestion }";
      const created = await mutate<Record<string, unknown>>(
        "upsertSurvey",
        {
          name: "input",
          type: "SurveyInput!",
          value: {
            key: "intl-nps",
            kind: "NPS",
            question: "How likely are you to recommend us?",
            translations: [
              { locale: "de", question: "Wie wahrscheinlich empfehlen Sie uns?", followUpQuestion: "Warum?" },
              { locale: "pt-br", question: "Qual a probabilidade de nos recomendar?" },
            ],
          },
        },
        `{ ${fields} }`,
      );
      expect(created.data).toEqual({
        key: "intl-nps",
        defaultLocale: "en",
        question: "How likely are you to recommend us?",
        translations: [
          { locale: "de", question: "Wie wahrscheinlich empfehlen Sie uns?", followUpQuestion: "Warum?" },
          { locale: "pt-BR", question: "Qual a probabilidade de nos recomendar?", followUpQuestion: null },
        ],
      });
      const replaced = await mutate<Record<string, unknown>>(
        "upsertSurvey",
        {
          name: "input",
          type: "SurveyInput!",
          value: {
            key: "intl-nps",
            defaultLocale: "de-CH",
            translations: [{ locale: "fr", question: "Quelle probabilité ?" }],
          },
        },
        `{ ${fields} }`,
      );
      expect(replaced.data).toMatchObject({
        defaultLocale: "de-CH",
        translations: [{ locale: "fr", question: "Quelle probabilité ?", followUpQuestion: null }],
      });
    });

    it("refuses bad locales, a locale listed twice and a translation in the default locale, writing nothing", async () => {
      const before = await prisma.survey.findMany({
        where: { workspaceId: acme.workspaceId },
        orderBy: { key: "asc" },
      });
      const bad = await upsertSurvey({
        key: "intl-nps",
        translations: [
          { locale: "it", question: "Con quale probabilità?" },
          { locale: "not a locale!", question: "?" },
        ],
      });
      expect(bad.fields).toEqual([
        { path: "translations.1.locale", message: 'must be a language tag such as "en", "de" or "pt-BR"' },
      ]);
      const twice = await upsertSurvey({
        key: "intl-nps",
        translations: [
          { locale: "it", question: "Con quale probabilità?" },
          { locale: "IT", question: "Di nuovo?" },
        ],
      });
      expect(twice.fields).toEqual([{ path: "translations.1.locale", message: "it is listed twice" }]);
      const clash = await upsertSurvey({
        key: "intl-nps",
        translations: [{ locale: "de-ch", question: "Grüezi?" }],
      });
      expect(clash.fields).toEqual([
        {
          path: "translations.0.locale",
          message: "de-CH is the default locale: its texts are question and followUpQuestion",
        },
      ]);
      const newClash = await upsertSurvey({
        key: "new-intl",
        kind: "CSAT",
        question: "Satisfied?",
        translations: [{ locale: "en", question: "Satisfied?" }],
      });
      expect(newClash.fields?.map((problem) => problem.path)).toEqual(["translations.0.locale"]);
      expect(
        await prisma.survey.findMany({ where: { workspaceId: acme.workspaceId }, orderBy: { key: "asc" } }),
      ).toEqual(before);
    });

    it("refuses a new survey without kind and question, and bad values", async () => {
      expect((await upsertSurvey({ key: "draft" })).fields).toEqual([
        { path: "kind", message: "is required to create a survey" },
        { path: "question", message: "is required to create a survey" },
      ]);
      const bad = await upsertSurvey({ key: "-bad", kind: "CSAT", question: " ", reaskIntervalDays: -5 });
      expect(bad.fields?.map((problem) => problem.path)).toEqual(["key", "question", "reaskIntervalDays"]);
      expect(await prisma.survey.count({ where: { workspaceId: acme.workspaceId } })).toBe(3);
    });

    it("changes a survey's kind only while it has no responses", async () => {
      expect((await upsertSurvey({ key: "onboarding-ces", kind: "CSAT" })).data?.kind).toBe("CSAT");
      await ingestOne(ctx.yoga, acme.secretKey, "upsertSurveyResponse", "SurveyResponseInput", {
        idempotencyKey: "csat-1",
        survey: "onboarding-ces",
        accountExternalId: "acc-0",
        score: 4,
      });
      expect((await upsertSurvey({ key: "onboarding-ces", kind: "NPS" })).fields).toEqual([
        {
          path: "kind",
          message: "cannot change from CSAT once the survey has responses; create a survey with another key",
        },
      ]);
      expect(
        (await upsertSurvey({ key: "onboarding-ces", question: "How satisfied are you?" })).data?.kind,
      ).toBe("CSAT");
    });
  });

  describe("allowed origins", () => {
    const setOrigins = (origins: string[]) =>
      mutate<{ allowedOrigins: string[] }>(
        "setAllowedOrigins",
        { name: "input", type: "SetAllowedOriginsInput!", value: { origins } },
        "{ allowedOrigins }",
      );

    it("stores origins as browsers send them, without duplicates", async () => {
      const result = await setOrigins([
        "HTTPS://App.Example.com:443/",
        "https://app.example.com",
        " http://localhost:3000 ",
      ]);
      expect(result.data?.allowedOrigins).toEqual(["https://app.example.com", "http://localhost:3000"]);
      expect((await workspace()).allowedOrigins).toEqual([
        "https://app.example.com",
        "http://localhost:3000",
      ]);
    });

    it("refuses what is not one web origin, naming each entry, and keeps the stored list", async () => {
      const result = await setOrigins([
        "https://ok.example.com",
        "https://app.example.com/widgets",
        "https://*.example.com",
        "ftp://files.example.com",
        "example.com",
        "https://user:pw@example.com",
      ]);
      expect(result.fields).toEqual([
        { path: "origins.1", message: "must be an origin only, without a path, query or fragment" },
        { path: "origins.2", message: "must name one host; wildcards are not supported, list each origin" },
        { path: "origins.3", message: "must use https or http" },
        { path: "origins.4", message: 'must be an origin such as "https://app.example.com"' },
        { path: "origins.5", message: "must not contain credentials" },
      ]);
      expect((await workspace()).allowedOrigins).toEqual([
        "https://app.example.com",
        "http://localhost:3000",
      ]);
      expect((await setOrigins([])).data?.allowedOrigins).toEqual([]);
    });
  });
});
