// Ingestion of revenue events: changes of an account's MRR. With an externalId they are
// upserted on it; without one every call records a new event.
import { RevenueEventKind } from "@pulse/schema/prisma";
import type { Decimal } from "decimal.js";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { externalId, instant, mrrDelta } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { RevenueEventKindEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const RevenueEventInput = builder.inputType("RevenueEventInput", {
  description: "A change of an account's monthly recurring revenue.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description:
        "Your id of the event. With it a retry is safe and a changed event is updated; without it every call adds an event.",
    }),
    accountExternalId: t.string({ required: true }),
    kind: t.field({ type: RevenueEventKindEnum, required: true }),
    mrrDelta: t.field({
      type: "Decimal",
      required: true,
      description:
        "Signed change of MRR in the workspace currency: positive for NEW, EXPANSION and REACTIVATION; negative for CONTRACTION and CHURN.",
    }),
    occurredAt: t.field({ type: "DateTime", required: true }),
  }),
});

// An account's MRR is the sum of its deltas, so each kind has one sign. Zero is allowed where
// a free plan makes it meaningful (a free sign-up, churn of a free account).
const SIGN_OF_KIND: Record<RevenueEventKind, { holds(delta: Decimal): boolean; message: string }> = {
  NEW: { holds: (delta) => delta.gte(0), message: "must not be negative for NEW" },
  REACTIVATION: { holds: (delta) => delta.gte(0), message: "must not be negative for REACTIVATION" },
  EXPANSION: { holds: (delta) => delta.gt(0), message: "must be positive for EXPANSION" },
  CONTRACTION: { holds: (delta) => delta.lt(0), message: "must be negative for CONTRACTION" },
  CHURN: {
    holds: (delta) => delta.lte(0),
    message: "must not be positive for CHURN (it is the MRR lost, as a negative change)",
  },
};

const revenueEventSchema = z
  .object({
    externalId: externalId.optional(),
    accountExternalId: externalId,
    kind: z.enum(RevenueEventKind),
    mrrDelta,
    occurredAt: instant,
  })
  .superRefine((event, issues) => {
    const sign = SIGN_OF_KIND[event.kind];
    if (!sign.holds(event.mrrDelta))
      issues.addIssue({ code: "custom", path: ["mrrDelta"], message: sign.message });
  });

addIngestionMutations({
  single: "upsertRevenueEvent",
  batch: "upsertRevenueEvents",
  item: RevenueEventInput,
  batchInput: "UpsertRevenueEventsInput",
  description: "Records a revenue event, or updates the one stored with the same externalId.",
  spec: {
    typename: "RevenueEvent",
    schema: revenueEventSchema,
    batchKey: (event) => (event.externalId ? { field: "externalId", value: event.externalId } : undefined),
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.revenueEvent, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        kind: input.kind,
        mrrDelta: input.mrrDelta,
        occurredAt: input.occurredAt,
      })),
  },
});
