-- AlterTable
ALTER TABLE "HealthSnapshot" ADD COLUMN     "configVersionId" UUID;

-- CreateTable
CREATE TABLE "HealthConfigVersion" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "apiKeyId" UUID,
    "restoredFromVersion" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HealthConfigVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HealthConfigVersion_workspaceId_version_key" ON "HealthConfigVersion"("workspaceId", "version");

-- AddForeignKey
ALTER TABLE "HealthConfigVersion" ADD CONSTRAINT "HealthConfigVersion_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthConfigVersion" ADD CONSTRAINT "HealthConfigVersion_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthSnapshot" ADD CONSTRAINT "HealthSnapshot_configVersionId_fkey" FOREIGN KEY ("configVersionId") REFERENCES "HealthConfigVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Backfill: every existing workspace gets version 1, its configuration as stored (a partial one is
-- read merged over the defaults, as the workspace's own column is).
INSERT INTO "HealthConfigVersion" ("id", "workspaceId", "version", "config", "createdAt")
SELECT gen_random_uuid(), w."id", 1, coalesce(w."healthConfig", '{}'::jsonb), CURRENT_TIMESTAMP
FROM "Workspace" w;

-- A new workspace starts at version 1 whichever way it is created (API, seed, CLI).
CREATE FUNCTION pulse_health_config_first_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HealthConfigVersion" ("id", "workspaceId", "version", "config", "createdAt")
  VALUES (gen_random_uuid(), NEW."id", 1, coalesce(NEW."healthConfig", '{}'::jsonb), CURRENT_TIMESTAMP);
  RETURN NEW;
END $$;

CREATE TRIGGER "Workspace_health_config_first_version" AFTER INSERT ON "Workspace"
FOR EACH ROW EXECUTE FUNCTION pulse_health_config_first_version();
