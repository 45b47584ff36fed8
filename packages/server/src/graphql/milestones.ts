// Onboarding milestones a workspace defines: ordered, each with a target day after sign-up,
// and at most one flagged as "first value" (reaching it sets the account's firstValueAt).
import { prismaReader } from "@pulse/schema/database";
import { z } from "zod";
import { builder } from "../builder.ts";
import { lockWorkspace } from "../data/workspaces.ts";
import { nodeWhere } from "../ids.ts";
import { markAccountsChanged } from "../ingest/changes.ts";
import { configKey, count, text } from "../ingest/fields.ts";
import { applyFirstValue } from "../ingest/first-value.ts";
import type { Transaction } from "../ingest/ingest.ts";
import { Problems } from "../ingest/problems.ts";
import { NotFoundError, parseInput, plannedQuery, ValidationError } from "./errors.ts";

const MAX_MILESTONES = 200;

export const MilestoneRef = builder.prismaNode("Milestone", {
  id: { field: "id" },
  findUnique: (id, ctx) => nodeWhere(id, ctx),
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    position: t.exposeInt("position", { description: "Display order, lowest first." }),
    targetDays: t.exposeInt("targetDays", {
      description: "Days after sign-up by which it should be achieved.",
    }),
    isFirstValue: t.exposeBoolean("isFirstValue", {
      description: "Achieving it is the account's first value (at most one milestone has this flag).",
    }),
  }),
});

const MILESTONE_ORDER = [{ position: "asc" as const }, { key: "asc" as const }];

builder.prismaObjectField("Workspace", "milestones", (t) =>
  t.relation("milestones", {
    description: "The workspace's milestones, in order.",
    query: { orderBy: MILESTONE_ORDER },
  }),
);

const MilestoneInput = builder.inputType("MilestoneInput", {
  description:
    "A milestone, created or updated by key. name and targetDays are required to create one; an omitted field keeps its stored value.",
  fields: (t) => ({
    key: t.string({
      required: true,
      description: "Lowercase letters, digits, '-' and '_', e.g. first-report.",
    }),
    name: t.string({ required: false }),
    targetDays: t.int({ required: false, description: "Days after sign-up by which it should be achieved." }),
    position: t.int({
      required: false,
      description: "Display order; a new milestone goes last when omitted.",
    }),
    isFirstValue: t.boolean({
      required: false,
      description: "true makes this the first-value milestone and clears the flag on any other.",
    }),
  }),
});

const milestoneSchema = z.object({
  key: configKey,
  name: text(200).optional(),
  targetDays: count(3650).optional(),
  position: count(10_000).optional(),
  isFirstValue: z.boolean().optional(),
});

builder.mutationField("upsertMilestone", (t) =>
  t.prismaField({
    type: "Milestone",
    description:
      "Creates or updates a milestone by its key. Flagging it as first value sets firstValueAt of the accounts that already achieved it, where unset or later.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: MilestoneInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(milestoneSchema, args.input);
      const workspaceId = ctx.workspaceId;
      const { milestone, changedAccountIds } = await ctx.prisma.$transaction(async (tx) => {
        // Flag changes take the workspace row's lock, so two at once cannot leave two flags.
        if (input.isFirstValue) {
          await lockWorkspace(prismaReader(tx), workspaceId);
        }
        const stored = await tx.milestone.findUnique({
          where: { workspaceId_key: { workspaceId, key: input.key } },
        });
        const milestone = stored
          ? await tx.milestone.update({
              where: { id: stored.id },
              data: {
                name: input.name,
                targetDays: input.targetDays,
                position: input.position,
                isFirstValue: input.isFirstValue,
              },
            })
          : await tx.milestone.create({ data: await newMilestone(tx, workspaceId, input) });
        if (!input.isFirstValue || stored?.isFirstValue) return { milestone, changedAccountIds: [] };
        await tx.milestone.updateMany({
          where: { workspaceId, isFirstValue: true, id: { not: milestone.id } },
          data: { isFirstValue: false },
        });
        return {
          milestone,
          changedAccountIds: await applyFirstValue(tx, workspaceId, { milestoneId: milestone.id }),
        };
      });
      markAccountsChanged(ctx, changedAccountIds);
      // Read back with the caller's selection: the writes above need the whole row (its id).
      return ctx.prisma.milestone.findUniqueOrThrow({ ...plannedQuery(query), where: { id: milestone.id } });
    },
  }),
);

