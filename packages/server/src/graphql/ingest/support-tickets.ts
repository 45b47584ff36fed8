// Ingestion of support tickets. With an externalId they are upserted on it, which is how a
// ticket's resolution is recorded later.
import { TicketPriority } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { externalId, instant, text } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { TicketPriorityEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const SupportTicketInput = builder.inputType("SupportTicketInput", {
  description:
    "A support ticket of an account. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the ticket. With it a retry is safe and a changed ticket is updated.",
    }),
    accountExternalId: t.string({ required: true }),
    subject: t.string({ required: false }),
    priority: t.field({ type: TicketPriorityEnum, required: false, description: "NORMAL when new." }),
    openedAt: t.field({ type: "DateTime", required: true }),
    resolvedAt: t.field({ type: "DateTime", required: false, description: "Not before openedAt." }),
  }),
});

const supportTicketSchema = z
  .object({
    externalId: externalId.optional(),
    accountExternalId: externalId,
    subject: text(500).nullish(),
    priority: z.enum(TicketPriority).optional(),
    openedAt: instant,
    resolvedAt: instant.nullish(),
  })
  .superRefine((ticket, issues) => {
    if (ticket.resolvedAt && ticket.resolvedAt < ticket.openedAt) {
      issues.addIssue({ code: "custom", path: ["resolvedAt"], message: "must not be before openedAt" });
    }
  });

addIngestionMutations({
  single: "upsertSupportTicket",
  batch: "upsertSupportTickets",
  item: SupportTicketInput,
  batchInput: "UpsertSupportTicketsInput",
  description: "Records a support ticket, or updates the one stored with the same externalId.",
  spec: {
    typename: "SupportTicket",
    schema: supportTicketSchema,
    batchKey: (ticket) => (ticket.externalId ? { field: "externalId", value: ticket.externalId } : undefined),
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.supportTicket, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        subject: input.subject,
        priority: input.priority,
        openedAt: input.openedAt,
        resolvedAt: input.resolvedAt,
      })),
  },
});
