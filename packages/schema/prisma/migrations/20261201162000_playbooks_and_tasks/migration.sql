-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TaskPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "DomainEventType" ADD VALUE 'PLAYBOOK_FIRED';
ALTER TYPE "DomainEventType" ADD VALUE 'TASK_CREATED';
ALTER TYPE "DomainEventType" ADD VALUE 'TASK_COMPLETED';

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "owner" TEXT,
    "dueAt" TIMESTAMP(3),
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "priority" "TaskPriority" NOT NULL DEFAULT 'NORMAL',
    "completedAt" TIMESTAMP(3),
    "playbookId" UUID,
    "firingId" UUID,
    "eventId" TEXT,
    "eventType" "DomainEventType",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Playbook" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "triggerType" "DomainEventType" NOT NULL,
    "conditions" JSONB NOT NULL DEFAULT '{}',
    "actions" JSONB NOT NULL DEFAULT '[]',
    "activeAfterTxid" BIGINT NOT NULL,
    "activeAfterPosition" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Playbook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlaybookFiring" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "playbookId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "eventTxid" BIGINT NOT NULL,
    "eventPosition" BIGINT NOT NULL,
    "eventType" "DomainEventType" NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "results" JSONB NOT NULL,

    CONSTRAINT "PlaybookFiring_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlaybookCursor" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "txid" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlaybookCursor_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Task_workspaceId_createdAt_id_idx" ON "Task"("workspaceId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Task_workspaceId_owner_status_idx" ON "Task"("workspaceId", "owner", "status");

-- CreateIndex
CREATE INDEX "Task_workspaceId_status_dueAt_idx" ON "Task"("workspaceId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_accountId_createdAt_id_idx" ON "Task"("accountId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Task_playbookId_idx" ON "Task"("playbookId");

-- CreateIndex
CREATE INDEX "Task_firingId_idx" ON "Task"("firingId");

-- CreateIndex
CREATE INDEX "Playbook_workspaceId_triggerType_idx" ON "Playbook"("workspaceId", "triggerType");

-- CreateIndex
CREATE UNIQUE INDEX "Playbook_workspaceId_name_key" ON "Playbook"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "PlaybookFiring_workspaceId_firedAt_id_idx" ON "PlaybookFiring"("workspaceId", "firedAt", "id");

-- CreateIndex
CREATE INDEX "PlaybookFiring_accountId_idx" ON "PlaybookFiring"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "PlaybookFiring_playbookId_eventTxid_eventPosition_key" ON "PlaybookFiring"("playbookId", "eventTxid", "eventPosition");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_playbookId_fkey" FOREIGN KEY ("playbookId") REFERENCES "Playbook"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_firingId_fkey" FOREIGN KEY ("firingId") REFERENCES "PlaybookFiring"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Playbook" ADD CONSTRAINT "Playbook_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaybookFiring" ADD CONSTRAINT "PlaybookFiring_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaybookFiring" ADD CONSTRAINT "PlaybookFiring_playbookId_fkey" FOREIGN KEY ("playbookId") REFERENCES "Playbook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaybookFiring" ADD CONSTRAINT "PlaybookFiring_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

