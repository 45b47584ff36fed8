// Ingestion of revenue events: changes of an account's MRR. With an externalId they are
// upserted on it; without one every call records a new event.
import { mrrAt } from "@pulse/schema/metrics";
import { RevenueEventKind } from "@pulse/schema/prisma";
import type { Decimal } from "decimal.js";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { mrrChanged } from "../../events/domain-events.ts";
import { lockAccounts } from "../../events/outbox.ts";
import { externalId, instant, mrrDelta } from "../../ingest/fields.ts";

import type { Transaction } from "../../ingest/ingest.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { RevenueEventKindEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

/** Each account's MRR now (sum of the deltas of events before now), read inside the transaction. */
async function mrrNow(
  tx: Transaction,
  accountIds: readonly string[],
  now: Date,
): Promise<Map<string, Decimal>> {
  const events = await tx.revenueEvent.findMany({
    where: { accountId: { in: [...accountIds] } },
    select: { accountId: true, kind: true, mrrDelta: true, occurredAt: true },
  });
  return new Map(
    accountIds.map((accountId) => [
      accountId,
      mrrAt(
        events
          .filter((event) => event.accountId === accountId)
          .map((event) => ({ ...event, mrrDelta: event.mrrDelta.toString() })),
        now,
      ),
    ]),
  );
}

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
    async write({ tx, workspaceId, now, events }, items) {
      // MRR before and after, with the accounts locked so a concurrent write waits and then
      // compares with this one's result (each change reported once, in order).
      // (An updated event may move from another account: that one's MRR changes too.)
      const externalIds = items.flatMap((item) => (item.input.externalId ? [item.input.externalId] : []));
      const moved = externalIds.length
        ? await tx.revenueEvent.findMany({
            where: { workspaceId, externalId: { in: externalIds } },
            select: { accountId: true },
          })
        : [];
      const touched = [
        ...new Set([...items.map((item) => item.refs.account.id), ...moved.map((row) => row.accountId)]),
      ];
      await lockAccounts(tx, touched);
      const before = await mrrNow(tx, touched, now);
      const rows = await upsertByExternalId(tx.revenueEvent, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        kind: input.kind,
        mrrDelta: input.mrrDelta,
        occurredAt: input.occurredAt,
      }));
      const changed = [
        ...new Set(rows.filter((row) => row.outcome !== "UNCHANGED").flatMap((row) => row.accountIds)),
      ];
      if (changed.length === 0) return rows;
      const after = await mrrNow(tx, changed, now);
      for (const accountId of changed) {
        const from = before.get(accountId);
        const to = after.get(accountId);
        if (from && to) events.push(...mrrChanged({ workspaceId, accountId, before: from, after: to, now }));
      }
      return rows;
    },
  },
});
