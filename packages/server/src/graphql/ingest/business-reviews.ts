// Ingestion of executive business reviews (EBRs). With an externalId they are upserted on it,
// which is how an outcome is recorded after the review.
import { ReviewOutcome } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { count, externalId, instant, text } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { ReviewOutcomeEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const BusinessReviewInput = builder.inputType("BusinessReviewInput", {
  description:
    "An executive business review. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the review. With it a retry is safe and a changed review is updated.",
    }),
    accountExternalId: t.string({ required: true }),
    heldAt: t.field({ type: "DateTime", required: true }),
    executivesAttended: t.int({ required: false, description: "0 when new." }),
    outcome: t.field({ type: ReviewOutcomeEnum, required: false }),
    notes: t.string({ required: false }),
  }),
});

const businessReviewSchema = z.object({
  externalId: externalId.optional(),
  accountExternalId: externalId,
  heldAt: instant,
  executivesAttended: count(1000).optional(),
  outcome: z.enum(ReviewOutcome).nullish(),
  notes: text(5000).nullish(),
});

addIngestionMutations({
  single: "upsertBusinessReview",
  batch: "upsertBusinessReviews",
  item: BusinessReviewInput,
  batchInput: "UpsertBusinessReviewsInput",
  description: "Records a business review, or updates the one stored with the same externalId.",
  spec: {
    typename: "BusinessReview",
    schema: businessReviewSchema,
    batchKey: (review) => (review.externalId ? { field: "externalId", value: review.externalId } : undefined),
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.businessReview, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        heldAt: input.heldAt,
        executivesAttended: input.executivesAttended,
        outcome: input.outcome,
        notes: input.notes,
      })),
  },
});
