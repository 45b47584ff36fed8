-- A revision of each workspace's daily health snapshots, bumped by every statement that changes
-- them (the daily job, a refresh, a backfill, a cascade, psql), so a server can keep the
-- workspace's latest snapshots cached and know exactly when they went stale (as factsRevision
-- does for accounts and revenue events). Statement-level triggers with transition tables: one
-- UPDATE of the workspace row per statement, not per row. Adding a column with a constant
-- default rewrites nothing (PostgreSQL 11+), so the workspace table is locked only briefly.
-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "snapshotsRevision" BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION pulse_bump_snapshots_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Workspace" SET "snapshotsRevision" = "snapshotsRevision" + 1
  WHERE id IN (SELECT DISTINCT "workspaceId" FROM changed);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "HealthSnapshot_snapshots_revision_insert" AFTER INSERT ON "HealthSnapshot"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_snapshots_revision();
CREATE TRIGGER "HealthSnapshot_snapshots_revision_update" AFTER UPDATE ON "HealthSnapshot"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_snapshots_revision();
CREATE TRIGGER "HealthSnapshot_snapshots_revision_delete" AFTER DELETE ON "HealthSnapshot"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_snapshots_revision();
