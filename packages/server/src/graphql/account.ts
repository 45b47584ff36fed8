import { queryFromInfo } from "@pothos/plugin-prisma";
import type { Account } from "@pulse/schema/prisma";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { type AccountFilter, accountPageByName, accountWhere } from "../data/accounts.ts";
import { accountFactNodeWhere, accountNodeWhere, scopeAccountWhere } from "../data/viewer-scope.ts";
import { isUuid } from "../ids.ts";
import {
  compareKeys,
  decodeAccountCursor,
  encodeAccountCursor,
  needsDerivedIndex,
  orderedAccountIds,
} from "../loaders/account-index.ts";
import { HealthBandEnum } from "./metric-types.ts";
import { assertPageSize, DEFAULT_PAGE_SIZE } from "./pagination.ts";

export const LifecycleStageEnum = builder.enumType("LifecycleStage", {
  values: ["ONBOARDING", "ADOPTION", "ACTIVE", "RENEWAL", "CHURNED"] as const,
});

export const AccountRef = builder.prismaNode("Account", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountNodeWhere(id, ctx),
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
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    email: t.exposeString("email", { nullable: true }),
    name: t.exposeString("name", { nullable: true }),
    isExecutive: t.exposeBoolean("isExecutive"),
    account: t.relation("account"),
  }),
});

const AccountOrderFieldEnum = builder.enumType("AccountOrderField", {
  values: ["NAME", "SIGNED_UP_AT", "HEALTH", "MRR", "RENEWAL_DATE", "NPS"] as const,
  description:
    "HEALTH uses the latest daily snapshot; NPS the trailing 90 days; RENEWAL_DATE the next pending renewal.",
});
const OrderDirectionEnum = builder.enumType("OrderDirection", { values: ["ASC", "DESC"] as const });

const AccountOrderInput = builder.inputType("AccountOrder", {
  fields: (t) => ({
    field: t.field({ type: AccountOrderFieldEnum, required: true }),
    direction: t.field({ type: OrderDirectionEnum, defaultValue: "ASC" }),
  }),
});

const AccountFilterInput = builder.inputType("AccountFilter", {
  fields: (t) => ({
    segment: t.stringList({ description: "Any of these segments" }),
    plan: t.stringList(),
    csmOwner: t.stringList(),
    lifecycleStage: t.field({ type: [LifecycleStageEnum] }),
    band: t.field({ type: [HealthBandEnum], description: "Band of the latest daily health snapshot" }),
    atRisk: t.boolean(),
    renewalWithinDays: t.int({ description: "A pending contract ends within this many days from now" }),
    search: t.string({ description: "Case-insensitive match on name or external id" }),
  }),
});

