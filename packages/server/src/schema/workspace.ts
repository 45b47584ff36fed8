import { z } from "zod";
import { builder } from "../builder.ts";
import { storedDecimal } from "../ingest/fields.ts";
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
});

builder.mutationField("updateWorkspace", (t) =>
  t.prismaField({
    type: "Workspace",
    description: "Changes the workspace settings (name, currency, gross margin, lifetime cap, key features).",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: UpdateWorkspaceInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(updateWorkspaceSchema, withoutNulls(args.input));
      return ctx.prisma.workspace.update({
        ...plannedQuery(query),
        where: { id: ctx.workspaceId },
        data: {
          ...input,
          grossMargin: input.grossMargin?.toString(),
          keyFeatures: input.keyFeatures ? [...new Set(input.keyFeatures)] : undefined,
        },
      });
    },
  }),
);
