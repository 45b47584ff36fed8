// The GraphQL side of ingestion: the result types every ingestion mutation shares, and the
// factory that adds a fact's single and batch mutations from its item input and its spec.
import type { InputObjectRef } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../builder.ts";
import { type IngestedRow, type IngestionSpec, ingest, MAX_BATCH_ITEMS } from "../../ingest/ingest.ts";
import { ValidationError } from "../errors.ts";

type PulseTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

export const IngestOutcomeEnum = builder.enumType("IngestOutcome", {
  values: {
    CREATED: { description: "A new row was stored." },
    UPDATED: { description: "A stored row (same external id or key) was changed to match the input." },
    UNCHANGED: { description: "A stored row already matched the input; nothing was written." },
  },
});

interface IngestedItem {
  row: IngestedRow;
  typename: string;
}

const IngestedItemRef = builder.objectRef<IngestedItem>("IngestedItem").implement({
  description: "What one ingestion did to the row of its input.",
  fields: (t) => ({
    id: t.id({
      description: "Global id of the row.",
      resolve: ({ row, typename }) => encodeGlobalID(typename, row.id),
    }),
    outcome: t.field({ type: IngestOutcomeEnum, resolve: ({ row }) => row.outcome }),
  }),
});

interface IngestedBatch {
  rows: IngestedRow[];
  typename: string;
}

const IngestedBatchRef = builder.objectRef<IngestedBatch>("IngestedBatch").implement({
  description: "What a batch did, written in one transaction.",
  fields: (t) => ({
    created: t.int({ resolve: ({ rows }) => rows.filter((row) => row.outcome === "CREATED").length }),
    updated: t.int({ resolve: ({ rows }) => rows.filter((row) => row.outcome === "UPDATED").length }),
    unchanged: t.int({ resolve: ({ rows }) => rows.filter((row) => row.outcome === "UNCHANGED").length }),
    ids: t.idList({
      description: "Global ids of the items' rows, in item order.",
      resolve: ({ rows, typename }) => rows.map((row) => encodeGlobalID(typename, row.id)),
    }),
  }),
});

export interface IngestionMutations<Item extends object> {
  /** Name of the one-item mutation, e.g. upsertAccount. */
  single: string;
  /** Name of the batch mutation, e.g. upsertAccounts. */
  batch: string;
  /** The input of one item; the batch input is `{ items: [item] }`. */
  item: InputObjectRef<PulseTypes, unknown>;
  /** Name of the batch input type, e.g. UpsertAccountsInput. */
  batchInput: string;
  /** What one call does, for the schema's documentation. */
  description: string;
  spec: IngestionSpec<Item>;
}

export function addIngestionMutations<Item extends object>(options: IngestionMutations<Item>): void {
  const { spec } = options;
  const BatchInput = builder.inputType(options.batchInput, {
    fields: (t) => ({
      items: t.field({
        type: [options.item],
        required: true,
        description: `1 to ${MAX_BATCH_ITEMS} items, written all together or, if any is invalid, not at all.`,
      }),
    }),
  });

  builder.mutationField(options.single, (t) =>
    t.field({
      type: IngestedItemRef,
      description: options.description,
      errors: { types: [ValidationError] },
      args: { input: t.arg({ type: options.item, required: true }) },
      resolve: async (_root, args, ctx) => {
        const [row] = await ingest(ctx, spec, [args.input], "single");
        return { row, typename: spec.typename };
      },
    }),
  );

  builder.mutationField(options.batch, (t) =>
    t.field({
      type: IngestedBatchRef,
      description: `${options.description} Batch form: every item is validated first, then all are written in one transaction.`,
      errors: { types: [ValidationError] },
      args: { input: t.arg({ type: BatchInput, required: true }) },
      resolve: async (_root, args, ctx) => ({
        rows: await ingest(ctx, spec, args.input.items, "batch"),
        typename: spec.typename,
      }),
    }),
  );
}
