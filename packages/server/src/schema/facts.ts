// Object types of the facts kept about an account, for the Account connections and lists.
import { builder } from "../builder.ts";

export const SurveyKindEnum = builder.enumType("SurveyKind", { values: ["NPS", "CSAT", "CES"] as const });
export const TicketPriorityEnum = builder.enumType("TicketPriority", { values: ["LOW", "NORMAL", "HIGH", "URGENT"] as const });
export const UsageEventKindEnum = builder.enumType("UsageEventKind", { values: ["LOGIN", "FEATURE", "SESSION"] as const });
export const RenewalOutcomeEnum = builder.enumType("RenewalOutcome", { values: ["RENEWED", "CHURNED", "PENDING"] as const });
export const SentimentRatingEnum = builder.enumType("SentimentRating", { values: ["RED", "YELLOW", "GREEN"] as const });
export const ReviewOutcomeEnum = builder.enumType("ReviewOutcome", { values: ["UP", "DOWN"] as const });

export const SurveyResponseRef = builder.prismaNode("SurveyResponse", {
  id: { field: "id" },
  findUnique: (id, ctx) => ({ id, workspaceId: ctx.workspaceId }),
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
  findUnique: (id, ctx) => ({ id, workspaceId: ctx.workspaceId }),
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
  findUnique: (id, ctx) => ({ id, workspaceId: ctx.workspaceId }),
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
