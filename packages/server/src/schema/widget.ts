// The operations the embedded widgets call with a publishable key: load a survey, answer or
// dismiss it, and read a health badge, only for the account/contact named in a signed token.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { WidgetIdentity } from "../auth/widget-token.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import {
  activeSurvey,
  checkContact,
  identify,
  type LocalizedSurvey,
  localizedSurvey,
  type SurveyResponseReceipt,
  submitSurveyResponse,
  surveyContact,
  tokenAccount,
} from "../widget/operations.ts";
import { dismissForContact, tokenContact } from "../widget/survey-writes.ts";
import { healthWithTrend } from "./account-metrics.ts";
import { SurveyKindEnum } from "./facts.ts";
import { HealthBandEnum } from "./metric-types.ts";

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
    resolve: async (_root, args, ctx) => {
      const identity = await identify(ctx, args.token);
      const survey = await activeSurvey(ctx, args.survey);
      const contact = await tokenContact(ctx.prisma, await surveyContact(ctx, identity, survey));
      checkContact(contact);
      return { ...localizedSurvey(survey, args.locale), shouldAsk: !contact.askedRecently };
    },
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
    resolve: async (_root, { input }, ctx) => {
      const identity = await identify(ctx, input.token);
      const survey = await activeSurvey(ctx, input.survey);
      const contact = await dismissForContact(ctx.prisma, {
        ...(await surveyContact(ctx, identity, survey)),
        at: ctx.now,
      });
      checkContact(contact);
      return true;
    },
  }),
);

interface BadgeShape {
  accountName: string;
  score: number | null;
  band: "GREEN" | "YELLOW" | "RED" | null;
  /** Too little data for a score: score and band are null (a neutral "no data" badge). */
  insufficientData: boolean;
  trend: number | null;
  components: { key: string; label: string; value: number | null; weight: number; used: boolean }[];
  history: { day: string; score: number }[];
}

const BadgeComponentRef = builder
  .objectRef<BadgeShape["components"][number]>("WidgetBadgeComponent")
  .implement({
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

/** The badge of an account: health now, its components, and 90 days of daily snapshots. */
export async function badgeFor(ctx: Context, identity: WidgetIdentity): Promise<BadgeShape> {
  const account = await tokenAccount(ctx, identity);
  const [health, history] = await Promise.all([
    healthWithTrend(account, ctx),
    ctx.facts
      .snapshots({
        from: new Date(ctx.now.getTime() - BADGE_HISTORY_DAYS * MILLISECONDS_PER_DAY),
        to: ctx.now,
      })
      .load(account.id),
  ]);
  return {
    accountName: account.name,
    score: health.score,
    band: health.band,
    insufficientData: health.insufficientData,
    trend: health.trend,
    components: health.components.map((component) => ({
      key: component.key,
      label: COMPONENT_LABELS[component.key] ?? component.key,
      value: component.value,
      weight: component.weight,
      used: component.used,
    })),
    // Days without a score (too little data) are left out of the sparkline.
    history: history.flatMap((point) =>
      point.score === null ? [] : [{ day: point.day.toISOString().slice(0, 10), score: point.score }],
    ),
  };
}

builder.queryField("widgetBadge", (t) =>
  t.field({
    type: BadgeRef,
    description: "The health badge of the account named in the token (publishable keys).",
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => badgeFor(ctx, await identify(ctx, args.token, "badge")),
  }),
);
