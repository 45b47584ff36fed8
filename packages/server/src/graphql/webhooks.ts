// Webhook endpoints through the API (secret keys only: publishable and admin keys reach none of
// these root fields): create (the signing secret is shown once), list, update, rotate the
// secret (the old one keeps signing alongside for a grace period), disable/enable, delete; the
// delivery log per endpoint and per event; manual redelivery. Delivery itself is the worker's
// (webhooks/worker.ts).
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { hiddenFromViewerNodeWhere } from "../data/viewer-scope.ts";
import { DOMAIN_EVENT_TYPES } from "../events/domain-events.ts";
import { isUuid } from "../ids.ts";
import { newWebhookSecret } from "../webhooks/signing.ts";
import { checkWebhookUrl, UnsafeWebhookUrlError } from "../webhooks/ssrf.ts";
import { DomainEventTypeEnum } from "./domain-events.ts";
import { NotFoundError, parseInput, plannedQuery, ValidationError, withoutNulls } from "./errors.ts";

export const WebhookDeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  values: {
    PENDING: { description: "Not delivered yet: waiting for its next attempt (or under way)." },
    SUCCEEDED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Every attempt of the retry window failed; redeliver to try again." },
  } as const,
});

builder.prismaObject("WebhookAttempt", {
  description: "One HTTP attempt of a delivery.",
  fields: (t) => ({
    attemptedAt: t.expose("attemptedAt", { type: "DateTime" }),
    succeeded: t.exposeBoolean("succeeded"),
    responseStatus: t.exposeInt("responseStatus", {
      nullable: true,
      description: "The HTTP status the endpoint answered (null when there was no answer).",
    }),
    latencyMs: t.exposeInt("latencyMs"),
    error: t.exposeString("error", {
      nullable: true,
      description: "Why it failed: the status, a timeout, a refused address, a connection error.",
    }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode("WebhookDelivery", {
  id: { field: "id" },
  description: "One event sent to one endpoint, with every attempt.",
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  fields: (t) => ({
    eventId: t.exposeID("eventId", {
      description: "The domain event's id, sent as the `webhook-id` header on every attempt.",
    }),
    eventType: t.expose("eventType", { type: DomainEventTypeEnum }),
    status: t.expose("status", { type: WebhookDeliveryStatusEnum }),
    attemptCount: t.exposeInt("attempts", { description: "Attempts made so far." }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it is attempted next (null once it succeeded or failed for good).",
      select: { status: true, nextAttemptAt: true },
      resolve: (delivery) => (delivery.status === "PENDING" ? delivery.nextAttemptAt : null),
    }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    body: t.exposeString("body", { description: "The JSON body sent (the same on every attempt)." }),
    endpoint: t.relation("endpoint"),
    attempts: t.relation("attemptLog", {
      description: "Every attempt, oldest first.",
      query: { orderBy: [{ attemptedAt: "asc" }, { id: "asc" }] },
    }),
  }),
});

export const WebhookEndpointRef = builder.prismaNode("WebhookEndpoint", {
  id: { field: "id" },
  description: "Where the workspace's events are sent, signed per Standard Webhooks.",
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  fields: (t) => ({
    url: t.exposeString("url"),
    description: t.exposeString("description", { nullable: true }),
    eventTypes: t.expose("eventTypes", { type: [DomainEventTypeEnum] }),
    enabled: t.exposeBoolean("enabled"),
    disabledAt: t.expose("disabledAt", { type: "DateTime", nullable: true }),
    disabledReason: t.exposeString("disabledReason", {
      nullable: true,
      description: "Why it was disabled automatically (null when disabled through the API or enabled).",
    }),
    consecutiveFailures: t.exposeInt("consecutiveFailures", {
      description: "Failed attempts since the last successful one.",
    }),
    previousSecretExpiresAt: t.expose("previousSecretExpiresAt", {
      type: "DateTime",
      nullable: true,
      description: "Until then deliveries carry a signature with the secret before the last rotation too.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    deliveries: t.relatedConnection("deliveries", {
      cursor: "id",
      description: "The delivery log, newest first.",
      args: { status: t.arg({ type: WebhookDeliveryStatusEnum, required: false }) },
      query: (args) => ({
        where: args.status ? { status: args.status } : {},
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
    }),
  }),
});

builder.prismaObjectField("Workspace", "webhookEndpoints", (t) =>
  t.relation("webhookEndpoints", {
    description: "The workspace's webhook endpoints, oldest first.",
    query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  }),
);

builder.queryField("webhookDeliveries", (t) =>
  t.prismaField({
    type: ["WebhookDelivery"],
    description: "Every delivery of one domain event, one per endpoint it went to.",
    args: { eventId: t.arg.id({ required: true, description: "The domain event's id." }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.webhookDelivery.findMany({
        ...query,
        where: { workspaceId: ctx.workspaceId, eventId: String(args.eventId) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
  }),
);

const eventTypes = z
  .array(z.enum(DOMAIN_EVENT_TYPES))
  .min(1, "Name at least one event type.")
  .max(DOMAIN_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)]);
const description = z.string().trim().max(500);

const createSchema = z.object({
  url: z.string().trim().min(1),
  eventTypes,
  description: description.optional(),
});
const updateSchema = z.object({
  url: z.string().trim().min(1).optional(),
  eventTypes: eventTypes.optional(),
  description: description.optional(),
});

const CreateWebhookEndpointInput = builder.inputType("CreateWebhookEndpointInput", {
  fields: (t) => ({
    url: t.string({ required: true, description: "http(s); must resolve to public addresses only." }),
    eventTypes: t.field({ type: [DomainEventTypeEnum], required: true }),
    description: t.string(),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType("UpdateWebhookEndpointInput", {
  fields: (t) => ({
    url: t.string(),
    eventTypes: t.field({ type: [DomainEventTypeEnum] }),
    description: t.string({ description: "An empty text removes it." }),
  }),
});

const WebhookEndpointWithSecretRef = builder
  .objectRef<{ secret: string; endpoint: { id: string } }>("WebhookEndpointWithSecret")
  .implement({
    fields: (t) => ({
      secret: t.exposeString("secret", {
        description: "The signing secret (whsec_…). Store it now: it is shown only once.",
      }),
      endpoint: t.prismaField({
        type: "WebhookEndpoint",
        resolve: (query, parent, _args, ctx) =>
          ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: parent.endpoint.id } }),
      }),
    }),
  });

async function safeUrl(url: string, allowPrivate: boolean): Promise<string> {
  try {
    return (await checkWebhookUrl(url, { allowPrivate })).toString();
  } catch (error) {
    if (error instanceof UnsafeWebhookUrlError)
      throw new ValidationError(`The webhook URL is refused: ${error.message}`, [
        { path: "url", message: error.message },
      ]);
    throw error;
  }
}

async function ownEndpoint(ctx: Pick<Context, "prisma" | "workspaceId">, id: string) {
  const endpoint = isUuid(id)
    ? await ctx.prisma.webhookEndpoint.findFirst({ where: { id, workspaceId: ctx.workspaceId } })
    : null;
  if (!endpoint) throw new NotFoundError("No such webhook endpoint in this workspace.");
  return endpoint;
}

builder.mutationField("createWebhookEndpoint", (t) =>
  t.field({
    type: WebhookEndpointWithSecretRef,
    errors: { types: [ValidationError] },
    description:
      "Adds an endpoint that receives the named event types from now on; returns its signing secret once.",
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(createSchema, withoutNulls(args.input));
      const url = await safeUrl(input.url, ctx.webhooks.allowPrivate);
      const secret = newWebhookSecret();
      const endpoint = await ctx.prisma.webhookEndpoint.create({
        data: {
          workspaceId: ctx.workspaceId,
          url,
          eventTypes: input.eventTypes,
          description: input.description || null,
          secret,
        },
        select: { id: true },
      });
      return { secret, endpoint };
    },
  }),
);

builder.mutationField("updateWebhookEndpoint", (t) =>
  t.prismaField({
    type: "WebhookEndpoint",
    errors: { types: [NotFoundError, ValidationError] },
    args: {
      id: t.arg.globalID({ for: WebhookEndpointRef, required: true }),
      input: t.arg({ type: UpdateWebhookEndpointInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(updateSchema, withoutNulls(args.input));
      const endpoint = await ownEndpoint(ctx, args.id.id);
      const url = input.url === undefined ? undefined : await safeUrl(input.url, ctx.webhooks.allowPrivate);
      return ctx.prisma.webhookEndpoint.update({
        ...plannedQuery(query),
        where: { id: endpoint.id },
        data: {
          url,
          eventTypes: input.eventTypes,
          description: input.description === undefined ? undefined : input.description || null,
        },
      });
    },
  }),
);

builder.mutationField("rotateWebhookSecret", (t) =>
  t.field({
    type: WebhookEndpointWithSecretRef,
    errors: { types: [NotFoundError, ValidationError] },
    description:
      "Replaces the endpoint's signing secret and returns the new one once. During the grace period deliveries carry two signatures (new and old secret), so receivers can switch without losing one.",
    args: {
      id: t.arg.globalID({ for: WebhookEndpointRef, required: true }),
      gracePeriodHours: t.arg.int({
        required: false,
        description: "How long the old secret keeps signing too (0–168 hours, default 24).",
      }),
    },
    resolve: async (_root, args, ctx) => {
      const hours = args.gracePeriodHours ?? 24;
      if (hours < 0 || hours > 168)
        throw new ValidationError("The grace period must be 0 to 168 hours.", [
          { path: "gracePeriodHours", message: "0 to 168" },
        ]);
      const endpoint = await ownEndpoint(ctx, args.id.id);
      const secret = newWebhookSecret();
      await ctx.prisma.webhookEndpoint.update({
        where: { id: endpoint.id },
        data: {
          secret,
          previousSecret: hours > 0 ? endpoint.secret : null,
          previousSecretExpiresAt: hours > 0 ? new Date(ctx.now.getTime() + hours * 3_600_000) : null,
        },
      });
      return { secret, endpoint: { id: endpoint.id } };
    },
  }),
);

for (const [name, enabled] of [
  ["disableWebhookEndpoint", false],
  ["enableWebhookEndpoint", true],
] as const) {
  builder.mutationField(name, (t) =>
    t.prismaField({
      type: "WebhookEndpoint",
      errors: { types: [NotFoundError] },
      description: enabled
        ? "Sends to the endpoint again: pending deliveries resume, and new events are handed to it from now on."
        : "Stops sending to the endpoint: pending deliveries wait, and events while it is disabled are not sent to it.",
      args: { id: t.arg.globalID({ for: WebhookEndpointRef, required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const endpoint = await ownEndpoint(ctx, args.id.id);
        return ctx.prisma.webhookEndpoint.update({
          ...plannedQuery(query),
          where: { id: endpoint.id },
          data: enabled
            ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 }
            : { enabled: false, disabledAt: ctx.now, disabledReason: null },
        });
      },
    }),
  );
}

builder.mutationField("deleteWebhookEndpoint", (t) =>
  t.field({
    type: "ID",
    errors: { types: [NotFoundError] },
    description: "Deletes the endpoint with its delivery log; returns its id.",
    args: { id: t.arg.globalID({ for: WebhookEndpointRef, required: true }) },
    resolve: async (_root, args, ctx) => {
      const endpoint = await ownEndpoint(ctx, args.id.id);
      await ctx.prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
      return encodeGlobalID("WebhookEndpoint", endpoint.id);
    },
  }),
);

builder.mutationField("redeliverWebhook", (t) =>
  t.prismaField({
    type: "WebhookDelivery",
    errors: { types: [NotFoundError, ValidationError] },
    description:
      "Sends a delivery again now (with the same webhook-id), with a new retry window when it fails. A delivery under way is left alone.",
    args: { id: t.arg.globalID({ for: WebhookDeliveryRef, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const id = args.id.id;
      const delivery = isUuid(id)
        ? await ctx.prisma.webhookDelivery.findFirst({ where: { id, workspaceId: ctx.workspaceId } })
        : null;
      if (!delivery) throw new NotFoundError("No such webhook delivery in this workspace.");
      if (delivery.leasedUntil && delivery.leasedUntil > ctx.now)
        throw new ValidationError("An attempt of this delivery is under way; try again when it ended.", [
          { path: "id", message: "attempt under way" },
        ]);
      return ctx.prisma.webhookDelivery.update({
        ...plannedQuery(query),
        where: { id },
        data: { status: "PENDING", nextAttemptAt: ctx.now, firstAttemptAt: null, deliveredAt: null },
      });
    },
  }),
);
