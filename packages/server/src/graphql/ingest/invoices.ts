// Ingestion of invoices. With an externalId they are upserted on it, which is how a payment
// is recorded later.
import { z } from "zod";
import { builder } from "../../builder.ts";
import { externalId, instant, invoiceAmount } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { addIngestionMutations } from "./ingestion.ts";

const InvoiceInput = builder.inputType("InvoiceInput", {
  description: "An invoice of an account. An omitted paidAt keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the invoice. With it a retry is safe and a changed invoice is updated.",
    }),
    accountExternalId: t.string({ required: true }),
    amount: t.field({ type: "Decimal", required: true, description: "In the workspace currency." }),
    dueAt: t.field({ type: "DateTime", required: true }),
    paidAt: t.field({ type: "DateTime", required: false }),
  }),
});

const invoiceSchema = z.object({
  externalId: externalId.optional(),
  accountExternalId: externalId,
  amount: invoiceAmount,
  dueAt: instant,
  paidAt: instant.nullish(),
});

addIngestionMutations({
  single: "upsertInvoice",
  batch: "upsertInvoices",
  item: InvoiceInput,
  batchInput: "UpsertInvoicesInput",
  description: "Records an invoice, or updates the one stored with the same externalId.",
  spec: {
    typename: "Invoice",
    // Plans, not facts: a contract runs into the future, an invoice falls due later.
    scheduledDates: ["dueAt"],
    schema: invoiceSchema,
    batchKey: (invoice) =>
      invoice.externalId ? { field: "externalId", value: invoice.externalId } : undefined,
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.invoice, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        amount: input.amount,
        dueAt: input.dueAt,
        paidAt: input.paidAt,
      })),
  },
});
