// A viewer token's scope as the three ways SQL is written here: a Prisma `where` on Account, a
// `sql`-tag fragment (driver reads) and a Prisma.sql fragment ($queryRaw). Each is empty without
// a scope, so the statements of secret keys and whole-workspace viewers stay exactly as they were.
import { type SqlStatement, sql } from "@pulse/schema/database";
import { Prisma } from "@pulse/schema/prisma";
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

/** ` AND …` over the columns of "Account" (unaliased), for the `sql` tag. */
export function scopeSql(scope: ViewerScope | null): SqlStatement {
  if (scope === null) return sql``;
  const parts: SqlStatement[] = [];
  if (scope.csmOwners !== null) parts.push(sql` AND "csmOwner" = ANY(${scope.csmOwners}::text[])`);
  if (scope.segments !== null) parts.push(sql` AND segment = ANY(${scope.segments}::text[])`);
  if (scope.accounts !== null) {
    parts.push(
      sql` AND ("externalId" = ANY(${scope.accounts}::text[]) OR id = ANY(${accountUuids(scope.accounts)}::uuid[]))`,
    );
  }
  return parts.reduce((all, part) => sql`${all}${part}`, sql``);
}

/** ` AND …` over the Account columns of alias `a`, for `$queryRaw`. */
export function scopePrismaSql(scope: ViewerScope | null): Prisma.Sql {
  if (scope === null) return Prisma.empty;
  const parts: Prisma.Sql[] = [];
  if (scope.csmOwners !== null) parts.push(Prisma.sql` AND a."csmOwner" = ANY(${scope.csmOwners}::text[])`);
  if (scope.segments !== null) parts.push(Prisma.sql` AND a.segment = ANY(${scope.segments}::text[])`);
  if (scope.accounts !== null) {
    parts.push(
      Prisma.sql` AND (a."externalId" = ANY(${scope.accounts}::text[]) OR a.id = ANY(${accountUuids(scope.accounts)}::uuid[]))`,
    );
  }
  return Prisma.join(parts, "");
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
