// Ingestion of CSM sentiment entries (a RED / YELLOW / GREEN rating with a note). With an
// externalId they are upserted on it; without one every call records a new entry.
import { SentimentRating } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { externalId, instant, text } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { SentimentRatingEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const SentimentEntryInput = builder.inputType("SentimentEntryInput", {
  description:
    "A CSM's rating of an account. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the entry. With it a retry is safe and a changed entry is updated.",
    }),
    accountExternalId: t.string({ required: true }),
    rating: t.field({ type: SentimentRatingEnum, required: true }),
    note: t.string({ required: false }),
    author: t.string({ required: false }),
    recordedAt: t.field({
      type: "DateTime",
      required: false,
      description: "When the CSM rated; now when new.",
    }),
  }),
});

const sentimentEntrySchema = z.object({
  externalId: externalId.optional(),
  accountExternalId: externalId,
  rating: z.enum(SentimentRating),
  note: text(5000).nullish(),
  author: text(200).nullish(),
  recordedAt: instant.optional(),
});

addIngestionMutations({
  single: "upsertSentimentEntry",
  batch: "upsertSentimentEntries",
  item: SentimentEntryInput,
  batchInput: "UpsertSentimentEntriesInput",
  description: "Records a CSM sentiment entry, or updates the one stored with the same externalId.",
  spec: {
    typename: "SentimentEntry",
    schema: sentimentEntrySchema,
    batchKey: (entry) => (entry.externalId ? { field: "externalId", value: entry.externalId } : undefined),
    write: ({ tx, workspaceId, now }, items) =>
      upsertByExternalId(tx.sentimentEntry, workspaceId, items, ({ input, refs }, current) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        rating: input.rating,
        note: input.note,
        author: input.author,
        // A retry without recordedAt keeps the stored time rather than moving it to now.
        createdAt: input.recordedAt ?? (current ? undefined : now),
      })),
  },
});
