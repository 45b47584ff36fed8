import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import { isUuid } from "../ids.ts";
import { assertPageSize, MAX_PAGE_SIZE } from "./pagination.ts";

export const LifecycleStageEnum = builder.enumType("LifecycleStage", {
  values: ["ONBOARDING", "ADOPTION", "ACTIVE", "RENEWAL", "CHURNED"] as const,
});

export const AccountRef = builder.prismaNode("Account", {
  id: { field: "id" },
  findUnique: (id, ctx) => ({ id, workspaceId: ctx.workspaceId }),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    name: t.exposeString("name"),
    segment: t.exposeString("segment", { nullable: true }),
    plan: t.exposeString("plan", { nullable: true }),
    seats: t.exposeInt("seats"),
    csmOwner: t.exposeString("csmOwner", { nullable: true }),
    lifecycleStage: t.expose("lifecycleStage", { type: LifecycleStageEnum }),
    signedUpAt: t.expose("signedUpAt", { type: "DateTime" }),
    firstValueAt: t.expose("firstValueAt", { type: "DateTime", nullable: true }),
    churnedAt: t.expose("churnedAt", { type: "DateTime", nullable: true }),
    contacts: t.relatedConnection("contacts", {
      cursor: "id",
      query: () => ({ orderBy: { id: "asc" } }),
    }),
  }),
});

export const ContactRef = builder.prismaNode("Contact", {
  id: { field: "id" },
  findUnique: (id, ctx) => ({ id, workspaceId: ctx.workspaceId }),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    email: t.exposeString("email", { nullable: true }),
    name: t.exposeString("name", { nullable: true }),
    isExecutive: t.exposeBoolean("isExecutive"),
    account: t.relation("account"),
  }),
});

builder.queryField("accounts", (t) =>
  t.prismaConnection({
    type: "Account",
    cursor: "id",
    maxSize: MAX_PAGE_SIZE,
    defaultSize: 20,
    description: "The workspace's accounts, ordered by name.",
    resolve: (query, _root, args, ctx) => {
      assertPageSize(args);
      return ctx.prisma.account.findMany({
        ...query,
        where: { workspaceId: ctx.workspaceId },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      });
    },
  }),
);

builder.queryField("account", (t) =>
  t.prismaField({
    type: "Account",
    nullable: true,
    description: "One account, by global id or by your own external id.",
    args: {
      id: t.arg.globalID({ for: AccountRef }),
      externalId: t.arg.string(),
    },
    resolve: (query, _root, args, ctx) => {
      if ((args.id ? 1 : 0) + (args.externalId ? 1 : 0) !== 1) {
        throw new GraphQLError("Pass exactly one of `id` or `externalId`.", {
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      if (args.id) {
        if (!isUuid(args.id.id)) return null;
        return ctx.prisma.account.findFirst({
          ...query,
          where: { id: args.id.id, workspaceId: ctx.workspaceId },
        });
      }
      return ctx.prisma.account.findUnique({
        ...query,
        where: { workspaceId_externalId: { workspaceId: ctx.workspaceId, externalId: args.externalId ?? "" } },
      });
    },
  }),
);
