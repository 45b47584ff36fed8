// Ingestion of acquisition spend (marketing and sales cost) per period and, optionally, segment,
// upserted on the client's externalId. CAC and its ratios read it (portfolio-inputs.ts).
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { externalId, instant, spendAmount, text } from "../../ingest/fields.ts";
import { findByKeys, upsertRows } from "../../ingest/upsert.ts";
import { addIngestionMutations } from "./ingestion.ts";

const MAX_SPAN_DAYS = 3660;

const AcquisitionSpendInput = builder.inputType("AcquisitionSpendInput", {
  description:
    "What acquiring customers cost over [periodStart, periodEnd), e.g. one month of marketing and sales. A period's CAC counts the share of each entry's span inside it.",
  fields: (t) => ({
    externalId: t.string({ required: true, description: "Your id of the entry: the key of the upsert." }),
    periodStart: t.field({ type: "DateTime", required: true }),
    periodEnd: t.field({
      type: "DateTime",
      required: true,
      description: "After periodStart; may lie ahead.",
    }),
    amount: t.field({
      type: "Decimal",
      required: true,
      description: "In the workspace currency; not negative.",
    }),
    segment: t.string({
      required: false,
      description: "The segment the spend acquired for; without one it counts only for the whole portfolio.",
    }),
  }),
});

const spendSchema = z
  .object({
    externalId,
    periodStart: instant,
    periodEnd: instant,
    amount: spendAmount,
    segment: text(100).nullish(),
  })
  .superRefine((spend, issues) => {
    const span = spend.periodEnd.getTime() - spend.periodStart.getTime();
    if (span <= 0) {
      issues.addIssue({ code: "custom", path: ["periodEnd"], message: "must be after periodStart" });
    } else if (span > MAX_SPAN_DAYS * MILLISECONDS_PER_DAY) {
      issues.addIssue({
        code: "custom",
        path: ["periodEnd"],
        message: `must be at most ${MAX_SPAN_DAYS} days after periodStart`,
      });
    }
  });

addIngestionMutations({
  single: "upsertAcquisitionSpend",
  batch: "upsertAcquisitionSpends",
  item: AcquisitionSpendInput,
  batchInput: "UpsertAcquisitionSpendsInput",
  description: "Records acquisition spend, or updates the entry stored with the same externalId.",
  spec: {
    typename: "AcquisitionSpend",
    // A budget may be booked for a period still running.
    scheduledDates: ["periodEnd"],
    schema: spendSchema,
    batchKey: (spend) => ({ field: "externalId", value: spend.externalId }),
    async write({ tx, workspaceId }, items) {
      const stored = await findByKeys(
        items.map((item) => item.input.externalId),
        (keys) => tx.acquisitionSpend.findMany({ where: { workspaceId, externalId: { in: keys } } }),
        (row) => row.externalId,
      );
      const rows = await upsertRows(tx.acquisitionSpend, items, {
        existing: ({ input }) => stored.get(input.externalId),
        data: ({ input }) => ({
          workspaceId,
          externalId: input.externalId,
          periodStart: input.periodStart,
          periodEnd: input.periodEnd,
          amount: input.amount,
          segment: input.segment,
        }),
        accountOf: () => "",
      });
      // Spend belongs to no account: no account's facts changed.
      return rows.map((row) => ({ ...row, accountIds: [] }));
    },
  },
});
