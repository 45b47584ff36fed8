// Keeps UsageDaily (one row per account, calendar day in the workspace's time zone, and contact)
// in step with UsageEvent. Only events just inserted are added, so a retried batch, whose events
// are skipped, adds nothing. When the workspace's zone changes, its rollup is rebuilt from its raw
// events (`rebuildUsageDaily`, in the transaction of the change).
//
// Why a zone change cannot race an ingestion: inserting a UsageEvent takes FOR KEY SHARE on its
// Workspace row (the foreign-key check) until the ingestion commits, and the change first locks
// that row FOR UPDATE. So the change waits for ingestions that inserted events, and an ingestion
// that starts during the change waits at its insert; its rollup statement, a later statement,
// then reads the new zone (READ COMMITTED takes a snapshot per statement).
import { Prisma } from "@pulse/schema/prisma";
import type { Transaction } from "./ingest.ts";

/** Rollup key of events without a known contact. */
export const NO_CONTACT_KEY = "-";

/**
 * Adds the events `selected` picks (a WHERE clause on "UsageEvent" e) to UsageDaily, each on its
 * calendar day in its workspace's zone. occurredAt is a timestamp without time zone holding UTC:
 * `AT TIME ZONE 'UTC'` makes it an instant, `AT TIME ZONE zone` the wall clock there.
 * Feature counts are merged key by key, adding to what the day already holds.
 */
function addEvents(tx: Transaction, selected: Prisma.Sql): Promise<number> {
  return tx.$executeRaw`
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
      )`;
}

export async function addToUsageDaily(tx: Transaction, insertedEventIds: readonly string[]): Promise<void> {
  if (insertedEventIds.length === 0) return;
  await addEvents(tx, Prisma.sql`e.id = ANY(${[...insertedEventIds]}::uuid[])`);
}

/**
 * Locks the workspace row against concurrent usage ingestion (see the top of this file). Call it
 * first in the transaction that changes the workspace's zone, then `rebuildUsageDaily` after.
 */
export async function lockWorkspaceForZoneChange(tx: Transaction, workspaceId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Workspace" WHERE id = ${workspaceId}::uuid FOR UPDATE`;
}

/**
 * Rebuilds the workspace's whole rollup from its raw events, by the calendar days of its current
 * zone: two statements whose cost grows with the workspace's usage events (a zone change is rare;
 * ingestion and reads stay proportional to the events added and to the days read).
 */
export async function rebuildUsageDaily(tx: Transaction, workspaceId: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM "UsageDaily" WHERE "workspaceId" = ${workspaceId}::uuid`;
  await addEvents(tx, Prisma.sql`e."workspaceId" = ${workspaceId}::uuid`);
}
