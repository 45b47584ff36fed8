-- Revisions of each workspace's contracts and of its milestones (definitions and achievements),
-- bumped by every transaction that changes them (whoever sends it: Pulse, a COPY, psql), so a
-- server can keep the workspace's renewal and onboarding inputs cached and know exactly when they
-- went stale (as factsRevision does for accounts and revenue events).
--
-- Unlike the statement triggers of factsRevision, these are deferred constraint triggers: the
-- workspace row is updated at commit, once per transaction and workspace (a transaction-local
-- setting marks it done), so a transaction never holds the workspace row while it goes on to
-- lock other rows, and two writers cannot deadlock on it. Adding columns with a constant default
-- rewrites nothing, so the workspace table is locked only briefly.
-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "contractsRevision" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "milestonesRevision" BIGINT NOT NULL DEFAULT 0;

-- TG_ARGV[0]: the revision column of "Workspace" to bump.
CREATE FUNCTION pulse_bump_revision_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  workspace uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD."workspaceId" ELSE NEW."workspaceId" END;
  flag text := 'pulse.bumped_' || TG_ARGV[0] || '_' || replace(workspace::text, '-', '');
BEGIN
  IF coalesce(current_setting(flag, true), '') = '' THEN
    PERFORM set_config(flag, 'yes', true);
    EXECUTE format('UPDATE "Workspace" SET %1$I = %1$I + 1 WHERE id = $1', TG_ARGV[0]) USING workspace;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."workspaceId" IS DISTINCT FROM NEW."workspaceId" THEN
    EXECUTE format('UPDATE "Workspace" SET %1$I = %1$I + 1 WHERE id = $1', TG_ARGV[0]) USING OLD."workspaceId";
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "Contract_contracts_revision" AFTER INSERT OR UPDATE OR DELETE ON "Contract"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pulse_bump_revision_once('contractsRevision');
CREATE CONSTRAINT TRIGGER "Milestone_milestones_revision" AFTER INSERT OR UPDATE OR DELETE ON "Milestone"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pulse_bump_revision_once('milestonesRevision');
CREATE CONSTRAINT TRIGGER "MilestoneAchievement_milestones_revision" AFTER INSERT OR UPDATE OR DELETE ON "MilestoneAchievement"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pulse_bump_revision_once('milestonesRevision');
