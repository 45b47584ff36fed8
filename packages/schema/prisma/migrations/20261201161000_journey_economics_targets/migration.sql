-- CreateEnum
CREATE TYPE "LifecycleChangeSource" AS ENUM ('INGESTED', 'CHURN', 'REACTIVATION', 'BACKFILL');

-- CreateTable
CREATE TABLE "LifecycleStageChange" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "fromStage" "LifecycleStage",
    "toStage" "LifecycleStage" NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "source" "LifecycleChangeSource" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LifecycleStageChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcquisitionSpend" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "segment" TEXT,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "amount" DECIMAL(18,4) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AcquisitionSpend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricTarget" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "segment" TEXT,
    "baseline" DOUBLE PRECISION NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "windowDays" INTEGER NOT NULL DEFAULT 365,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetricTarget_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LifecycleStageChange_workspaceId_changedAt_idx" ON "LifecycleStageChange"("workspaceId", "changedAt");

-- CreateIndex
CREATE INDEX "LifecycleStageChange_accountId_changedAt_idx" ON "LifecycleStageChange"("accountId", "changedAt");

-- CreateIndex
CREATE INDEX "AcquisitionSpend_workspaceId_periodStart_idx" ON "AcquisitionSpend"("workspaceId", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "AcquisitionSpend_workspaceId_externalId_key" ON "AcquisitionSpend"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "MetricTarget_workspaceId_metric_idx" ON "MetricTarget"("workspaceId", "metric");

-- AddForeignKey
ALTER TABLE "LifecycleStageChange" ADD CONSTRAINT "LifecycleStageChange_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LifecycleStageChange" ADD CONSTRAINT "LifecycleStageChange_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcquisitionSpend" ADD CONSTRAINT "AcquisitionSpend_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricTarget" ADD CONSTRAINT "MetricTarget_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: one change per existing account, the stage it has now, marked BACKFILL. Its time is
-- the one known instant of that stage: churnedAt for a CHURNED account that has one, else the
-- account's signedUpAt (when it was created at the customer; exact for ONBOARDING, the earliest
-- possible entry for a later stage, since the real entry was not recorded).
INSERT INTO "LifecycleStageChange" ("id", "workspaceId", "accountId", "fromStage", "toStage", "changedAt", "source")
SELECT gen_random_uuid(), a."workspaceId", a."id", NULL, a."lifecycleStage",
       CASE WHEN a."lifecycleStage" = 'CHURNED' AND a."churnedAt" IS NOT NULL THEN a."churnedAt" ELSE a."signedUpAt" END,
       'BACKFILL'
FROM "Account" a;
