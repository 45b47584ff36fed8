// Contracts: whole rows per account, the undecided ones ahead, and the workspace-wide reads of
// the renewal order and filter and of the renewal rate.
import { type SqlReader, type SqlStatement, sql } from "@pulse/schema/database";
import type { CountedRenewalContract, RenewalOutcome } from "@pulse/schema/metrics";
import type { Contract } from "@pulse/schema/prisma";
import { factColumns, groupByAccount } from "./columns.ts";

/** A whole Contract row (every scalar column, see columns.ts); its value a decimal as text. */
export type ContractFact = Omit<Contract, "value"> & { value: string | null };

async function readContracts(
  reader: SqlReader,
  ids: readonly string[],
  where: SqlStatement,
): Promise<ContractFact[][]> {
  const columns = factColumns("Contract", "c");
  const rows = await reader.read<Record<string, unknown>>(sql`
    SELECT ${columns.select}
    FROM "Contract" c
    WHERE ${where}
    ORDER BY c."endsAt", c.id`);
  return groupByAccount(ids, rows.map(columns.parse) as ContractFact[], (contract) => contract);
}

/** Every contract of each account, by end date. */
export function contracts(reader: SqlReader, workspaceId: string, ids: readonly string[]) {
  return readContracts(
    reader,
    ids,
    sql`c."workspaceId" = ${workspaceId}::uuid AND c."accountId" = ANY(${ids}::uuid[])`,
  );
}

/**
 * Undecided contracts ending at or after `instant`, by end date: the next renewal and the
 * renewal risk need only these, not the account's whole contract history.
 */
export function pendingContracts(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  instant: Date,
) {
  return readContracts(
    reader,
    ids,
    sql`c."workspaceId" = ${workspaceId}::uuid AND c."accountId" = ANY(${ids}::uuid[])
      AND c."renewalOutcome" = 'PENDING' AND c."endsAt" >= ${instant}::timestamp`,
  );
}

/** A pending renewal: the end of an undecided contract. */
export interface PendingRenewal {
  endsAt: Date;
  renewalOutcome: "PENDING";
}

/**
 * Each account's next undecided contract ending at or after `now`, over the whole workspace: the
 * only one the renewal order, the renewal filter and the risk rule look at (an account's earliest
 * pending renewal decides whether any falls within the risk window). One JSON document of
 * [accountId, endsAt in ms] pairs: cheaper to parse than a row per account.
 */
export async function nextPendingRenewals(
  reader: SqlReader,
  workspaceId: string,
  now: Date,
): Promise<Map<string, PendingRenewal[]>> {
  const [result] = await reader.read<{ renewals: string }>(sql`
    SELECT coalesce(json_agg(json_build_array(c."accountId", round(date_part('epoch', c."endsAt") * 1000)::int8)), '[]'::json)::text AS renewals
    FROM (SELECT DISTINCT ON ("accountId") "accountId", "endsAt"
          FROM "Contract" WHERE "workspaceId" = ${workspaceId}::uuid AND "renewalOutcome" = 'PENDING' AND "endsAt" >= ${now}::timestamp
          ORDER BY "accountId", "endsAt") c`);
  const pairs = JSON.parse(result?.renewals ?? "[]") as [string, number][];
  return new Map(
    pairs.map(([accountId, endsAt]) => [
      accountId,
      [{ endsAt: new Date(endsAt), renewalOutcome: "PENDING" }],
    ]),
  );
}

/**
 * Every contract's end and outcome of the accounts of a segment (all when null), narrowed by
 * `accountScope` (a fragment over the Account alias `a`): the renewal rate picks those ending in
 * each period. Counted per (end, outcome) in SQL: contracts end on far fewer instants than there
 * are contracts (15,799 groups for 194,535 contracts in the 10x bench data). One JSON document of
 * [endsAt in ms, outcome, count] (~20,000 rows mapped one by one cost more than the query).
 */
export async function contractOutcomes(
  reader: SqlReader,
  workspaceId: string,
  input: { segment: string | null; accountScope: SqlStatement | null },
): Promise<CountedRenewalContract[]> {
  const { segment, accountScope } = input;
  // Every contract has its account (a non-null foreign key): without a segment or a scope to
  // check on the account, the join selects the same rows and only costs.
  const contracts =
    segment === null && accountScope === null
      ? sql`SELECT c."endsAt", c."renewalOutcome", count(*)::int AS count
          FROM "Contract" c WHERE c."workspaceId" = ${workspaceId}::uuid GROUP BY 1, 2`
      : sql`SELECT c."endsAt", c."renewalOutcome", count(*)::int AS count
          FROM "Contract" c JOIN "Account" a ON a.id = c."accountId"
          WHERE c."workspaceId" = ${workspaceId}::uuid AND (${segment}::text IS NULL OR a.segment = ${segment}::text)${accountScope ?? sql``}
          GROUP BY 1, 2`;
  const [result] = await reader.read<{ contracts: string }>(sql`
    SELECT coalesce(json_agg(json_build_array(round(date_part('epoch', g."endsAt") * 1000)::int8, g."renewalOutcome"::text, g.count)), '[]'::json)::text AS contracts
    FROM (${contracts}) g`);
  const groups = JSON.parse(result?.contracts ?? "[]") as [number, RenewalOutcome, number][];
  return groups.map(([endsAt, renewalOutcome, count]) => ({
    endsAt: new Date(endsAt),
    renewalOutcome,
    count,
  }));
}
