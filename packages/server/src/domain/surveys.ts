// Survey operations of the embedded widgets (publishable keys), part of the domain layer: which
// survey to ask, submit an answer, dismiss. The token names the account and the contact, the
// survey must be active, scores are on the survey's scale (the formulas' SURVEY_SCALES), and a
// response is stored once per responseId. The GraphQL resolvers (schema/widget.ts) and the
// submission endpoint (POST /widgets/v1/responses, widget/responses-route.ts) both call these, so
// the rules live once. Refusals are GraphQLErrors with a stable `extensions.code`, which both
// transports report as is.
import { prismaWriter } from "@pulse/schema/database";
import { MILLISECONDS_PER_DAY, SURVEY_SCALES } from "@pulse/schema/metrics";
import { GraphQLError } from "graphql";
import { z } from "zod";
import {
  claimedWorkspace,
  verifyWidgetToken,
  type WidgetIdentity,
  WidgetTokenError,
  type WidgetTokenPurpose,
} from "../auth/widget-token.ts";
import { dismissForContact, type TokenContact, tokenContact } from "../data/contacts.ts";
import type { CachedSurvey } from "../widget/lookups.ts";
import { bestSurveyTexts, type SurveyTexts } from "../widget/survey-texts.ts";
import type { DomainContext } from "./context.ts";

/** What the widget operations read of a request's context (a GraphQL context is one). */
export type WidgetContext = Pick<
  DomainContext,
  "prisma" | "workspaceId" | "now" | "accountsChanged" | "rateLimiter" | "lookups" | "submissions"
>;

/** What verifying a token reads (the badge, which writes nothing, has no more). */
export type TokenContext = Pick<DomainContext, "prisma" | "workspaceId" | "now" | "rateLimiter" | "lookups">;

const MAX_COMMENT_LENGTH = 2000;

function widgetError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/**
 * Verifies the token against this workspace's signing secret (the key and the token must agree),
 * then counts the request against the budget of the visitor it names.
 */
export async function identify(
  ctx: TokenContext,
  token: string,
  purpose: WidgetTokenPurpose = "survey",
): Promise<WidgetIdentity> {
  const identity = await verifiedIdentity(ctx, token, purpose);
  const retryAfter = await ctx.rateLimiter?.consumeVisitor(
    purpose === "survey" && identity.contactExternalId !== null
      ? { workspaceId: ctx.workspaceId, contact: identity.contactExternalId }
      : { workspaceId: ctx.workspaceId, account: identity.accountExternalId },
  );
  if (retryAfter != null) throw visitorRateLimited(retryAfter);
  return identity;
}

/** A refusal of the per-visitor limit, answered as a 429 with Retry-After on every transport. */
export function visitorRateLimited(retryAfter: number): GraphQLError {
  return new GraphQLError(`Too many requests for this visitor; retry in ${retryAfter} s.`, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfter,
      http: { status: 429, headers: { "retry-after": String(retryAfter) } },
    },
  });
}

async function verifiedIdentity(
  ctx: TokenContext,
  token: string,
  purpose: WidgetTokenPurpose,
): Promise<WidgetIdentity> {
  if (claimedWorkspace(token) !== ctx.workspaceId) {
    throw widgetError("INVALID_TOKEN", "The token is not valid for this workspace.");
  }
  const { lookups } = ctx;
  try {
    return await verifyWidgetToken(
      token,
      (await lookups.signingSecret(ctx.prisma, ctx.workspaceId)).key,
      ctx.now,
      purpose,
    );
  } catch (error) {
    if (!(error instanceof WidgetTokenError)) throw error;
    // The secret may have been rotated on another server since it was cached.
    const rechecked = await lookups.recheckedSigningSecret(ctx.prisma, ctx.workspaceId);
    if (rechecked !== null) {
      try {
        return await verifyWidgetToken(token, rechecked.key, ctx.now, purpose);
      } catch (retryError) {
        if (retryError instanceof WidgetTokenError) throw widgetError("INVALID_TOKEN", retryError.message);
        throw retryError;
      }
    }
    throw widgetError("INVALID_TOKEN", error.message);
  }
}

