// The operations the embedded widgets call with a publishable key: load a survey, answer or
// dismiss it, and read a health badge, only for the account/contact named in a signed token.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { claimedWorkspace, verifyWidgetToken, type WidgetIdentity, WidgetTokenError } from "../auth/widget-token.ts";
import { type CachedSurvey, WidgetLookups } from "../widget/lookups.ts";
import { dismissForContact, SurveySubmissions, type TokenContact, tokenContact } from "../widget/survey-writes.ts";
import { healthWithTrend } from "./account-metrics.ts";
import { SurveyKindEnum } from "./facts.ts";
import { HealthBandEnum } from "./metric-types.ts";

const SCALES = { NPS: [0, 10], CSAT: [1, 5], CES: [1, 7] } as const;
const MAX_COMMENT_LENGTH = 2000;
const BADGE_HISTORY_DAYS = 90;

export const COMPONENT_LABELS: Record<string, string> = {
  usage: "Product usage",
  feedback: "Customer feedback",
  support: "Support",
  payment: "Payments",
  sentiment: "CSM sentiment",
  milestones: "Onboarding",
  ebr: "Business reviews",
};

function widgetError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Verifies the token against this workspace's signing secret; the key and the token must agree. */
export async function identify(ctx: Context, token: string): Promise<WidgetIdentity> {
  if (claimedWorkspace(token) !== ctx.workspaceId) {
    throw widgetError("INVALID_TOKEN", "The token is not valid for this workspace.");
  }
  const lookups = WidgetLookups.of(ctx.database);
  try {
    return await verifyWidgetToken(token, (await lookups.signingSecret(ctx.prisma, ctx.workspaceId)).key, ctx.now);
  } catch (error) {
    if (!(error instanceof WidgetTokenError)) throw error;
    // The secret may have been rotated on another server since it was cached.
    const rechecked = await lookups.recheckedSigningSecret(ctx.prisma, ctx.workspaceId);
    if (rechecked !== null) {
      try {
        return await verifyWidgetToken(token, rechecked.key, ctx.now);
      } catch (retryError) {
        if (retryError instanceof WidgetTokenError) throw widgetError("INVALID_TOKEN", retryError.message);
        throw retryError;
      }
    }
    throw widgetError("INVALID_TOKEN", error.message);
  }
}

async function tokenAccount(ctx: Context, identity: WidgetIdentity) {
  const account = await ctx.prisma.account.findUnique({
    where: { workspaceId_externalId: { workspaceId: ctx.workspaceId, externalId: identity.accountExternalId } },
  });
  if (!account) throw accountNotFound();
  return account;
}

function accountNotFound(): GraphQLError {
  return widgetError("NOT_FOUND", "The token's account is not known to this workspace.");
}

/**
 * Refuses with `error`, unless the token's account is unknown: that is reported first, as it
 * always was (the account is otherwise checked by the statement that writes).
 */
async function refuse(ctx: Context, identity: WidgetIdentity, error: GraphQLError): Promise<never> {
  await tokenAccount(ctx, identity);
  throw error;
}

/** The token's contact id (hosts identify people as they sign in); surveys need one. */
async function contactExternalId(ctx: Context, identity: WidgetIdentity): Promise<string> {
  if (!identity.contactExternalId) return refuse(ctx, identity, widgetError("INVALID_TOKEN", "Surveys need a token that names a contact."));
  if (identity.contactExternalId.length > 200) return refuse(ctx, identity, widgetError("INVALID_TOKEN", "The token's contact id is too long."));
  return identity.contactExternalId;
}

/** Throws the error of a contact statement that found no account or a contact of another account. */
function checkContact(contact: TokenContact): void {
  if (contact.accountId === null) throw accountNotFound();
  if (contact.contactAccountId !== contact.accountId) throw contactOfAnotherAccount();
}

function contactOfAnotherAccount(): GraphQLError {
  return widgetError("FORBIDDEN", "The token's contact belongs to another account.");
}

async function activeSurvey(ctx: Context, key: string): Promise<CachedSurvey> {
  const survey = await WidgetLookups.of(ctx.database).survey(ctx.prisma, ctx.workspaceId, key);
  if (!survey || !survey.active) throw widgetError("NOT_FOUND", `No active survey "${key.slice(0, 100)}".`);
  return survey;
}

