// Keeps UsageDaily (one row per account, UTC day and contact) in step with UsageEvent. Only
// events just inserted are added, so a retried batch, whose events are skipped, adds nothing.
import type { Transaction } from "./ingest.ts";

/** Rollup key of events without a known contact. */
export const NO_CONTACT_KEY = "-";

export async function addToUsageDaily(tx: Transaction, insertedEventIds: readonly string[]): Promise<void> {
  if (insertedEventIds.length === 0) return;
  // occurredAt is a timestamp without time zone holding UTC, so ::date is the UTC day.
  // Feature counts are merged key by key, adding to what the day already holds.
  await tx.$executeRaw`
    WITH new_events AS (
      SELECT "workspaceId", "accountId", COALESCE("contactId"::text, ${NO_CONTACT_KEY}) AS "contactKey",
             "occurredAt"::date AS day, kind, "featureKey", "durationSeconds"
      FROM "UsageEvent"
      WHERE id = ANY(${[...insertedEventIds]}::uuid[])
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