export async function tokenAccount(
  ctx: Pick<DomainContext, "prisma" | "workspaceId">,
  identity: WidgetIdentity,
) {
  const account = await ctx.prisma.account.findUnique({
    where: {
      workspaceId_externalId: { workspaceId: ctx.workspaceId, externalId: identity.accountExternalId },
    },
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
async function refuse(ctx: WidgetContext, identity: WidgetIdentity, error: GraphQLError): Promise<never> {
  await tokenAccount(ctx, identity);
  throw error;
}

/** The token's contact id (hosts identify people as they sign in); surveys need one. */
async function contactExternalId(ctx: WidgetContext, identity: WidgetIdentity): Promise<string> {
  if (!identity.contactExternalId)
    return refuse(ctx, identity, widgetError("INVALID_TOKEN", "Surveys need a token that names a contact."));
  if (identity.contactExternalId.length > 200)
    return refuse(ctx, identity, widgetError("INVALID_TOKEN", "The token's contact id is too long."));
  return identity.contactExternalId;
}

/** Throws the error of a contact statement that found no account or a contact of another account. */
export function checkContact(contact: TokenContact): void {
  if (contact.accountId === null) throw accountNotFound();
  if (contact.contactAccountId !== contact.accountId) throw contactOfAnotherAccount();
}

function contactOfAnotherAccount(): GraphQLError {
  return widgetError("FORBIDDEN", "The token's contact belongs to another account.");
}

export async function activeSurvey(ctx: WidgetContext, key: string): Promise<CachedSurvey> {
  const survey = await ctx.lookups.survey(ctx.prisma, ctx.workspaceId, key);
  if (!survey?.active) throw widgetError("NOT_FOUND", `No active survey "${key.slice(0, 100)}".`);
  return survey;
}

/** A survey as a widget shows it: its texts in the best match for the page's locale. */
export type LocalizedSurvey = Pick<CachedSurvey, "id" | "key" | "kind" | "reaskIntervalDays"> & SurveyTexts;

/** The survey with its texts for `locale` (see bestSurveyTexts: exact, language, region, default). */
export function localizedSurvey(survey: CachedSurvey, locale: string | null | undefined): LocalizedSurvey {
  const defaults = {
    locale: survey.defaultLocale,
    question: survey.question,
    followUpQuestion: survey.followUpQuestion,
  };
  return {
    id: survey.id,
    key: survey.key,
    kind: survey.kind,
    reaskIntervalDays: survey.reaskIntervalDays,
    ...bestSurveyTexts(defaults, survey.translations, locale),
  };
}

/** Answers and dismissals since this moment hold the survey back (its re-ask interval). */
function reaskSince(ctx: WidgetContext, survey: CachedSurvey): Date {
  return new Date(ctx.now.getTime() - survey.reaskIntervalDays * MILLISECONDS_PER_DAY);
}

/** Who answers which survey, as every contact statement (load, submit, dismiss) takes it. */
export async function surveyContact(ctx: WidgetContext, identity: WidgetIdentity, survey: CachedSurvey) {
  return {
    workspaceId: ctx.workspaceId,
    accountExternalId: identity.accountExternalId,
    contactExternalId: await contactExternalId(ctx, identity),
    surveyId: survey.id,
    since: reaskSince(ctx, survey),
  };
}

/** A message for a field of the wrong type or a missing one. */
const typed = (field: string, type: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `\`${field}\` is required.` : `\`${field}\` must be ${type}.`;

/**
 * A submission as both transports receive it (GraphQL's `SubmitSurveyResponseInput`, or the JSON
 * body of the endpoint): nothing else is accepted, and nothing is coerced.
 */
const submissionInput = z.strictObject(
  {
    survey: z.string({ error: typed("survey", "a string") }),
    token: z.string({ error: typed("token", "a string") }),
    responseId: z
      .string({ error: typed("responseId", "a string") })
      .regex(/^[A-Za-z0-9_-]{8,100}$/, "`responseId` must be 8–100 characters of A–Z, a–z, 0–9, _ or -."),
    score: z.int({ error: typed("score", "a whole number") }),
    comment: z
      .string({ error: typed("comment", "a string or null") })
      .nullish()
      .transform((comment) => comment?.trim() || null)
      .refine((comment) => comment === null || comment.length <= MAX_COMMENT_LENGTH, {
        error: `A comment may be at most ${MAX_COMMENT_LENGTH} characters.`,
      }),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Unknown field(s): ${issue.keys.join(", ")}.`
        : "The submission must be a JSON object.",
  },
);

export interface SurveyResponseReceipt {
  responseId: string;
  score: number;
  comment: string | null;
  createdAt: Date;
}

/**
 * Stores the contact's answer once per responseId (a retry or a later comment updates the same
 * response) and answers only after the statement holding it has committed. Throws a coded
 * GraphQLError when the submission is refused; nothing is written then.
 */
export async function submitSurveyResponse(ctx: WidgetContext, raw: unknown): Promise<SurveyResponseReceipt> {
  const parsed = submissionInput.safeParse(raw);
  if (!parsed.success)
    throw widgetError("BAD_USER_INPUT", parsed.error.issues.map((issue) => issue.message).join(" "));
  const input = parsed.data;
  const identity = await identify(ctx, input.token);
  const survey = await activeSurvey(ctx, input.survey);
  const { min, max } = SURVEY_SCALES[survey.kind];
  if (input.score < min || input.score > max) {
    return refuse(
      ctx,
      identity,
      widgetError("BAD_USER_INPUT", `${survey.kind} scores are whole numbers from ${min} to ${max}.`),
    );
  }
  // One statement (shared with concurrent submissions) creates the contact on first sight,
  // applies the re-ask rule and inserts or updates the response by its responseId.
  const outcome = await ctx.submissions.submit({
    ...(await surveyContact(ctx, identity, survey)),
    kind: survey.kind,
    at: ctx.now,
    responseKey: input.responseId,
    score: input.score,
    comment: input.comment,
  });
  switch (outcome.status) {
    case "ACCOUNT_NOT_FOUND":
      throw accountNotFound();
    case "CONTACT_OF_ANOTHER_ACCOUNT":
      throw contactOfAnotherAccount();
    case "ALREADY_ANSWERED":
      throw widgetError(
        "ALREADY_ANSWERED",
        "This contact answered or dismissed the survey within its re-ask interval.",
      );
    case "RESPONSE_OF_ANOTHER":
      throw widgetError("CONFLICT", "This responseId belongs to another survey or contact.");
    case "STORED":
      ctx.accountsChanged([outcome.accountId]);
      return {
        responseId: input.responseId,
        score: outcome.score,
        comment: outcome.comment,
        createdAt: outcome.createdAt,
      };
  }
}

/** The survey a widget shows the token's contact, and whether to ask now (the re-ask rule). */
export async function surveyToAsk(
  ctx: WidgetContext,
  args: { survey: string; token: string; locale?: string | null },
): Promise<LocalizedSurvey & { shouldAsk: boolean }> {
  const identity = await identify(ctx, args.token);
  const survey = await activeSurvey(ctx, args.survey);
  const contact = await tokenContact(prismaWriter(ctx.prisma), await surveyContact(ctx, identity, survey));
  checkContact(contact);
  return { ...localizedSurvey(survey, args.locale), shouldAsk: !contact.askedRecently };
}

/** Records that the token's contact closed the survey: it is not asked again within the re-ask interval. */
export async function dismissSurvey(
  ctx: WidgetContext,
  args: { survey: string; token: string },
): Promise<true> {
  const identity = await identify(ctx, args.token);
  const survey = await activeSurvey(ctx, args.survey);
  const contact = await dismissForContact(prismaWriter(ctx.prisma), {
    ...(await surveyContact(ctx, identity, survey)),
    at: ctx.now,
  });
  checkContact(contact);
  return true;
}
