-- CreateEnum
CREATE TYPE "DomainEventType" AS ENUM ('HEALTH_BAND_CHANGED', 'AT_RISK_ENTERED', 'AT_RISK_LEFT', 'SURVEY_RESPONSE_RECEIVED', 'SENTIMENT_CHANGED', 'MILESTONE_ACHIEVED', 'MILESTONE_STALLED', 'RENEWAL_WINDOW_ENTERED', 'ACCOUNT_CHURNED', 'ACCOUNT_REACTIVATED', 'MRR_CHANGED');

-- CreateTable
CREATE TABLE "DomainEvent" (
    "position" BIGSERIAL NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "type" "DomainEventType" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "snapshotId" UUID,
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DomainEvent_pkey" PRIMARY KEY ("position")
);

-- CreateIndex
CREATE INDEX "DomainEvent_workspaceId_txid_position_idx" ON "DomainEvent"("workspaceId", "txid", "position");

-- CreateIndex
CREATE INDEX "DomainEvent_txid_position_idx" ON "DomainEvent"("txid", "position");

-- CreateIndex
CREATE INDEX "DomainEvent_accountId_type_position_idx" ON "DomainEvent"("accountId", "type", "position");

-- CreateIndex
CREATE INDEX "DomainEvent_snapshotId_idx" ON "DomainEvent"("snapshotId");

-- CreateIndex
CREATE UNIQUE INDEX "DomainEvent_workspaceId_dedupeKey_key" ON "DomainEvent"("workspaceId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "DomainEvent" ADD CONSTRAINT "DomainEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DomainEvent" ADD CONSTRAINT "DomainEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DomainEvent" ADD CONSTRAINT "DomainEvent_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "HealthSnapshot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

