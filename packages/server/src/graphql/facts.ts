// Object types of the facts kept about an account, for the Account connections and lists.
import { SurveyKind } from "@pulse/schema/prisma";
import { builder } from "../builder.ts";
import { accountFactNodeWhere } from "../data/viewer-scope.ts";
import { MoneyRef } from "./metric-types.ts";

export const SurveyKindEnum = builder.enumType("SurveyKind", { values: Object.values(SurveyKind) });
export const TicketPriorityEnum = builder.enumType("TicketPriority", {
  values: ["LOW", "NORMAL", "HIGH", "URGENT"] as const,
});
export const UsageEventKindEnum = builder.enumType("UsageEventKind", {
  values: ["LOGIN", "FEATURE", "SESSION"] as const,
});
export const RenewalOutcomeEnum = builder.enumType("RenewalOutcome", {
  values: ["RENEWED", "CHURNED", "PENDING"] as const,
});
export const SentimentRatingEnum = builder.enumType("SentimentRating", {
  values: ["RED", "YELLOW", "GREEN"] as const,
});
export const ReviewOutcomeEnum = builder.enumType("ReviewOutcome", { values: ["UP", "DOWN"] as const });

export const SurveyResponseRef = builder.prismaNode("SurveyResponse", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    kind: t.expose("kind", { type: SurveyKindEnum }),
    score: t.exposeInt("score"),
    comment: t.exposeString("comment", { nullable: true }),
    idempotencyKey: t.exposeString("idempotencyKey"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    account: t.relation("account"),
    contact: t.relation("contact", { nullable: true }),
  }),
});

export const SupportTicketRef = builder.prismaNode("SupportTicket", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    subject: t.exposeString("subject", { nullable: true }),
    priority: t.expose("priority", { type: TicketPriorityEnum }),
    openedAt: t.expose("openedAt", { type: "DateTime" }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true }),
    account: t.relation("account"),
  }),
});

export const UsageEventRef = builder.prismaNode("UsageEvent", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    kind: t.expose("kind", { type: UsageEventKindEnum }),
    featureKey: t.exposeString("featureKey", { nullable: true }),
    durationSeconds: t.exposeInt("durationSeconds", { nullable: true }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    account: t.relation("account"),
    contact: t.relation("contact", { nullable: true }),
  }),
});

export const RevenueEventKindEnum = builder.enumType("RevenueEventKind", {
  values: ["NEW", "EXPANSION", "CONTRACTION", "CHURN", "REACTIVATION"] as const,
});

/** Money of a fact row, in the workspace's currency. */
async function money(
  amount: { toString(): string } | null,
  ctx: { settings(): Promise<{ currency: string }> },
) {
  return amount === null ? null : { amount: amount.toString(), currency: (await ctx.settings()).currency };
}

export const RevenueEventRef = builder.prismaNode("RevenueEvent", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    kind: t.expose("kind", { type: RevenueEventKindEnum }),
    mrrDelta: t.field({
      type: MoneyRef,
      resolve: async (event, _args, ctx) =>
        (await money(event.mrrDelta, ctx)) ?? { amount: "0", currency: "USD" },
    }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    account: t.relation("account"),
  }),
});

export const InvoiceRef = builder.prismaNode("Invoice", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    amount: t.field({
      type: MoneyRef,
      resolve: async (invoice, _args, ctx) =>
        (await money(invoice.amount, ctx)) ?? { amount: "0", currency: "USD" },
    }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    paidAt: t.expose("paidAt", { type: "DateTime", nullable: true }),
    account: t.relation("account"),
  }),
});

export const MilestoneAchievementRef = builder.prismaNode("MilestoneAchievement", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    achievedAt: t.expose("achievedAt", { type: "DateTime" }),
    milestone: t.relation("milestone"),
    account: t.relation("account"),
  }),
});

export const ContractRef = builder.prismaNode("Contract", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { nullable: true }),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    value: t.field({
      type: MoneyRef,
      nullable: true,
      resolve: (contract, _args, ctx) => money(contract.value, ctx),
    }),
    renewalOutcome: t.expose("renewalOutcome", { type: RenewalOutcomeEnum }),
  }),
});

export const SentimentEntryRef = builder.prismaNode("SentimentEntry", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    rating: t.expose("rating", { type: SentimentRatingEnum }),
    note: t.exposeString("note", { nullable: true }),
    author: t.exposeString("author", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const BusinessReviewRef = builder.prismaNode("BusinessReview", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    heldAt: t.expose("heldAt", { type: "DateTime" }),
    executivesAttended: t.exposeInt("executivesAttended"),
    outcome: t.expose("outcome", { type: ReviewOutcomeEnum, nullable: true }),
    notes: t.exposeString("notes", { nullable: true }),
  }),
});