/** Answers and dismissals since this moment hold the survey back (its re-ask interval). */
function reaskSince(ctx: Context, survey: CachedSurvey): Date {
  return new Date(ctx.now.getTime() - survey.reaskIntervalDays * MILLISECONDS_PER_DAY);
}

/** Who answers which survey, as every contact statement (load, submit, dismiss) takes it. */
async function surveyContact(ctx: Context, identity: WidgetIdentity, survey: CachedSurvey) {
  return {
    workspaceId: ctx.workspaceId,
    accountExternalId: identity.accountExternalId,
    contactExternalId: await contactExternalId(ctx, identity),
    surveyId: survey.id,
    since: reaskSince(ctx, survey),
  };
}

type WidgetSurveyShape = Omit<CachedSurvey, "active"> & { shouldAsk: boolean };

const WidgetSurveyRef = builder.objectRef<WidgetSurveyShape>("WidgetSurvey").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    key: t.exposeString("key"),
    kind: t.field({ type: SurveyKindEnum, resolve: (survey) => survey.kind }),
    question: t.exposeString("question"),
    followUpQuestion: t.exposeString("followUpQuestion", { nullable: true }),
    reaskIntervalDays: t.exposeInt("reaskIntervalDays"),
    shouldAsk: t.exposeBoolean("shouldAsk", { description: "False when this contact answered or dismissed it within the re-ask interval" }),
  }),
});

builder.queryField("widgetSurvey", (t) =>
  t.field({
    type: WidgetSurveyRef,
    description: "A survey for the contact named in the token (publishable keys).",
    args: { survey: t.arg.string({ required: true }), token: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const identity = await identify(ctx, args.token);
      const survey = await activeSurvey(ctx, args.survey);
      const contact = await tokenContact(ctx.prisma, await surveyContact(ctx, identity, survey));
      checkContact(contact);
      return { ...survey, shouldAsk: !contact.askedRecently };
    },
  }),
);

const SubmitSurveyResponseInput = builder.inputType("SubmitSurveyResponseInput", {
  fields: (t) => ({
    survey: t.string({ required: true, description: "Survey key" }),
    token: t.string({ required: true }),
    responseId: t.id({ required: true, description: "Created by the widget on the first answer; reused for the comment and retries" }),
    score: t.int({ required: true }),
    comment: t.string(),
  }),
});

interface Receipt {
  responseId: string;
  score: number;
  comment: string | null;
  createdAt: Date;
}

