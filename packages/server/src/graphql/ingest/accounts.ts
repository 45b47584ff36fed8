// Ingestion of accounts, upserted on the client's externalId.
import { LifecycleChangeSource, LifecycleStage } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { churnChanged } from "../../events/domain-events.ts";
import { count, externalId, instant, text } from "../../ingest/fields.ts";
import { findByKeys, upsertRows } from "../../ingest/upsert.ts";
import { LifecycleStageEnum } from "../account.ts";
import { addIngestionMutations } from "./ingestion.ts";

const AccountInput = builder.inputType("AccountInput", {
  description:
    "An account as your system knows it. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({ required: true, description: "Your id of the account: the key of the upsert." }),
    name: t.string({ required: true }),
    signedUpAt: t.field({ type: "DateTime", required: true }),
    segment: t.string({ required: false }),
    plan: t.string({ required: false }),
    seats: t.int({ required: false, description: "Licensed seats (0 when new)." }),
    csmOwner: t.string({
      required: false,
      description: "Who owns the account on the customer-success team.",
    }),
    lifecycleStage: t.field({
      type: LifecycleStageEnum,
      required: false,
      description:
        "ONBOARDING when new. Setting churnedAt makes it CHURNED; clearing churnedAt (null) takes a CHURNED account back to ACTIVE (ONBOARDING before first value).",
    }),
    churnedAt: t.field({ type: "DateTime", required: false }),
    lifecycleStageChangedAt: t.field({
      type: "DateTime",
      required: false,
      description:
        "When the stage this upsert sets was entered, for the lifecycle history (default: churnedAt for CHURNED, signedUpAt for a new account, else now). Recorded only when the stage changes.",
    }),
  }),
});

const accountSchema = z
  .object({
    externalId,
    name: text(200),
    signedUpAt: instant,
    segment: text(100).nullish(),
    plan: text(100).nullish(),
    seats: count(1_000_000).optional(),
    csmOwner: text(200).nullish(),
    lifecycleStage: z.enum(LifecycleStage).optional(),
    churnedAt: instant.nullish(),
    lifecycleStageChangedAt: instant.optional(),
  })
  .superRefine((account, issues) => {
    if (account.lifecycleStageChangedAt && account.lifecycleStageChangedAt < account.signedUpAt) {
      issues.addIssue({
        code: "custom",
        path: ["lifecycleStageChangedAt"],
        message: "must not be before signedUpAt",
      });
    }
    if (account.churnedAt && account.churnedAt < account.signedUpAt) {
      issues.addIssue({ code: "custom", path: ["churnedAt"], message: "must not be before signedUpAt" });
    }
    if (account.churnedAt && account.lifecycleStage && account.lifecycleStage !== "CHURNED") {
      issues.addIssue({
        code: "custom",
        path: ["lifecycleStage"],
        message: `must be CHURNED (or omitted) when churnedAt is set; got ${account.lifecycleStage}`,
      });
    }
  });

type AccountItem = z.infer<typeof accountSchema>;

/**
 * The stage an upsert stores (undefined keeps the stored one): a churned account is CHURNED;
 * clearing churnedAt (a reactivation) takes a CHURNED account back to ACTIVE when it had reached
 * first value, else to ONBOARDING. A stage given explicitly wins when it does not contradict.
 */
function lifecycleStageOf(
  input: AccountItem,
  stored: { lifecycleStage: LifecycleStage; firstValueAt: Date | null } | undefined,
): LifecycleStage | undefined {
  if (input.lifecycleStage) return input.lifecycleStage;
  if (input.churnedAt) return LifecycleStage.CHURNED;
  if (input.churnedAt === null && stored?.lifecycleStage === LifecycleStage.CHURNED) {
    return stored.firstValueAt ? LifecycleStage.ACTIVE : LifecycleStage.ONBOARDING;
  }
  return undefined;
}

