// Domain events as a GraphQL subscription, served over Server-Sent Events by Yoga: the
// workspace's events with filters, resumable from the last event id a client saw.
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import { withAccountScope } from "../data/viewer-scope.ts";
import { DOMAIN_EVENT_TYPES } from "../events/domain-events.ts";
import { decodeCursor, type StoredDomainEvent } from "../events/outbox.ts";
import { isUuid } from "../ids.ts";
import { AccountRef } from "./account.ts";

export const DomainEventTypeEnum = builder.enumType("DomainEventType", {
  values: DOMAIN_EVENT_TYPES,
  description: "What changed about an account.",
});

export const DomainEventRef = builder.objectRef<StoredDomainEvent>("DomainEvent").implement({
  description: "Something that changed about an account, recorded in the transaction of the change.",
  fields: (t) => ({
    id: t.id({
      description: "The event's id, unique and ordered; pass the last one seen as `after` to resume.",
      resolve: (event) => event.id,
    }),
    type: t.field({ type: DomainEventTypeEnum, resolve: (event) => event.type }),
    occurredAt: t.field({ type: "DateTime", resolve: (event) => event.occurredAt }),
    accountId: t.id({
      nullable: true,
      description: "Global id of the account (null for events about the workspace itself).",
      resolve: (event) => (event.accountId ? encodeGlobalID("Account", event.accountId) : null),
    }),
    account: t.field({
      type: AccountRef,
      nullable: true,
      description: "The account as it is now (null once deleted).",
      resolve: (event, _args, ctx) =>
        event.accountId
          ? ctx.prisma.account.findFirst({
              where: withAccountScope({ id: event.accountId, workspaceId: ctx.workspaceId }, ctx.scope),
            })
          : null,
    }),
    payload: t.field({
      type: "JSON",
      description:
        "What the event says, by type (e.g. { from, to } of a band change; reasons of at-risk entered).",
      resolve: (event) => event.payload,
    }),
    snapshotId: t.string({
      nullable: true,
      description: "The health snapshot the event comes from (band changed, at-risk entered/left).",
      resolve: (event) => event.snapshotId,
    }),
  }),
});

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

builder.subscriptionType({});

builder.subscriptionField("domainEvents", (t) =>
  t.field({
    type: DomainEventRef,
    description:
      "The workspace's domain events as they are committed (secret keys, or a viewer token's scope), over Server-Sent Events; with a viewer token, only its accounts' events. With `after`, first every event after that id that the filters select, then live ones: none missed, none twice.",
    args: {
      types: t.arg({ type: [DomainEventTypeEnum], required: false, description: "Only these types." }),
      accountIds: t.arg.idList({ required: false, description: "Only these accounts (global ids)." }),
      segment: t.arg.string({ required: false, description: "Only accounts of this segment." }),
      after: t.arg.id({
        required: false,
        description:
          "The id of the last event received: resume after it. Without it, the `Last-Event-ID` header is used (an EventSource sends it on reconnect; every SSE event carries its id).",
      }),
    },
    subscribe: (_root, args, ctx) => {
      if (!ctx.events) throw new GraphQLError("Subscriptions are not available on this server.");
      // The argument, or else the Last-Event-ID header of a reconnecting EventSource.
      const resumeFrom = args.after ?? ctx.eventIds.lastEventId;
      const after = resumeFrom == null ? null : decodeCursor(String(resumeFrom));
      if (resumeFrom != null && !after)
        throw badInput(
          args.after != null
            ? `\`after\` is not an event id: "${String(args.after)}".`
            : `The Last-Event-ID header is not an event id: "${String(resumeFrom)}".`,
        );
      const accountIds = args.accountIds?.map((id) => {
        let decoded: { typename: string; id: string } | null = null;
        try {
          decoded = decodeGlobalID(String(id));
        } catch {
          decoded = null;
        }
        if (decoded?.typename !== "Account" || !isUuid(decoded.id))
          throw badInput(`\`accountIds\`: "${String(id)}" is not an account id.`);
        return decoded.id;
      });
      return ctx.events.subscribe(
        {
          workspaceId: ctx.workspaceId,
          types: args.types ?? null,
          accountIds: accountIds ?? null,
          segment: args.segment ?? null,
          scope: ctx.scope,
        },
        after,
      );
    },
    resolve: (event, _args, ctx) => {
      // Sent as the SSE event's id (plugins/use-event-ids.ts).
      ctx.eventIds.current = event.id;
      return event;
    },
  }),
);
