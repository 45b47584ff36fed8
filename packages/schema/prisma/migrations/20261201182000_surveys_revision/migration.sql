-- A revision of each workspace's survey responses, bumped once per transaction that changes them
-- (at commit, by the deferred trigger of the read_revisions migration), so a server can keep the
-- workspace's survey counts and NPS detractors cached and know exactly when they went stale. A
-- submission's transaction updates the workspace row once, at its very end (no deadlock with
-- other writers; the group commit of submissions sends one transaction for many responses).
-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "surveysRevision" BIGINT NOT NULL DEFAULT 0;

CREATE CONSTRAINT TRIGGER "SurveyResponse_surveys_revision" AFTER INSERT OR UPDATE OR DELETE ON "SurveyResponse"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pulse_bump_revision_once('surveysRevision');