builder.queryField("accounts", (t) =>
  t.connection(
    {
      type: AccountRef,
      description: "The workspace's accounts, filtered and ordered (default: by name).",
      args: {
        filter: t.arg({ type: AccountFilterInput }),
        orderBy: t.arg({ type: AccountOrderInput }),
      },
      resolve: async (_root, args, ctx, info) => {
        assertPageSize(args);
        if (args.last != null || args.before != null) {
          throw new GraphQLError("Accounts page forward only: use `first` and `after`.", {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        const filter = args.filter ?? null;
        if (
          filter?.renewalWithinDays != null &&
          (filter.renewalWithinDays < 0 || filter.renewalWithinDays > 3660)
        ) {
          throw new GraphQLError("`renewalWithinDays` must be between 0 and 3660.", {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        if (filter?.search != null && filter.search.length > 200) {
          throw new GraphQLError("`search` may be at most 200 characters.", {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        const order = args.orderBy?.field ?? "NAME";
        const direction = args.orderBy?.direction ?? "ASC";
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        const after = args.after == null ? null : decodeAccountCursor(args.after);
        if (args.after != null && (after === null || !isUuid(after.id))) {
          throw new GraphQLError("`after` is not a cursor of this connection.", {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        const query = queryFromInfo({ context: ctx, info, path: ["edges", "node"] });
        let edges: { cursor: string; node: Account }[];
        let hasNextPage: boolean;
        let totalCount: () => Promise<number>;
        if (needsDerivedIndex(filter, order)) {
          const ordered = await orderedAccountIds(ctx, filter, order, direction);
          const start = after ? ordered.findIndex((entry) => compareKeys(entry, after, direction) > 0) : 0;
          const from = start < 0 ? ordered.length : start;
          const page = ordered.slice(from, from + first);
          hasNextPage = from + first < ordered.length;
          totalCount = async () => ordered.length;
          const rows = page.length
            ? await ctx.prisma.account.findMany({
                ...query,
                where: { workspaceId: ctx.workspaceId, id: { in: page.map((entry) => entry.id) } },
              })
            : [];
          const byId = new Map(rows.map((row) => [row.id, row]));
          edges = page.flatMap((entry) => {
            const node = byId.get(entry.id);
            return node ? [{ cursor: encodeAccountCursor(entry), node }] : [];
          });
        } else {
          // Ordered by name: keyset pagination in SQL, one statement for the page and its nodes.
          // One filter for every strategy (data/accounts.ts): Prisma's read, the driver's and the count.
          const base = accountWhere(ctx.workspaceId, filter, ctx.scope);
          const beyond = direction === "ASC" ? "gt" : "lt";
          const where =
            after && typeof after.key === "string"
              ? {
                  AND: [
                    base,
                    {
                      OR: [
                        { name: { [beyond]: after.key } },
                        { name: after.key, id: { [beyond]: after.id } },
                      ],
                    },
                  ],
                }
              : base;
          const rows = scalarOnly(query)
            ? await accountPageThroughDriver(ctx, filter, after, direction, first + 1)
            : ((await ctx.prisma.account.findMany({
                ...withFields(query, ["id", "name"]),
                where,
                orderBy: [
                  { name: direction === "ASC" ? "asc" : "desc" },
                  { id: direction === "ASC" ? "asc" : "desc" },
                ],
                take: first + 1,
              })) as Account[]);
          hasNextPage = rows.length > first;
          edges = rows
            .slice(0, first)
            .map((node) => ({ cursor: encodeAccountCursor({ id: node.id, key: node.name }), node }));
          totalCount = () => ctx.prisma.account.count({ where: base });
        }
        return {
          edges,
          totalCount,
          pageInfo: {
            hasNextPage,
            hasPreviousPage: after !== null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    {
      fields: (t) => ({
        totalCount: t.int({
          description: "Accounts matching the filter",
          resolve: (connection) =>
            (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
  ),
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
      // A viewer token's scope: an account outside it is not found, like another workspace's.
      const scoped = scopeAccountWhere(ctx.scope);
      const inScope = scoped === null ? {} : { AND: [scoped] };
      if (args.id) {
        if (!isUuid(args.id.id)) return null;
        return ctx.prisma.account.findFirst({
          ...query,
          where: { id: args.id.id, workspaceId: ctx.workspaceId, ...inScope },
        });
      }
      return ctx.prisma.account.findUnique({
        ...query,
        where: {
          workspaceId_externalId: { workspaceId: ctx.workspaceId, externalId: args.externalId ?? "" },
          ...inScope,
        },
      });
    },
  }),
);

/** Adds scalar fields to a plugin-planned query, whether it selects or includes. */
/** Whether the page's selection needs no relation (Pothos then reads only the account's columns). */
function scalarOnly(query: { select?: object; include?: object }): boolean {
  if (query.include && Object.keys(query.include).length > 0) return false;
  return !query.select || Object.values(query.select).every((value) => value === true);
}

/**
 * The name-ordered page through the database driver (see data/accounts.ts): the same filter, order
 * and keyset as the Prisma read it replaces. test/account-page.test.ts compares every strategy.
 */
function accountPageThroughDriver(
  ctx: Context,
  filter: AccountFilter | null,
  after: { id: string; key: unknown } | null,
  direction: "ASC" | "DESC",
  take: number,
): Promise<Account[]> {
  return accountPageByName(ctx.facts.reader, ctx.workspaceId, {
    filter,
    scope: ctx.scope,
    after: after && typeof after.key === "string" ? { name: after.key, id: after.id } : null,
    direction,
    take,
  });
}

function withFields<Query extends { select?: object; include?: object }>(
  query: Query,
  fields: string[],
): Query {
  if (!query.select) return query;
  return {
    ...query,
    select: { ...query.select, ...Object.fromEntries(fields.map((field) => [field, true])) },
  };
}
