import { prismaReader } from "@pulse/schema/database";
import { isTimeZone } from "@pulse/schema/metrics";
import { z } from "zod";
import { builder } from "../builder.ts";
import { databaseKnowsTimeZone } from "../data/workspaces.ts";
import { storedDecimal } from "../ingest/fields.ts";
import { lockWorkspaceForZoneChange, rebuildUsageDaily } from "../ingest/usage-rollup.ts";
import { parseInput, plannedQuery, ValidationError, withoutNulls } from "./errors.ts";

export const WorkspaceRef = builder.prismaNode("Workspace", {
  id: { field: "id" },
  // A workspace is visible only to its own keys.
  findUnique: (id, ctx) => ({ id: id === ctx.workspaceId ? id : "00000000-0000-0000-0000-000000000000" }),
  fields: (t) => ({
    workspaceId: t.exposeString("id", {
      description: "The raw workspace id: the `workspaceId` claim of widget tokens",
    }),
    signingSecret: t.exposeString("signingSecret", {
      description: "HMAC secret your backend signs widget tokens with (HS256 JWT). Keep it server-side.",
    }),
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    currency: t.exposeString("currency"),
    grossMargin: t.expose("grossMargin", { type: "Decimal" }),
    lifetimeCapMonths: t.exposeInt("lifetimeCapMonths"),
    keyFeatures: t.exposeStringList("keyFeatures"),
    timeZone: t.exposeString("timeZone", {
      description:
        "IANA time zone (default UTC): period dates are midnight here, series buckets follow its weeks, months and quarters, and usage windows count its calendar days",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("workspace", (t) =>
  t.prismaField({
    type: "Workspace",
    description: "The workspace the API key belongs to.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.workspace.findUniqueOrThrow({ ...query, where: { id: ctx.workspaceId } }),
  }),
);

const UpdateWorkspaceInput = builder.inputType("UpdateWorkspaceInput", {
  fields: (t) => ({
    name: t.string({ required: false }),
    currency: t.string({ required: false, description: "ISO 4217 code, e.g. USD" }),
    grossMargin: t.field({ type: "Decimal", required: false, description: "Between 0 and 1" }),
    lifetimeCapMonths: t.int({ required: false }),
    keyFeatures: t.stringList({ required: false, description: "Feature keys that count for adoption" }),
    timeZone: t.string({
      required: false,
      description:
        'IANA time zone name, e.g. "Europe/Berlin" or "UTC". Changing it rebuilds the workspace\'s daily usage rollup in the same transaction (its cost grows with the workspace\'s usage events).',
    }),
  }),
});

const updateWorkspaceSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be a 3-letter ISO 4217 code")
    .optional(),
  grossMargin: storedDecimal("Workspace", "grossMargin")
    .refine((value) => value.gt(0) && value.lte(1), "must be greater than 0 and at most 1")
    .optional(),
  lifetimeCapMonths: z.number().int().min(1).max(600).optional(),
  keyFeatures: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
  timeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone name, e.g. "Europe/Berlin" or "UTC"')
    .optional(),
});

/** A rebuild of a large workspace's usage rollup takes longer than Prisma's default 5 s. */
const ZONE_CHANGE_TIMEOUT_MS = 10 * 60_000;

builder.mutationField("updateWorkspace", (t) =>
  t.prismaField({
    type: "Workspace",
    description:
      "Changes the workspace settings (name, currency, gross margin, lifetime cap, key features, time zone).",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: UpdateWorkspaceInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(updateWorkspaceSchema, withoutNulls(args.input));
      const data = {
        ...input,
        grossMargin: input.grossMargin?.toString(),
        keyFeatures: input.keyFeatures ? [...new Set(input.keyFeatures)] : undefined,
      };
      if (input.timeZone === undefined) {
        return ctx.prisma.workspace.update({ ...plannedQuery(query), where: { id: ctx.workspaceId }, data });
      }
      const timeZone = input.timeZone;
      return ctx.prisma.$transaction(
        async (tx) => {
          // The database computes the rollup's days: it must know the name as well.
          if (!(await databaseKnowsTimeZone(prismaReader(tx), timeZone))) {
            throw new ValidationError(`Invalid input: timeZone "${timeZone}" is not known to the database`, [
              { path: "timeZone", message: "is not a time zone the database knows" },
            ]);
          }
          // Then the lock, so no usage ingestion is half done under the old zone (see ingest/usage-rollup.ts).
          await lockWorkspaceForZoneChange(tx, ctx.workspaceId);
          const { timeZone: before } = await tx.workspace.findUniqueOrThrow({
            where: { id: ctx.workspaceId },
            select: { timeZone: true },
          });
          const workspace = await tx.workspace.update({
            ...plannedQuery(query),
            where: { id: ctx.workspaceId },
            data,
          });
          if (before !== timeZone) await rebuildUsageDaily(tx, ctx.workspaceId);
          return workspace;
        },
        { timeout: ZONE_CHANGE_TIMEOUT_MS },
      );
    },
  }),
);
