// Targets per metric of the registry (optionally per segment): a baseline, a target value and a
// due date; each reports its current value, progress and status (pure formulas in
// @pulse/schema/metrics/targets.ts). The list is one statement; the current values reuse the
// request's shared portfolio inputs.
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { evaluateTarget, type TargetDefinition, targetLineValue, trailingDays } from "@pulse/schema/metrics";
import type { MetricTarget } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { isUuid } from "../ids.ts";
import { count, instant, text } from "../ingest/fields.ts";
import { NotFoundError, parseInput, ValidationError } from "./errors.ts";
import { PortfolioMetricEnum } from "./metric-enum.ts";
import { metricNumber, PORTFOLIO_METRICS, type PortfolioMetricName } from "./metric-registry.ts";

const MAX_TARGETS = 500;
const DEFAULT_WINDOW_DAYS = 365;

const definition = (row: MetricTarget): TargetDefinition => ({
  baseline: row.baseline,
  target: row.target,
  createdAt: row.createdAt,
  dueAt: row.dueAt,
});

/** The workspace's targets, oldest first (one statement per request). */
function workspaceTargets(ctx: Context): Promise<MetricTarget[]> {
  return ctx.facts.memo("metric-targets", () =>
    ctx.prisma.metricTarget.findMany({
      where: { workspaceId: ctx.workspaceId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  );
}

/** The current value of a target: its metric over the trailing windowDays, for its segment. */
function currentValue(ctx: Context, row: MetricTarget): Promise<number | null> {
  return metricNumber(row.metric as PortfolioMetricName, ctx, {
    period: trailingDays(ctx.now, row.windowDays),
    segment: row.segment,
  });
}

/** The line of the latest target set for this metric and segment, at `at`; null without one. */
export async function targetLineAt(
  ctx: Context,
  metric: PortfolioMetricName,
  segment: string | null,
  at: Date,
): Promise<number | null> {
  const targets = await workspaceTargets(ctx);
  const latest = targets.filter((row) => row.metric === metric && row.segment === segment).at(-1);
  return latest ? targetLineValue(definition(latest), at) : null;
}

const TargetStatusEnum = builder.enumType("TargetStatus", {
  values: {
    ON_TRACK: {
      description: "Before the due date, progress is at or ahead of a linear pace from the baseline.",
    },
    BEHIND: {
      description: "Before the due date, progress is behind that pace (or the metric has no value).",
    },
    ACHIEVED: { description: "The due date has passed and the target is reached." },
    MISSED: { description: "The due date has passed and the target is not reached." },
  },
});

export const MetricTargetRef = builder.objectRef<MetricTarget>("MetricTarget").implement({
  description: "A target for one metric of the registry, optionally for one segment.",
  fields: (t) => ({
    id: t.id({ resolve: (row) => encodeGlobalID("MetricTarget", row.id) }),
    metric: t.field({
      type: PortfolioMetricEnum,
      resolve: (row) => row.metric as PortfolioMetricName,
    }),
    segment: t.exposeString("segment", { nullable: true }),
    baseline: t.exposeFloat("baseline", { description: "The value the line starts from at createdAt." }),
    target: t.exposeFloat("target", { description: "The value to reach by dueAt." }),
    windowDays: t.exposeInt("windowDays", {
      description: "The current value is the metric over the trailing windowDays.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    currentValue: t.float({ nullable: true, resolve: (row, _a, ctx) => currentValue(ctx, row) }),
    progress: t.float({
      nullable: true,
      description:
        "(current − baseline) / (target − baseline): 0 at the baseline, 1 at the target (unclamped)",
      resolve: async (row, _a, ctx) =>
        evaluateTarget(definition(row), await currentValue(ctx, row), ctx.now).progress,
    }),
    expectedProgress: t.float({
      description: "The progress a linear pace from createdAt to dueAt has reached now (0–1)",
      resolve: (row, _a, ctx) => evaluateTarget(definition(row), null, ctx.now).expectedProgress,
    }),
    status: t.field({
      type: TargetStatusEnum,
      resolve: async (row, _a, ctx) =>
        evaluateTarget(definition(row), await currentValue(ctx, row), ctx.now).status,
    }),
  }),
});

builder.queryField("metricTargets", (t) =>
  t.field({
    type: [MetricTargetRef],
    description: "The workspace's metric targets, oldest first, optionally for one metric or segment.",
    args: {
      metric: t.arg({ type: PortfolioMetricEnum }),
      segment: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const metric = args.metric as PortfolioMetricName | null | undefined;
      return (await workspaceTargets(ctx)).filter(
        (row) =>
          (metric == null || row.metric === metric) && (args.segment == null || row.segment === args.segment),
      );
    },
  }),
);

const MetricTargetInput = builder.inputType("MetricTargetInput", {
  description: "A target: created, or updated when `id` is given (its line keeps starting at its creation).",
  fields: (t) => ({
    id: t.id({ required: false, description: "The target to update; omitted creates one." }),
    metric: t.field({ type: PortfolioMetricEnum, required: true }),
    segment: t.string({ required: false, description: "One segment; omitted or null: the whole portfolio." }),
    baseline: t.float({ required: true }),
    target: t.float({ required: true, description: "Must differ from the baseline (higher or lower)." }),
    dueAt: t.field({
      type: "DateTime",
      required: true,
      description: "After now (and after the target's creation).",
    }),
    windowDays: t.int({
      required: false,
      description: `The current value is the metric over the trailing windowDays (1–3660, default ${DEFAULT_WINDOW_DAYS}).`,
    }),
  }),
});

const targetSchema = z
  .object({
    id: z.string().optional(),
    metric: z.enum(PORTFOLIO_METRICS),
    segment: text(100).nullish(),
    baseline: z.number().finite("must be a finite number"),
    target: z.number().finite("must be a finite number"),
    dueAt: instant,
    windowDays: count(3660).min(1, "must be at least 1").optional(),
  })
  .superRefine((input, issues) => {
    if (input.target === input.baseline) {
      issues.addIssue({ code: "custom", path: ["target"], message: "must differ from baseline" });
    }
  });

function rowId(id: string): string | null {
  try {
    const decoded = decodeGlobalID(id);
    return decoded.typename === "MetricTarget" && isUuid(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

builder.mutationField("setMetricTarget", (t) =>
  t.field({
    type: MetricTargetRef,
    description: "Creates a metric target, or updates the one with the given id.",
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: MetricTargetInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const raw = args.input as Record<string, unknown>;
      const input = parseInput(
        targetSchema,
        Object.fromEntries(Object.entries(raw).filter(([key, value]) => value !== null || key === "segment")),
      );
      const workspaceId = ctx.workspaceId;
      return ctx.prisma.$transaction(async (tx) => {
        let createdAt = ctx.now;
        let existingId: string | null = null;
        if (input.id !== undefined) {
          existingId = rowId(input.id);
          const stored =
            existingId === null
              ? null
              : await tx.metricTarget.findFirst({ where: { id: existingId, workspaceId } });
          if (!stored) throw new NotFoundError(`No metric target with id "${input.id}" in this workspace.`);
          createdAt = stored.createdAt;
        } else if ((await tx.metricTarget.count({ where: { workspaceId } })) >= MAX_TARGETS) {
          throw new ValidationError(`A workspace has at most ${MAX_TARGETS} metric targets.`, [
            { path: "metric", message: `at most ${MAX_TARGETS} targets` },
          ]);
        }
        if (input.dueAt.getTime() <= Math.max(createdAt.getTime(), ctx.now.getTime())) {
          throw new ValidationError("Invalid input: dueAt must be in the future.", [
            { path: "dueAt", message: "must be in the future (and after the target's creation)" },
          ]);
        }
        const data = {
          metric: input.metric,
          segment: input.segment ?? null,
          baseline: input.baseline,
          target: input.target,
          dueAt: input.dueAt,
          windowDays: input.windowDays ?? DEFAULT_WINDOW_DAYS,
        };
        return existingId === null
          ? tx.metricTarget.create({ data: { ...data, workspaceId, createdAt } })
          : tx.metricTarget.update({ where: { id: existingId }, data });
      });
    },
  }),
);

const DeletedMetricTargetRef = builder.objectRef<{ id: string }>("DeletedMetricTarget").implement({
  fields: (t) => ({ id: t.id({ resolve: (row) => encodeGlobalID("MetricTarget", row.id) }) }),
});

builder.mutationField("deleteMetricTarget", (t) =>
  t.field({
    type: DeletedMetricTargetRef,
    description: "Deletes a metric target.",
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = rowId(String(args.id));
      const deleted =
        id === null
          ? { count: 0 }
          : await ctx.prisma.metricTarget.deleteMany({ where: { id, workspaceId: ctx.workspaceId } });
      if (deleted.count === 0)
        throw new NotFoundError(`No metric target with id "${String(args.id)}" in this workspace.`);
      return { id: id as string };
    },
  }),
);