/** The row of a new milestone, or the problems that keep it from being created. */
async function newMilestone(tx: Transaction, workspaceId: string, input: z.infer<typeof milestoneSchema>) {
  const { name, targetDays } = input;
  const problems = new Problems();
  if (name === undefined) problems.add("name", "is required to create a milestone");
  if (targetDays === undefined) problems.add("targetDays", "is required to create a milestone");
  const defined = await tx.milestone.aggregate({
    where: { workspaceId },
    _max: { position: true },
    _count: true,
  });
  if (defined._count >= MAX_MILESTONES) {
    problems.add(
      "key",
      `would be milestone ${defined._count + 1}; a workspace has at most ${MAX_MILESTONES}`,
    );
  }
  if (name === undefined || targetDays === undefined) return problems.fail();
  problems.throwIfAny();
  return {
    workspaceId,
    key: input.key,
    name,
    targetDays,
    position: input.position ?? (defined._max.position ?? -1) + 1,
    isFirstValue: input.isFirstValue,
  };
}

const DeletedMilestoneRef = builder.objectRef<{ id: string; key: string }>("DeletedMilestone").implement({
  fields: (t) => ({
    id: t.globalID({
      description: "Global id the milestone had.",
      resolve: (milestone) => ({ type: MilestoneRef, id: milestone.id }),
    }),
    key: t.exposeString("key"),
  }),
});

builder.mutationField("deleteMilestone", (t) =>
  t.field({
    type: DeletedMilestoneRef,
    description:
      "Deletes a milestone and its achievements. firstValueAt values already set stay: first value, once reached, is history.",
    errors: { types: [NotFoundError] },
    args: { key: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const workspaceId = ctx.workspaceId;
      const { deleted, achievedBy } = await ctx.prisma.$transaction(async (tx) => {
        const milestone = await tx.milestone.findUnique({
          where: { workspaceId_key: { workspaceId, key: args.key } },
        });
        if (!milestone) throw new NotFoundError(`No milestone with key "${args.key}" in this workspace.`);
        const achievements = await tx.milestoneAchievement.findMany({
          where: { milestoneId: milestone.id },
          select: { accountId: true },
        });
        await tx.milestone.delete({ where: { id: milestone.id } });
        return { deleted: milestone, achievedBy: achievements.map((achievement) => achievement.accountId) };
      });
      markAccountsChanged(ctx, achievedBy);
      return { id: deleted.id, key: deleted.key };
    },
  }),
);

const ReorderMilestonesInput = builder.inputType("ReorderMilestonesInput", {
  fields: (t) => ({
    keys: t.stringList({
      required: true,
      description: "Every milestone key of the workspace, in the new order.",
    }),
  }),
});

builder.mutationField("reorderMilestones", (t) =>
  t.prismaField({
    type: ["Milestone"],
    description: "Puts the milestones in the given order: positions 0, 1, 2, …",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: ReorderMilestonesInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { keys } = args.input;
      const workspaceId = ctx.workspaceId;
      return ctx.prisma.$transaction(async (tx) => {
        const stored = await tx.milestone.findMany({
          where: { workspaceId },
          select: { id: true, key: true },
        });
        const idOfKey = new Map(stored.map((milestone) => [milestone.key, milestone.id]));
        const problems = new Problems();
        const order: { id: string; index: number }[] = [];
        const indexOfKey = new Map<string, number>();
        keys.forEach((key, index) => {
          const id = idOfKey.get(key);
          const first = indexOfKey.get(key);
          if (id === undefined)
            problems.add(`keys.${index}`, `names no milestone of this workspace: "${key}"`);
          else if (first !== undefined) problems.add(`keys.${index}`, `repeats keys.${first}`);
          else {
            indexOfKey.set(key, index);
            order.push({ id, index: order.length });
          }
        });
        const missing = stored
          .filter((milestone) => !indexOfKey.has(milestone.key))
          .map((milestone) => milestone.key);
        if (missing.length > 0)
          problems.add("keys", `must list every milestone; missing: ${missing.join(", ")}`);
        problems.throwIfAny();
        for (const { id, index } of order)
          await tx.milestone.update({ where: { id }, data: { position: index } });
        return tx.milestone.findMany({
          ...plannedQuery(query),
          where: { workspaceId },
          orderBy: MILESTONE_ORDER,
        });
      });
    },
  }),
);
