// Daily health snapshots: the latest one at or before an instant (one function for a page of
// accounts and for the whole workspace), those of a period, and the upsert of a day's.
import { type SqlReader, type SqlWriter, sql } from "@pulse/schema/database";
import type { Period } from "@pulse/schema/metrics";
import type { HealthBand } from "@pulse/schema/prisma";
import { ACCOUNT_ID, groupByAccount, instant, optionalNumber } from "./columns.ts";

type Band = HealthBand;

export interface SnapshotFact {
  day: Date;
  /** Null (with band) when the account had too little data for a score that day. */
  score: number | null;
  band: Band | null;
}

/** Each account's latest snapshot at or before an instant, with how long that answer holds. */
export interface WorkspaceSnapshots {
  snapshots: Map<string, SnapshotFact>;
  /**
   * The earliest snapshot day (00:00 UTC) of the workspace after the instant, or null: while the
   * workspace's snapshots and accounts are unchanged, the answer is the same for every instant from
   * the one read up to (not including) this one (see loaders/latest-snapshots.ts).
   */
  nextDay: Date | null;
}

/**
 * Each account's latest daily snapshot taken at or before `at`, of every account of the workspace
 * (the at-risk filter, the health order and the portfolio's health distribution), and the next
 * snapshot day after `at`, in one statement (so both come from the same state of the database).
 * One lookup in ("accountId", day) per account: the cost grows with the accounts, not with the
 * days of history.
 */
export async function latestWorkspaceSnapshots(
  reader: SqlReader,
  workspaceId: string,
  at: Date,
): Promise<WorkspaceSnapshots> {
  // One JSON document of [accountId, score, band, day in ms]: cheaper to parse than 10,000 rows.
  const [result] = await reader.read<{ snapshots: string; nextDay: string | null }>(sql`
    SELECT (SELECT coalesce(json_agg(json_build_array(s."accountId", s.score::text, s.band::text, round(date_part('epoch', s.day::timestamp) * 1000)::int8)), '[]'::json)::text
            FROM "Account" a
            JOIN LATERAL (
              -- One lookup in ("accountId", day) per account: the cost grows with the accounts, not
              -- with the days of history (DISTINCT ON over the workspace's snapshots read all of them).
              SELECT a.id AS "accountId", score, band, day FROM "HealthSnapshot" h
              WHERE h."accountId" = a.id AND h.day <= ${at}::timestamp
              ORDER BY h.day DESC LIMIT 1
            ) s ON true
            WHERE a."workspaceId" = ${workspaceId}::uuid) AS snapshots,
           (SELECT round(date_part('epoch', min(h.day)::timestamp) * 1000)::int8::text FROM "HealthSnapshot" h
            WHERE h."workspaceId" = ${workspaceId}::uuid AND h.day > ${at}::timestamp) AS "nextDay"`);
  const tuples = JSON.parse(result?.snapshots ?? "[]") as [string, string | null, Band | null, number][];
  return {
    snapshots: new Map(
      tuples.map(([accountId, score, band, day]) => [
        accountId,
        { day: new Date(day), score: optionalNumber(score), band },
      ]),
    ),
    nextDay: result?.nextDay == null ? null : new Date(Number(result.nextDay)),
  };
}

/**
 * Each of the accounts' `ids` latest daily snapshot taken at or before `at`: one lookup in
 * ("accountId", day) per account, however long the history.
 */
export async function latestSnapshots(
  reader: SqlReader,
  workspaceId: string,
  at: Date,
  accounts: readonly string[],
): Promise<Map<string, SnapshotFact>> {
  const rows = await reader.read<{
    accountId: string;
    day: string | Date;
    score: string | null;
    band: Band | null;
  }>(sql`
    SELECT a.id::text AS "accountId", s.day, s.score::text AS score, s.band::text AS band
    FROM "Account" a
    JOIN LATERAL (
      -- The newest one only: one lookup in ("accountId", day) per account, however long the
      -- history and however many accounts the workspace has. The workspace is checked on the
      -- account, not here: with it here the planner may walk ("workspaceId", day) backwards
      -- through every other account's snapshots instead.
      SELECT day, score, band FROM "HealthSnapshot" h
      WHERE h."accountId" = a.id AND h.day <= ${at}::timestamp
      ORDER BY h.day DESC LIMIT 1
    ) s ON true
    WHERE a.id = ANY(${accounts}::uuid[]) AND a."workspaceId" = ${workspaceId}::uuid`);
  return new Map(
    rows.map((row) => [
      row.accountId,
      { day: instant(row.day), score: optionalNumber(row.score), band: row.band },
    ]),
  );
}

/** Daily snapshots whose day (at 00:00 UTC) falls in the period, oldest first, per account. */
export async function snapshotsInPeriod(
  reader: SqlReader,
  workspaceId: string,
  ids: readonly string[],
  period: Period,
): Promise<SnapshotFact[][]> {
  // Explicit timestamp casts: compared with a bare DATE, a parameter would be cut to a date.
  const rows = await reader.read<{
    accountId: string;
    day: string | Date;
    score: number | null;
    band: Band | null;
  }>(sql`
    SELECT ${ACCOUNT_ID}, day, score, band::text AS band
    FROM "HealthSnapshot"
    WHERE "workspaceId" = ${workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
      AND day >= ${period.from}::timestamp AND day < ${period.to}::timestamp
    ORDER BY day`);
  return groupByAccount(ids, rows, (row) => ({
    day: instant(row.day),
    score: optionalNumber(row.score),
    band: row.band,
  }));
}

/**
 * Stores a day's snapshots (one statement; a recomputed day replaces its row) with the
 * configuration version they were computed with; returns each stored row's id by account.
 */
export function upsertSnapshots(
  writer: SqlWriter,
  input: {
    workspaceId: string;
    day: Date;
    configVersionId: string | null;
    rows: { accountId: string; score: number | null; band: Band | null; components: unknown }[];
  },
): Promise<{ id: string; accountId: string }[]> {
  const { rows } = input;
  return writer.returning(sql`
    INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components, "configVersionId")
    SELECT gen_random_uuid(), ${input.workspaceId}::uuid, r."accountId", ${input.day}::date, r.score, r.band::"HealthBand", r.components,
           ${input.configVersionId}::uuid
    FROM unnest(${rows.map((r) => r.accountId)}::uuid[], ${rows.map((r) => r.score)}::float8[],
                ${rows.map((r) => r.band)}::text[], ${rows.map((r) => JSON.stringify(r.components))}::jsonb[])
      AS r("accountId", score, band, components)
    ON CONFLICT ("accountId", day) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band,
      components = EXCLUDED.components, "configVersionId" = EXCLUDED."configVersionId"
    RETURNING id::text AS id, "accountId"::text AS "accountId"`);
}
