// Usage aggregates of a window per account: whole calendar days from the UsageDaily rollup (kept
// by ingest/usage-rollup.ts, keyed by the workspace's local day), and only the partial days at the
// window's edges (a trailing window's today) from raw UsageEvent rows. So a read's cost grows with
// the days of its window and the accounts asked for, not with their events; the result equals a
// count over the raw events by the calendar days of the window's zone (usageAggregatesFromEvents).
import { type SqlReader, type SqlStatement, type SqlWriter, sql } from "@pulse/schema/database";
import { type UsageAggregates, type UsageWindow, usageWindowParts } from "@pulse/schema/metrics";

/** What one account's usage read gives: the aggregates but the account's seats and the workspace's key features. */
export type WindowUsage = Omit<UsageAggregates, "seats" | "keyFeatures" | "windowDays" | "days"> & {
  /** Calendar days the window touches in its zone. */
  days: number;
  everHadUsage: boolean;
};

/** A usage row as both usage reads select it (this one by account, the backtest's by key). */
export interface UsageColumns {
  activeUsers: number;
  loginEvents: number;
  sessionCount: number;
  sessionSeconds: string;
  userDays: number;
  featureCounts: Record<string, number> | null;
  everHadUsage: boolean;
}

type UsageRow = UsageColumns & { accountId: string };

/**
 * One statement for any number of accounts of the workspace. `window.timeZone` must be the
 * workspace's zone (the one its rollup is keyed by).
 */