/**
 * The history row of an upsert that changed (or, for a new account, set) the stage: where the
 * stage came from and when it was entered. None when the stage stays as stored.
 */
function stageChange(
  input: AccountItem,
  before: { lifecycleStage: LifecycleStage } | undefined,
  stage: LifecycleStage | undefined,
  now: Date,
): {
  fromStage: LifecycleStage | null;
  toStage: LifecycleStage;
  changedAt: Date;
  source: LifecycleChangeSource;
} | null {
  const toStage = stage ?? (before ? before.lifecycleStage : LifecycleStage.ONBOARDING);
  if (before && before.lifecycleStage === toStage) return null;
  const source = input.lifecycleStage
    ? LifecycleChangeSource.INGESTED
    : input.churnedAt
      ? LifecycleChangeSource.CHURN
      : input.churnedAt === null && before
        ? LifecycleChangeSource.REACTIVATION
        : LifecycleChangeSource.INGESTED;
  const changedAt =
    input.lifecycleStageChangedAt ??
    (toStage === LifecycleStage.CHURNED && input.churnedAt
      ? input.churnedAt
      : before
        ? now
        : input.signedUpAt);
  return { fromStage: before?.lifecycleStage ?? null, toStage, changedAt, source };
}

addIngestionMutations({
  single: "upsertAccount",
  batch: "upsertAccounts",
  item: AccountInput,
  batchInput: "UpsertAccountsInput",
  description:
    "Creates or updates an account by its externalId; sending the same account again changes nothing.",
  spec: {
    typename: "Account",
    schema: accountSchema,
    batchKey: (account) => ({ field: "externalId", value: account.externalId }),
    async write({ tx, workspaceId, now, problems, events }, items) {
      const stored = await findByKeys(
        items.map((item) => item.input.externalId),
        (keys) => tx.account.findMany({ where: { workspaceId, externalId: { in: keys } } }),
        (account) => account.externalId,
      );
      for (const item of items) {
        // Time to first value is measured from sign-up, so it may not start after first value.
        const firstValueAt = stored.get(item.input.externalId)?.firstValueAt;
        if (firstValueAt && item.input.signedUpAt > firstValueAt) {
          problems.add(
            item.at("signedUpAt"),
            `must not be after the account reached first value (${firstValueAt.toISOString()})`,
          );
        }
      }
      problems.throwIfAny();
      const rows = await upsertRows(tx.account, items, {
        existing: ({ input }) => stored.get(input.externalId),
        data: ({ input }) => ({
          workspaceId,
          externalId: input.externalId,
          name: input.name,
          signedUpAt: input.signedUpAt,
          segment: input.segment,
          plan: input.plan,
          seats: input.seats,
          csmOwner: input.csmOwner,
          lifecycleStage: lifecycleStageOf(input, stored.get(input.externalId)),
          churnedAt: input.churnedAt,
        }),
        accountOf: (account) => account.id,
      });
      // Every stage an upsert sets or changes is recorded, with its time and source (one statement).
      const changes = rows.flatMap((row, index) => {
        const item = items[index];
        if (!item || row.outcome === "UNCHANGED") return [];
        const before = stored.get(item.input.externalId);
        const change = stageChange(item.input, before, lifecycleStageOf(item.input, before), now);
        return change ? [{ ...change, workspaceId, accountId: row.id }] : [];
      });
      if (changes.length > 0) await tx.lifecycleStageChange.createMany({ data: changes });
      // A stored account whose churnedAt was set or cleared churned or came back; an account
      // created as churned (an import of history) is no change.
      for (const [index, row] of rows.entries()) {
        const item = items[index];
        const before = item && stored.get(item.input.externalId);
        if (row.outcome !== "UPDATED" || !item || !before || item.input.churnedAt === undefined) continue;
        events.push(
          ...churnChanged({
            workspaceId,
            accountId: row.id,
            before: before.churnedAt,
            after: item.input.churnedAt,
            now,
          }),
        );
      }
      return rows;
    },
  },
});