const ReceiptRef = builder.objectRef<Receipt>("SurveyResponseReceipt").implement({
  fields: (t) => ({
    responseId: t.exposeID("responseId"),
    score: t.exposeInt("score"),
    comment: t.exposeString("comment", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.mutationField("submitSurveyResponse", (t) =>
  t.field({
    type: ReceiptRef,
    description: "Stores the contact's answer once per responseId: a retry or a later comment updates the same response.",
    args: { input: t.arg({ type: SubmitSurveyResponseInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const responseKey = String(input.responseId);
      if (!/^[A-Za-z0-9_-]{8,100}$/.test(responseKey)) {
        throw widgetError("BAD_USER_INPUT", "`responseId` must be 8–100 characters of A–Z, a–z, 0–9, _ or -.");
      }
      const comment = input.comment?.trim() ? input.comment.trim() : null;
      if (comment !== null && comment.length > MAX_COMMENT_LENGTH) {
        throw widgetError("BAD_USER_INPUT", `A comment may be at most ${MAX_COMMENT_LENGTH} characters.`);
      }
      const identity = await identify(ctx, input.token);
      const survey = await activeSurvey(ctx, input.survey);
      const [min, max] = SCALES[survey.kind];
      if (!Number.isInteger(input.score) || input.score < min || input.score > max) {
        return refuse(ctx, identity, widgetError("BAD_USER_INPUT", `${survey.kind} scores are whole numbers from ${min} to ${max}.`));
      }
      // One statement (shared with concurrent submissions) creates the contact on first sight,
      // applies the re-ask rule and inserts or updates the response by its responseId.
      const outcome = await SurveySubmissions.of(ctx.database).submit({
        ...(await surveyContact(ctx, identity, survey)),
        kind: survey.kind,
        at: ctx.now,
        responseKey,
        score: input.score,
        comment,
      });
      switch (outcome.status) {
        case "ACCOUNT_NOT_FOUND":
          throw accountNotFound();
        case "CONTACT_OF_ANOTHER_ACCOUNT":
          throw contactOfAnotherAccount();
        case "ALREADY_ANSWERED":
          throw widgetError("ALREADY_ANSWERED", "This contact answered or dismissed the survey within its re-ask interval.");
        case "RESPONSE_OF_ANOTHER":
          throw widgetError("CONFLICT", "This responseId belongs to another survey or contact.");
        case "STORED":
          ctx.accountsChanged([outcome.accountId]);
          return { responseId: responseKey, score: outcome.score, comment: outcome.comment, createdAt: outcome.createdAt };
      }
    },
  }),
);

const DismissSurveyInput = builder.inputType("DismissSurveyInput", {
  fields: (t) => ({ survey: t.string({ required: true }), token: t.string({ required: true }) }),
});

builder.mutationField("dismissSurvey", (t) =>
  t.boolean({
    description: "Records that the contact closed the survey; it is not shown again within the re-ask interval.",
    args: { input: t.arg({ type: DismissSurveyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const identity = await identify(ctx, input.token);
      const survey = await activeSurvey(ctx, input.survey);
      const contact = await dismissForContact(ctx.prisma, { ...(await surveyContact(ctx, identity, survey)), at: ctx.now });
      checkContact(contact);
      return true;
    },
  }),
);

interface BadgeShape {
  accountName: string;
  score: number | null;
  band: "GREEN" | "YELLOW" | "RED" | null;
  trend: number | null;
  components: { key: string; label: string; value: number | null; weight: number; used: boolean }[];
  history: { day: string; score: number }[];
}

const BadgeComponentRef = builder.objectRef<BadgeShape["components"][number]>("WidgetBadgeComponent").implement({
  fields: (t) => ({
    key: t.exposeString("key"),
    label: t.exposeString("label"),
    value: t.exposeFloat("value", { nullable: true }),
    weight: t.exposeFloat("weight"),
    used: t.exposeBoolean("used"),
  }),
});

const BadgePointRef = builder.objectRef<BadgeShape["history"][number]>("WidgetBadgePoint").implement({
  fields: (t) => ({ day: t.exposeString("day"), score: t.exposeFloat("score") }),
});

const BadgeRef = builder.objectRef<BadgeShape>("WidgetBadge").implement({
  fields: (t) => ({
    accountName: t.exposeString("accountName"),
    score: t.exposeFloat("score", { nullable: true }),
    band: t.field({ type: HealthBandEnum, nullable: true, resolve: (badge) => badge.band }),
    trend: t.exposeFloat("trend", { nullable: true }),
    components: t.field({ type: [BadgeComponentRef], resolve: (badge) => badge.components }),
    history: t.field({ type: [BadgePointRef], resolve: (badge) => badge.history }),
  }),
});

/** The badge of an account: health now, its components, and 90 days of daily snapshots. */
export async function badgeFor(ctx: Context, identity: WidgetIdentity): Promise<BadgeShape> {
  const account = await tokenAccount(ctx, identity);
  const [health, history] = await Promise.all([
    healthWithTrend(account, ctx),
    ctx.facts.snapshots({ from: new Date(ctx.now.getTime() - BADGE_HISTORY_DAYS * MILLISECONDS_PER_DAY), to: ctx.now }).load(account.id),
  ]);
  return {
    accountName: account.name,
    score: health.score,
    band: health.band,
    trend: health.trend,
    components: health.components.map((component) => ({
      key: component.key,
      label: COMPONENT_LABELS[component.key] ?? component.key,
      value: component.value,
      weight: component.weight,
      used: component.used,
    })),
    history: history.map((point) => ({ day: point.day.toISOString().slice(0, 10), score: point.score })),
  };
}

builder.queryField("widgetBadge", (t) =>
  t.field({
    type: BadgeRef,
    description: "The health badge of the account named in the token (publishable keys).",
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => badgeFor(ctx, await identify(ctx, args.token)),
  }),
);
