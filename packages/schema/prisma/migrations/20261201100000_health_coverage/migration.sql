-- An account whose components with data carry less than the minimum coverage has no score:
-- its snapshot keeps its components but has a null score and band.
ALTER TABLE "HealthSnapshot" ALTER COLUMN "score" DROP NOT NULL,
ALTER COLUMN "band" DROP NOT NULL;

-- Snapshots taken before the rule (default minimum: 50 % of the enabled weight) follow it too,
-- so trends and history do not compare a "GREEN 100" without data with real scores.
UPDATE "HealthSnapshot" s SET score = NULL, band = NULL
FROM (
  SELECT h.id,
         coalesce(sum((c->>'rawWeight')::float8) FILTER (WHERE (c->>'used')::boolean), 0) AS used_weight,
         coalesce(sum((c->>'rawWeight')::float8), 0) AS enabled_weight
  FROM "HealthSnapshot" h
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(h.components) = 'array' THEN h.components ELSE '[]'::jsonb END) AS c
  GROUP BY h.id
) w
WHERE s.id = w.id AND w.enabled_weight > 0 AND 100 * w.used_weight < 50 * w.enabled_weight;

-- A churned account is CHURNED: accounts stored with churnedAt before the rule follow it.
UPDATE "Account" SET "lifecycleStage" = 'CHURNED' WHERE "churnedAt" IS NOT NULL AND "lifecycleStage" <> 'CHURNED';
