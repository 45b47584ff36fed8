// Ingestion of CSM sentiment entries (a RED / YELLOW / GREEN rating with a note). With an
// externalId they are upserted on it; without one every call records a new entry.
import { SentimentRating } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { type LatestSentiment, sentimentChanged } from "../../events/domain-events.ts";
import { lockAccounts } from "../../events/outbox.ts";
import { externalId, instant, text } from "../../ingest/fields.ts";
import type { Transaction } from "../../ingest/ingest.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { SentimentRatingEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

/** The latest entry of each account (by recorded time, then id), one statement. */
async function latestSentiments(
  tx: Transaction,
  accountIds: readonly string[],
): Promise<Map<string, LatestSentiment>> {
  if (accountIds.length === 0) return new Map();
  const rows = await tx.sentimentEntry.findMany({
    where: { accountId: { in: [...accountIds] } },
    distinct: ["accountId"],
    orderBy: [{ accountId: "asc" }, { createdAt: "desc" }, { id: "desc" }],
    select: { id: true, accountId: true, rating: true, createdAt: true },
  });
  return new Map(
    rows.map((row) => [row.accountId, { entryId: row.id, rating: row.rating, recordedAt: row.createdAt }]),
  );
}

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
    async write({ tx, workspaceId, now, events }, items) {
      // The latest rating before and after, with the accounts locked (see revenue-events.ts).
      const externalIds = items.flatMap((item) => (item.input.externalId ? [item.input.externalId] : []));
      const moved = externalIds.length
        ? await tx.sentimentEntry.findMany({
            where: { workspaceId, externalId: { in: externalIds } },
            select: { accountId: true },
          })
        : [];
      const touched = [
        ...new Set([...items.map((item) => item.refs.account.id), ...moved.map((row) => row.accountId)]),
      ];
      await lockAccounts(tx, touched);
      const before = await latestSentiments(tx, touched);
      const rows = await upsertByExternalId(
        tx.sentimentEntry,
        workspaceId,
        items,
        ({ input, refs }, current) => ({
          workspaceId,
          accountId: refs.account.id,
          externalId: input.externalId,
          rating: input.rating,
          note: input.note,
          author: input.author,
          // A retry without recordedAt keeps the stored time rather than moving it to now.
          createdAt: input.recordedAt ?? (current ? undefined : now),
        }),
      );
      const changed = [
        ...new Set(rows.filter((row) => row.outcome !== "UNCHANGED").flatMap((row) => row.accountIds)),
      ];
      const after = await latestSentiments(tx, changed);
      for (const accountId of changed) {
        events.push(
          ...sentimentChanged({
            workspaceId,
            accountId,
            before: before.get(accountId) ?? null,
            after: after.get(accountId) ?? null,
          }),
        );
      }
      return rows;
    },
  },
});
