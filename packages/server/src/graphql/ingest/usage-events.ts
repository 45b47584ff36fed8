// Ingestion of product usage events (logins, sessions, feature use). They are append-only: an
// event whose externalId is stored already is skipped, one without an externalId is always
// added. The UsageDaily rollup gets exactly the events inserted, in the same transaction.
import { randomUUID } from "node:crypto";
import { UsageEventKind } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { durationSeconds, externalId, instant, text } from "../../ingest/fields.ts";
import type { IngestedRow } from "../../ingest/ingest.ts";
import { findByKeys } from "../../ingest/upsert.ts";
import { addToUsageDaily } from "../../ingest/usage-rollup.ts";
import { UsageEventKindEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const UsageEventInput = builder.inputType("UsageEventInput", {
  description: "Something a user did in your product.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the event. With it the event is stored once however often it is sent.",
    }),
    accountExternalId: t.string({ required: true }),
    contactExternalId: t.string({
      required: false,
      description: "Who did it; events without a contact count as events but not as active users.",
    }),
    kind: t.field({ type: UsageEventKindEnum, required: true }),
    featureKey: t.string({ required: false, description: "Required for FEATURE events, and only for them." }),
    durationSeconds: t.int({
      required: false,
      description: "Required for SESSION events, and only for them.",
    }),
    occurredAt: t.field({ type: "DateTime", required: true }),
  }),
});

const usageEventSchema = z
  .object({
    externalId: externalId.optional(),
    accountExternalId: externalId,
    contactExternalId: externalId.optional(),
    kind: z.enum(UsageEventKind),
    featureKey: text(100).nullish(),
    durationSeconds: durationSeconds.nullish(),
    occurredAt: instant,
  })
  .superRefine((event, issues) => {
    // Feature adoption counts FEATURE events by key and session length averages SESSION
    // durations: an event missing its field would be stored but counted nowhere.
    const needs = { featureKey: "FEATURE", durationSeconds: "SESSION" } as const;
    for (const [field, kind] of Object.entries(needs) as [keyof typeof needs, UsageEventKind][]) {
      const present = event[field] != null;
      if (event.kind === kind && !present) {
        issues.addIssue({ code: "custom", path: [field], message: `is required for ${kind} events` });
      } else if (event.kind !== kind && present) {
        issues.addIssue({ code: "custom", path: [field], message: `is only for ${kind} events` });
      }
    }
  });

addIngestionMutations({
  single: "recordUsageEvent",
  batch: "recordUsageEvents",
  item: UsageEventInput,
  batchInput: "RecordUsageEventsInput",
  description:
    "Records a usage event. An event whose externalId is already stored is not written again (outcome UNCHANGED), even if its fields differ: usage is append-only.",
  spec: {
    typename: "UsageEvent",
    schema: usageEventSchema,
    batchKey: (event) => (event.externalId ? { field: "externalId", value: event.externalId } : undefined),
    async write({ tx, workspaceId }, items) {
      const events = items.map(({ input, refs }) => ({
        id: randomUUID(),
        workspaceId,
        accountId: refs.account.id,
        contactId: refs.contact?.id ?? null,
        externalId: input.externalId ?? null,
        kind: input.kind,
        featureKey: input.featureKey ?? null,
        durationSeconds: input.durationSeconds ?? null,
        occurredAt: input.occurredAt,
      }));
      // Skipping conflicts (rather than looking first) also holds when a concurrent request
      // stores the same externalId between our look and our insert.
      const inserted = new Set(
        (
          await tx.usageEvent.createManyAndReturn({
            data: events,
            skipDuplicates: true,
            select: { id: true },
          })
        ).map((event) => event.id),
      );
      const skipped = events.filter((event) => !inserted.has(event.id));
      const stored = await findByKeys(
        skipped.map((event) => event.externalId),
        (externalIds) =>
          tx.usageEvent.findMany({
            where: { workspaceId, externalId: { in: externalIds } },
            select: { id: true, externalId: true, accountId: true },
          }),
        (event) => event.externalId,
      );
      await addToUsageDaily(tx, [...inserted]);
      return events.map((event): IngestedRow => {
        if (inserted.has(event.id))
          return { id: event.id, outcome: "CREATED", accountIds: [event.accountId] };
        const existing = event.externalId === null ? undefined : stored.get(event.externalId);
        // Only an externalId conflict can skip an event whose id we just made.
        if (!existing)
          throw new Error(`Usage event ${event.externalId ?? event.id} was neither inserted nor found.`);
        return { id: existing.id, outcome: "UNCHANGED", accountIds: [existing.accountId] };
      });
    },
  },
});
