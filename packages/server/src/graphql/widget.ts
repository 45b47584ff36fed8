// The operations the embedded widgets call with a publishable key: load a survey, answer or
// dismiss it, and read a health badge, only for the account/contact named in a signed token.
// Each resolver calls the domain (domain/surveys.ts, domain/badges.ts), which the HTTP routes
// call too.
import { builder } from "../builder.ts";
import { type Badge, badgeFor } from "../domain/badges.ts";
import {
  dismissSurvey,
  identify,
  type LocalizedSurvey,
  type SurveyResponseReceipt,
  submitSurveyResponse,
  surveyToAsk,
} from "../domain/surveys.ts";
import { SurveyKindEnum } from "./facts.ts";
import { HealthBandEnum } from "./metric-types.ts";

type WidgetSurveyShape = LocalizedSurvey & { shouldAsk: boolean };

const WidgetSurveyRef = builder.objectRef<WidgetSurveyShape>("WidgetSurvey").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    key: t.exposeString("key"),
    kind: t.field({ type: SurveyKindEnum, resolve: (survey) => survey.kind }),
    locale: t.exposeString("locale", {
      description:
        "The locale of question and followUpQuestion: the best match for the requested one (exact, then its language, then another region of it), else the survey's default.",
    }),
    question: t.exposeString("question"),
    followUpQuestion: t.exposeString("followUpQuestion", { nullable: true }),
    reaskIntervalDays: t.exposeInt("reaskIntervalDays"),
    shouldAsk: t.exposeBoolean("shouldAsk", {
      description: "False when this contact answered or dismissed it within the re-ask interval",
    }),
  }),
});

builder.queryField("widgetSurvey", (t) =>
  t.field({
    type: WidgetSurveyRef,
    description: "A survey for the contact named in the token (publishable keys).",
    args: {
      survey: t.arg.string({ required: true }),
      token: t.arg.string({ required: true }),
      locale: t.arg.string({
        description: "The page's language tag (e.g. de-AT): the texts come in the best match.",
      }),
    },
    resolve: (_root, args, ctx) => surveyToAsk(ctx, args),
  }),
);

const SubmitSurveyResponseInput = builder.inputType("SubmitSurveyResponseInput", {
  fields: (t) => ({
    survey: t.string({ required: true, description: "Survey key" }),
    token: t.string({ required: true }),
    responseId: t.id({
      required: true,
      description: "Created by the widget on the first answer; reused for the comment and retries",
    }),
    score: t.int({ required: true }),
    comment: t.string(),
  }),
});

const ReceiptRef = builder.objectRef<SurveyResponseReceipt>("SurveyResponseReceipt").implement({
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
    description:
      "Stores the contact's answer once per responseId: a retry or a later comment updates the same response.",
    args: { input: t.arg({ type: SubmitSurveyResponseInput, required: true }) },
    resolve: (_root, { input }, ctx) => submitSurveyResponse(ctx, input),
  }),
);

const DismissSurveyInput = builder.inputType("DismissSurveyInput", {
  fields: (t) => ({ survey: t.string({ required: true }), token: t.string({ required: true }) }),
});

builder.mutationField("dismissSurvey", (t) =>
  t.boolean({
    description:
      "Records that the contact closed the survey; it is not shown again within the re-ask interval.",
    args: { input: t.arg({ type: DismissSurveyInput, required: true }) },
    resolve: (_root, { input }, ctx) => dismissSurvey(ctx, input),
  }),
);

const BadgeComponentRef = builder.objectRef<Badge["components"][number]>("WidgetBadgeComponent").implement({
  fields: (t) => ({
    key: t.exposeString("key"),
    label: t.exposeString("label"),
    value: t.exposeFloat("value", { nullable: true }),
    weight: t.exposeFloat("weight"),
    used: t.exposeBoolean("used"),
  }),
});

const BadgePointRef = builder.objectRef<Badge["history"][number]>("WidgetBadgePoint").implement({
  fields: (t) => ({ day: t.exposeString("day"), score: t.exposeFloat("score") }),
});

const BadgeRef = builder.objectRef<Badge>("WidgetBadge").implement({
  fields: (t) => ({
    accountName: t.exposeString("accountName"),
    score: t.exposeFloat("score", { nullable: true, description: "Null when insufficientData" }),
    band: t.field({
      type: HealthBandEnum,
      nullable: true,
      description: "Null when insufficientData",
      resolve: (badge) => badge.band,
    }),
    insufficientData: t.exposeBoolean("insufficientData", {
      description:
        'Too little data for a score (below the workspace\'s minimum coverage): show a neutral "no data" badge',
    }),
    trend: t.exposeFloat("trend", { nullable: true }),
    components: t.field({ type: [BadgeComponentRef], resolve: (badge) => badge.components }),
    history: t.field({ type: [BadgePointRef], resolve: (badge) => badge.history }),
  }),
});

builder.queryField("widgetBadge", (t) =>
  t.field({
    type: BadgeRef,
    description: "The health badge of the account named in the token (publishable keys).",
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => badgeFor(ctx, await identify(ctx, args.token, "badge")),
  }),
);
