// API keys through the API: list (prefixes only), create (the key is shown once), revoke; and
// the widget-token signing secret's rotation. Secret keys with the "write" scope only.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { issueApiKey } from "../auth/api-keys.ts";
import { builder } from "../builder.ts";
import { hiddenFromViewerNodeWhere } from "../data/viewer-scope.ts";
import { isUuid } from "../ids.ts";
import { NotFoundError, parseInput, ValidationError, withoutNulls } from "./errors.ts";

export const ApiKeyKindEnum = builder.enumType("ApiKeyKind", { values: ["SECRET", "PUBLISHABLE"] as const });
export const ApiKeyScopeEnum = builder.enumType("ApiKeyScope", { values: ["read", "write"] as const });

export const ApiKeyRef = builder.prismaNode("ApiKey", {
  id: { field: "id" },
  // A viewer (dashboard) never sees the workspace's keys: no row for it.
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  select: {
    id: true,
    kind: true,
    name: true,
    prefix: true,
    scopes: true,
    createdAt: true,
    lastUsedAt: true,
    revokedAt: true,
  },
  fields: (t) => ({
    kind: t.expose("kind", { type: ApiKeyKindEnum }),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", {
      description: "The first characters of the key; the key itself is never shown again",
    }),
    // Publishable keys have no scopes, whatever an older row stored (the column defaulted to a secret key's).
    scopes: t.field({
      type: [ApiKeyScopeEnum],
      resolve: (key) =>
        key.kind === "PUBLISHABLE"
          ? []
          : key.scopes.filter((s): s is "read" | "write" => s === "read" || s === "write"),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.prismaObjectField("Workspace", "apiKeys", (t) =>
  t.relation("apiKeys", {
    description: "Every key of the workspace, newest first (revoked ones included).",
    query: { orderBy: [{ createdAt: "desc" }, { id: "asc" }] },
  }),
);

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    kind: t.field({ type: ApiKeyKindEnum, required: true }),
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiKeyScopeEnum], description: 'Secret keys only; default ["read", "write"]' }),
  }),
});

const createSchema = z.object({
  kind: z.enum(["SECRET", "PUBLISHABLE"]),
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(["read", "write"]))
    .min(1)
    .max(2)
    .optional(),
});

const CreatedApiKeyRef = builder
  .objectRef<{ key: string; apiKey: { id: string } }>("CreatedApiKey")
  .implement({
    fields: (t) => ({
      key: t.exposeString("key", { description: "The full key. Store it now: it is shown only once." }),
      apiKey: t.prismaField({
        type: "ApiKey",
        resolve: (query, parent, _args, ctx) =>
          ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: parent.apiKey.id } }),
      }),
    }),
  });

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreatedApiKeyRef,
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = parseInput(createSchema, withoutNulls(args.input));
      const issued = issueApiKey(input.kind);
      const scopes = input.kind === "SECRET" ? [...new Set(input.scopes ?? ["read", "write"])] : [];
      const apiKey = await ctx.prisma.apiKey.create({
        data: {
          workspaceId: ctx.workspaceId,
          kind: input.kind,
          name: input.name,
          prefix: issued.prefix,
          hash: issued.hash,
          scopes,
        },
        select: { id: true },
      });
      return { key: issued.key, apiKey };
    },
  }),
);

builder.mutationField("revokeApiKey", (t) =>
  t.prismaField({
    type: "ApiKey",
    description:
      "Revokes a key at once on this server (other servers within 10 s). The last active secret key cannot be revoked.",
    errors: { types: [NotFoundError, ValidationError] },
    args: { id: t.arg.globalID({ for: ApiKeyRef, required: true }) },
    resolve: async (_query, _root, args, ctx) => {
      const id = args.id.id;
      const key = isUuid(id)
        ? await ctx.prisma.apiKey.findFirst({ where: { id, workspaceId: ctx.workspaceId } })
        : null;
      if (!key) throw new NotFoundError("No such API key in this workspace.");
      if (key.kind === "SECRET" && !key.revokedAt) {
        const activeSecrets = await ctx.prisma.apiKey.count({
          where: { workspaceId: ctx.workspaceId, kind: "SECRET", revokedAt: null },
        });
        if (activeSecrets <= 1) {
          throw new ValidationError(
            "The last active secret key cannot be revoked; create another one first.",
            [{ path: "id", message: "last active secret key" }],
          );
        }
      }
      // No `query` spread: with the errors plugin the planned selection can be empty (only __typename).
      const revoked = await ctx.prisma.apiKey.update({
        where: { id },
        data: { revokedAt: key.revokedAt ?? ctx.now },
      });
      ctx.keys?.evictKeyId(id);
      return revoked;
    },
  }),
);

builder.mutationField("rotateSigningSecret", (t) =>
  t.string({
    description:
      "Replaces the widget-token signing secret and returns the new one; tokens signed with the old one stop working (on other servers within 5 s).",
    resolve: async (_root, _args, ctx) => {
      const signingSecret = `whsec_${randomBytes(24).toString("hex")}`;
      await ctx.prisma.workspace.update({ where: { id: ctx.workspaceId }, data: { signingSecret } });
      ctx.lookups.evictWorkspace(ctx.workspaceId);
      return signingSecret;
    },
  }),
);