export async function readUsageAggregates(
  reader: SqlReader,
  workspaceId: string,
  window: UsageWindow,
  ids: readonly string[],
): Promise<WindowUsage[]> {
  if (ids.length === 0) return [];
  const { wholeDays, head, tail, days } = usageWindowParts(window);
  const rows = await reader.read<UsageRow>(sql`
      WITH page AS (SELECT unnest(${ids}::uuid[]) AS id),
      rolled AS (
        SELECT d."accountId", d."contactKey", d.day, d.logins, d.sessions, d."sessionSeconds", d.features
        FROM "UsageDaily" d
        WHERE d."workspaceId" = ${workspaceId}::uuid AND d."accountId" = ANY(${ids}::uuid[])
          AND d.day >= ${wholeDays.from}::date AND d.day < ${wholeDays.to}::date
      ),
      raw AS (
        SELECT e."accountId", coalesce(e."contactId"::text, '-') AS "contactKey",
               CASE WHEN e."occurredAt" < ${head.to} THEN ${head.day}::date ELSE ${tail.day}::date END AS day,
               e.kind, e."featureKey", e."durationSeconds"
        FROM "UsageEvent" e
        WHERE e."workspaceId" = ${workspaceId}::uuid AND e."accountId" = ANY(${ids}::uuid[])
          AND ((e."occurredAt" >= ${head.from} AND e."occurredAt" < ${head.to})
               OR (e."occurredAt" >= ${tail.from} AND e."occurredAt" < ${tail.to}))
      ),
      contact_days AS (
        SELECT "accountId", "contactKey", day, logins::bigint AS logins, sessions::bigint AS sessions,
               "sessionSeconds"::bigint AS "sessionSeconds"
        FROM rolled
        UNION ALL
        SELECT "accountId", "contactKey", day, count(*) FILTER (WHERE kind = 'LOGIN'),
               count(*) FILTER (WHERE kind = 'SESSION' AND "durationSeconds" IS NOT NULL),
               coalesce(sum("durationSeconds") FILTER (WHERE kind = 'SESSION'), 0)
        FROM raw GROUP BY 1, 2, 3
      ),
      totals AS (
        SELECT "accountId",
               (count(DISTINCT "contactKey") FILTER (WHERE "contactKey" <> '-'))::int AS "activeUsers",
               sum(logins)::int AS "loginEvents", sum(sessions)::int AS "sessionCount",
               sum("sessionSeconds")::text AS "sessionSeconds",
               (count(DISTINCT (day, "contactKey")) FILTER (WHERE "contactKey" <> '-'))::int AS "userDays"
        FROM contact_days GROUP BY "accountId"
      ),
      feature_counts AS (
        SELECT r."accountId", f.key AS "featureKey", f.value::bigint AS n
        FROM rolled r, jsonb_each_text(r.features) f
        UNION ALL
        SELECT "accountId", "featureKey", count(*) FROM raw
        WHERE kind = 'FEATURE' AND "featureKey" IS NOT NULL GROUP BY 1, 2
      ),
      features AS (
        SELECT "accountId", jsonb_object_agg("featureKey", n) AS "featureCounts"
        FROM (SELECT "accountId", "featureKey", sum(n)::int AS n FROM feature_counts GROUP BY 1, 2) f
        GROUP BY "accountId"
      )
      SELECT page.id::text AS "accountId",
             coalesce(t."activeUsers", 0) AS "activeUsers", coalesce(t."loginEvents", 0) AS "loginEvents",
             coalesce(t."sessionCount", 0) AS "sessionCount", coalesce(t."sessionSeconds", '0') AS "sessionSeconds",
             coalesce(t."userDays", 0) AS "userDays", f."featureCounts",
             EXISTS (SELECT 1 FROM "UsageEvent" u WHERE u."accountId" = page.id) AS "everHadUsage"
      FROM page
      LEFT JOIN totals t ON t."accountId" = page.id
      LEFT JOIN features f ON f."accountId" = page.id`);
  const byId = new Map(rows.map((row) => [row.accountId, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return {
      days,
      activeUsers: row?.activeUsers ?? 0,
      loginEvents: row?.loginEvents ?? 0,
      sessionCount: row?.sessionCount ?? 0,
      sessionSeconds: BigInt(row?.sessionSeconds ?? "0"),
      userDays: row?.userDays ?? 0,
      featureCounts: row?.featureCounts ?? {},
      everHadUsage: row?.everHadUsage ?? false,
    };
  });
}

// The rollup's writes: UsageDaily kept in step with UsageEvent (see ingest/usage-rollup.ts for when).

/** Rollup key of events without a known contact. */
export const NO_CONTACT_KEY = "-";

/**
 * Adds the events `selected` picks (a WHERE clause on "UsageEvent" e) to UsageDaily, each on its
 * calendar day in its workspace's zone. occurredAt is a timestamp without time zone holding UTC:
 * `AT TIME ZONE 'UTC'` makes it an instant, `AT TIME ZONE zone` the wall clock there.
 * Feature counts are merged key by key, adding to what the day already holds.
 */
export function addUsageDaily(writer: SqlWriter, selected: SqlStatement): Promise<number> {
  return writer.execute(sql`
    WITH new_events AS (
      SELECT e."workspaceId", e."accountId", COALESCE(e."contactId"::text, ${NO_CONTACT_KEY}) AS "contactKey",
             (e."occurredAt" AT TIME ZONE 'UTC' AT TIME ZONE w."timeZone")::date AS day,
             e.kind, e."featureKey", e."durationSeconds"
      FROM "UsageEvent" e
      JOIN "Workspace" w ON w.id = e."workspaceId"
      WHERE ${selected}
    ),
    totals AS (
      SELECT "workspaceId", "accountId", "contactKey", day,
             count(*) FILTER (WHERE kind = 'LOGIN') AS logins,
             count(*) FILTER (WHERE kind = 'SESSION') AS sessions,
             COALESCE(sum("durationSeconds") FILTER (WHERE kind = 'SESSION'), 0) AS "sessionSeconds",
             count(*) FILTER (WHERE kind = 'FEATURE') AS "featureEvents"
      FROM new_events
      GROUP BY "workspaceId", "accountId", "contactKey", day
    ),
    features AS (
      SELECT "accountId", "contactKey", day, jsonb_object_agg("featureKey", events) AS features
      FROM (
        SELECT "accountId", "contactKey", day, "featureKey", count(*) AS events
        FROM new_events
        WHERE kind = 'FEATURE'
        GROUP BY "accountId", "contactKey", day, "featureKey"
      ) AS per_feature
      GROUP BY "accountId", "contactKey", day
    )
    INSERT INTO "UsageDaily"
      ("workspaceId", "accountId", "contactKey", day, logins, sessions, "sessionSeconds", "featureEvents", features)
    SELECT totals."workspaceId", totals."accountId", totals."contactKey", totals.day, totals.logins, totals.sessions,
           totals."sessionSeconds", totals."featureEvents", COALESCE(features.features, '{}'::jsonb)
    FROM totals
    LEFT JOIN features USING ("accountId", "contactKey", day)
    ON CONFLICT ("accountId", day, "contactKey") DO UPDATE SET
      logins = "UsageDaily".logins + EXCLUDED.logins,
      sessions = "UsageDaily".sessions + EXCLUDED.sessions,
      "sessionSeconds" = "UsageDaily"."sessionSeconds" + EXCLUDED."sessionSeconds",
      "featureEvents" = "UsageDaily"."featureEvents" + EXCLUDED."featureEvents",
      features = (
        SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb)
        FROM (
          SELECT key, sum(value::bigint) AS total
          FROM (
            SELECT key, value FROM jsonb_each_text("UsageDaily".features)
            UNION ALL
            SELECT key, value FROM jsonb_each_text(EXCLUDED.features)
          ) AS entries
          GROUP BY key
        ) AS merged
      )`);
}

/** Usage events with these ids (just inserted), for `addUsageDaily`. */
export function usageEventsWithIds(ids: readonly string[]): SqlStatement {
  return sql`e.id = ANY(${[...ids]}::uuid[])`;
}

/** Every usage event of the workspace, for `addUsageDaily`. */
export function usageEventsOfWorkspace(workspaceId: string): SqlStatement {
  return sql`e."workspaceId" = ${workspaceId}::uuid`;
}

/** Deletes the workspace's whole rollup (before it is rebuilt). */
export function deleteUsageDaily(writer: SqlWriter, workspaceId: string): Promise<number> {
  return writer.execute(sql`DELETE FROM "UsageDaily" WHERE "workspaceId" = ${workspaceId}::uuid`);
}
