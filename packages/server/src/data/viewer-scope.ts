// A viewer token's scope as the two ways statements are written here: a Prisma `where` on Account
// (Prisma's models) and a `sql`-tag fragment (data/). Each is empty without a scope, so the
// statements of secret keys and whole-workspace viewers stay exactly as they were.
import { type SqlStatement, sql } from "@pulse/schema/database";
import type { Prisma } from "@pulse/schema/prisma";
import type { ViewerScope } from "../auth/viewer-token.ts";
import { isUuid, nodeWhere } from "../ids.ts";

/** The uuids among a scope's account values (the others can only be external ids). */
function accountUuids(accounts: string[]): string[] {
  return accounts.filter(isUuid).map((id) => id.toLowerCase());
}

/** The accounts the scope covers, as a Prisma filter on Account; null when it covers all. */
export function scopeAccountWhere(scope: ViewerScope | null): Prisma.AccountWhereInput | null {
  if (scope === null) return null;
  const and: Prisma.AccountWhereInput[] = [];
  if (scope.csmOwners !== null) and.push({ csmOwner: { in: scope.csmOwners } });
  if (scope.segments !== null) and.push({ segment: { in: scope.segments } });
  if (scope.accounts !== null) {
    and.push({
      OR: [{ externalId: { in: scope.accounts } }, { id: { in: accountUuids(scope.accounts) } }],
    });
  }
  return { AND: and };
}

/** `where` narrowed to the scope's accounts (`where` itself when unscoped). */
export function withAccountScope(
  where: Prisma.AccountWhereInput,
  scope: ViewerScope | null,
): Prisma.AccountWhereInput {
  const scoped = scopeAccountWhere(scope);
  return scoped === null ? where : { AND: [where, scoped] };
}

/** A column of Account, qualified by the alias when there is one (names from code, never from a request). */
function accountColumn(name: string, alias: "a" | undefined): SqlStatement {
  const text = alias ? `${alias}.${name}` : name;
  return { text, values: [], parts: [text] };
}

/** ` AND …` over the columns of "Account" (unaliased, or of table alias `alias`), for the `sql` tag. */
export function scopeSql(scope: ViewerScope | null, alias?: "a"): SqlStatement {
  if (scope === null) return sql``;
  const column = (name: string) => accountColumn(name, alias);
  const parts: SqlStatement[] = [];
  if (scope.csmOwners !== null)
    parts.push(sql` AND ${column('"csmOwner"')} = ANY(${scope.csmOwners}::text[])`);
  if (scope.segments !== null) parts.push(sql` AND ${column("segment")} = ANY(${scope.segments}::text[])`);
  if (scope.accounts !== null) {
    parts.push(
      sql` AND (${column('"externalId"')} = ANY(${scope.accounts}::text[]) OR ${column("id")} = ANY(${accountUuids(scope.accounts)}::uuid[]))`,
    );
  }
  return parts.reduce((all, part) => sql`${all}${part}`, sql``);
}

/** The unique filter of an Account node in the caller's workspace and scope. */
export function accountNodeWhere(
  id: string,
  ctx: { workspaceId: string; scope: ViewerScope | null },
): { id: string; workspaceId: string; AND?: Prisma.AccountWhereInput[] } {
  const scoped = scopeAccountWhere(ctx.scope);
  return { ...nodeWhere(id, ctx), ...(scoped === null ? {} : { AND: [scoped] }) };
}

/** The unique filter of a node that belongs to an account (a fact, a contact): its account must be in scope. */
export function accountFactNodeWhere(
  id: string,
  ctx: { workspaceId: string; scope: ViewerScope | null },
): { id: string; workspaceId: string; account?: Prisma.AccountWhereInput } {
  const scoped = scopeAccountWhere(ctx.scope);
  return { ...nodeWhere(id, ctx), ...(scoped === null ? {} : { account: scoped }) };
}

/**
 * The unique filter of a node no viewer may see (keys, automation, configuration history): no
 * row for a viewer, whatever the id (the key-scope check refuses selecting these types too).
 */
export function hiddenFromViewerNodeWhere(
  id: string,
  ctx: { workspaceId: string; viewer: unknown },
): { id: string; workspaceId: string } {
  return nodeWhere(ctx.viewer ? "" : id, ctx);
}
