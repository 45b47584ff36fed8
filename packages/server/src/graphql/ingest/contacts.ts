// Ingestion of contacts (people at an account), upserted on the client's externalId.
import { z } from "zod";
import { builder } from "../../builder.ts";
import { email, externalId, text } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { addIngestionMutations } from "./ingestion.ts";

const ContactInput = builder.inputType("ContactInput", {
  description: "A person at an account. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({ required: true, description: "Your id of the contact: the key of the upsert." }),
    accountExternalId: t.string({ required: true, description: "The account the contact belongs to." }),
    email: t.string({ required: false }),
    name: t.string({ required: false }),
    isExecutive: t.boolean({
      required: false,
      description: "Counts for executive attendance (false when new).",
    }),
  }),
});

const contactSchema = z.object({
  externalId,
  accountExternalId: externalId,
  email: email.nullish(),
  name: text(200).nullish(),
  isExecutive: z.boolean().optional(),
});

addIngestionMutations({
  single: "upsertContact",
  batch: "upsertContacts",
  item: ContactInput,
  batchInput: "UpsertContactsInput",
  description:
    "Creates or updates a contact by its externalId (a changed accountExternalId moves it); sending the same contact again changes nothing.",
  spec: {
    typename: "Contact",
    schema: contactSchema,
    batchKey: (contact) => ({ field: "externalId", value: contact.externalId }),
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.contact, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        email: input.email,
        name: input.name,
        isExecutive: input.isExecutive,
      })),
  },
});
