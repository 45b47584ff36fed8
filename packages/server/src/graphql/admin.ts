// Workspace administration for partner portals that provision one workspace per customer:
// create a workspace (its keys and signing secret are returned once), list them, disable one
// (its keys and widget tokens stop working). Only admin keys (`ak_…`, made by the CLI) reach
// these fields, and admin keys reach nothing else (plugins/use-key-scope.ts).
import { type ResolveCursorConnectionArgs, resolveCursorConnection } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../builder.ts";
import { isUuid } from "../ids.ts";
import { createWorkspace } from "../workspaces.ts";
import { NotFoundError, parseInput, ValidationError, withoutNulls } from "./errors.ts";
import { assertPageSize, MAX_PAGE_SIZE } from "./pagination.ts";

interface ManagedWorkspace {
  id: string;
  slug: string;
  name: string;
  currency: string;
  createdAt: Date;
  disabledAt: Date | null;
}

const MANAGED_SELECT = {
  id: true,
  slug: true,
  name: true,
  currency: true,
  createdAt: true,
  disabledAt: true,
} as const;

const ManagedWorkspaceRef = builder.objectRef<ManagedWorkspace>("ManagedWorkspace").implement({
  description: "A workspace as an admin key sees it: its identity and state, none of its data.",
  fields: (t) => ({
    workspaceId: t.exposeString("id", {
      description: "The raw workspace id (the `wid` claim of its widget tokens)",
    }),
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    currency: t.exposeString("currency"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    disabledAt: t.expose("disabledAt", { type: "DateTime", nullable: true }),
  }),
});

const ProvisionedWorkspaceRef = builder
  .objectRef<{
    workspace: ManagedWorkspace;
    secretKey: string;
    publishableKey: string;
    signingSecret: string;
  }>("ProvisionedWorkspace")
  .implement({
    fields: (t) => ({
      workspace: t.field({ type: ManagedWorkspaceRef, resolve: (parent) => parent.workspace }),
      secretKey: t.exposeString("secretKey", {
        description: "The workspace's first secret key. Shown only once.",
      }),
      publishableKey: t.exposeString("publishableKey", {
        description: "Its first publishable key (for widgets).",
      }),
      signingSecret: t.exposeString("signingSecret", {
        description: "The secret its backend signs widget tokens with.",
      }),
    }),
  });

const CreateWorkspaceInput = builder.inputType("CreateWorkspaceInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    slug: t.string({
      required: true,
      description: "Unique; lowercase letters, digits and dashes, 2–63 characters",
    }),
    currency: t.string({ required: false, description: "ISO 4217 code, default USD" }),
  }),
});

const createWorkspaceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9][a-z0-9-]{1,62}$/,
      "must be 2–63 lowercase letters, digits or dashes, starting with a letter or digit",
    ),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be a 3-letter ISO 4217 code")
    .optional(),
});

function slugTaken(slug: string): ValidationError {
  return new ValidationError(`A workspace with the slug "${slug}" exists already.`, [
    { path: "slug", message: "is taken" },
  ]);
}

builder.mutationField("createWorkspace", (t) =>
  t.field({
    type: ProvisionedWorkspaceRef,
    description:
      "Creates a workspace with a secret key, a publishable key and a signing secret, returned only here. Admin keys only.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateWorkspaceInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(createWorkspaceSchema, withoutNulls(args.input));
      if (await ctx.prisma.workspace.findUnique({ where: { slug: input.slug }, select: { id: true } }))
        throw slugTaken(input.slug);
      let created: Awaited<ReturnType<typeof createWorkspace>>;
      try {
        created = await createWorkspace(ctx.prisma, input);
      } catch (error) {
        // Two concurrent creations of one slug: the unique index decides.
        if (error instanceof Error && "code" in error && error.code === "P2002") throw slugTaken(input.slug);
        throw error;
      }
      const workspace = await ctx.prisma.workspace.findUniqueOrThrow({
        where: { id: created.workspaceId },
        select: MANAGED_SELECT,
      });
      return {
        workspace,
        secretKey: created.secretKey,
        publishableKey: created.publishableKey,
        signingSecret: created.signingSecret,
      };
    },
  }),
);

builder.queryField("workspaces", (t) =>
  t.connection({
    type: ManagedWorkspaceRef,
    description: "Every workspace, by slug. Admin keys only.",
    args: { includeDisabled: t.arg.boolean({ defaultValue: true }) },
    resolve: (_root, args, ctx) => {
      assertPageSize(args);
      return resolveCursorConnection(
        { args, toCursor: (workspace: ManagedWorkspace) => workspace.slug, maxSize: MAX_PAGE_SIZE },
        ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) =>
          ctx.prisma.workspace.findMany({
            select: MANAGED_SELECT,
            where: {
              ...(args.includeDisabled === false ? { disabledAt: null } : {}),
              slug: { ...(after ? { gt: after } : {}), ...(before ? { lt: before } : {}) },
            },
            orderBy: { slug: inverted ? "desc" : "asc" },
            take: limit,
          }),
      );
    },
  }),
);

builder.mutationField("disableWorkspace", (t) =>
  t.field({
    type: ManagedWorkspaceRef,
    description:
      "Disables a workspace: its keys stop working at once on this server (on others within 10 s), its badge images within a minute (their cache); its data is kept. Admin keys only.",
    errors: { types: [NotFoundError] },
    args: { workspaceId: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = args.workspaceId;
      const existing = isUuid(id)
        ? await ctx.prisma.workspace.findUnique({ where: { id }, select: { disabledAt: true } })
        : null;
      if (!existing) throw new NotFoundError(`No workspace with the id "${id}".`);
      const workspace = await ctx.prisma.workspace.update({
        where: { id },
        data: { disabledAt: existing.disabledAt ?? ctx.now },
        select: MANAGED_SELECT,
      });
      ctx.keys?.evictWorkspace(id);
      ctx.lookups.evictWorkspace(id);
      return workspace;
    },
  }),
);
