-- A revision of each workspace's accounts and revenue events, bumped by every statement that
-- changes them (whoever sends it: Pulse, a COPY, psql), so a server can keep the workspace's
-- portfolio inputs cached and know exactly when they went stale. Statement-level triggers with
-- transition tables: one UPDATE of the workspace row per statement, not per row.
-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "factsRevision" BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION pulse_bump_facts_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Workspace" SET "factsRevision" = "factsRevision" + 1
  WHERE id IN (SELECT DISTINCT "workspaceId" FROM changed);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Account_facts_revision_insert" AFTER INSERT ON "Account"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
CREATE TRIGGER "Account_facts_revision_update" AFTER UPDATE ON "Account"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
CREATE TRIGGER "Account_facts_revision_delete" AFTER DELETE ON "Account"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
CREATE TRIGGER "RevenueEvent_facts_revision_insert" AFTER INSERT ON "RevenueEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
CREATE TRIGGER "RevenueEvent_facts_revision_update" AFTER UPDATE ON "RevenueEvent"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
CREATE TRIGGER "RevenueEvent_facts_revision_delete" AFTER DELETE ON "RevenueEvent"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pulse_bump_facts_revision();
