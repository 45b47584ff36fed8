-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApiKeyKind" AS ENUM ('SECRET', 'PUBLISHABLE');

-- CreateEnum
CREATE TYPE "LifecycleStage" AS ENUM ('ONBOARDING', 'ADOPTION', 'ACTIVE', 'RENEWAL', 'CHURNED');

-- CreateEnum
CREATE TYPE "RevenueEventKind" AS ENUM ('NEW', 'EXPANSION', 'CONTRACTION', 'CHURN', 'REACTIVATION');

-- CreateEnum
CREATE TYPE "RenewalOutcome" AS ENUM ('RENEWED', 'CHURNED', 'PENDING');

-- CreateEnum
CREATE TYPE "UsageEventKind" AS ENUM ('LOGIN', 'FEATURE', 'SESSION');

-- CreateEnum
CREATE TYPE "TicketPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- CreateEnum
CREATE TYPE "SurveyKind" AS ENUM ('NPS', 'CSAT', 'CES');

-- CreateEnum
CREATE TYPE "SentimentRating" AS ENUM ('RED', 'YELLOW', 'GREEN');

-- CreateEnum
CREATE TYPE "ReviewOutcome" AS ENUM ('UP', 'DOWN');

-- CreateEnum
CREATE TYPE "HealthBand" AS ENUM ('GREEN', 'YELLOW', 'RED');

-- CreateTable
CREATE TABLE "Workspace" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" VARCHAR(3) NOT NULL DEFAULT 'USD',
    "grossMargin" DECIMAL(6,4) NOT NULL DEFAULT 0.8,
    "lifetimeCapMonths" INTEGER NOT NULL DEFAULT 60,
    "healthConfig" JSONB NOT NULL DEFAULT '{}',
    "keyFeatures" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "allowedOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "signingSecret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "kind" "ApiKeyKind" NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY['read', 'write']::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" TEXT,
    "plan" TEXT,
    "seats" INTEGER NOT NULL DEFAULT 0,
    "csmOwner" TEXT,
    "lifecycleStage" "LifecycleStage" NOT NULL DEFAULT 'ONBOARDING',
    "signedUpAt" TIMESTAMP(3) NOT NULL,
    "firstValueAt" TIMESTAMP(3),
    "churnedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "isExecutive" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevenueEvent" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "kind" "RevenueEventKind" NOT NULL,
    "mrrDelta" DECIMAL(18,4) NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RevenueEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contract" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "value" DECIMAL(18,4),
    "renewalOutcome" "RenewalOutcome" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "contactId" UUID,
    "externalId" TEXT,
    "kind" "UsageEventKind" NOT NULL,
    "featureKey" TEXT,
    "durationSeconds" INTEGER,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageDaily" (
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "contactKey" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "logins" INTEGER NOT NULL DEFAULT 0,
    "sessions" INTEGER NOT NULL DEFAULT 0,
    "sessionSeconds" BIGINT NOT NULL DEFAULT 0,
    "featureEvents" INTEGER NOT NULL DEFAULT 0,
    "features" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("accountId","day","contactKey")
);

-- CreateTable
CREATE TABLE "SupportTicket" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "subject" TEXT,
    "priority" "TicketPriority" NOT NULL DEFAULT 'NORMAL',
    "openedAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "SupportTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "amount" DECIMAL(18,4) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "paidAt" TIMESTAMP(3),

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Survey" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "SurveyKind" NOT NULL,
    "question" TEXT NOT NULL,
    "followUpQuestion" TEXT,
    "reaskIntervalDays" INTEGER NOT NULL DEFAULT 90,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "surveyId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "contactId" UUID,
    "kind" "SurveyKind" NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyDismissal" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "surveyId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyDismissal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SentimentEntry" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "rating" "SentimentRating" NOT NULL,
    "note" TEXT,
    "author" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentimentEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "targetDays" INTEGER NOT NULL,
    "isFirstValue" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MilestoneAchievement" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "milestoneId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "achievedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MilestoneAchievement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BusinessReview" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "externalId" TEXT,
    "heldAt" TIMESTAMP(3) NOT NULL,
    "executivesAttended" INTEGER NOT NULL DEFAULT 0,
    "outcome" "ReviewOutcome",
    "notes" TEXT,

    CONSTRAINT "BusinessReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthSnapshot" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "band" "HealthBand" NOT NULL,
    "components" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HealthSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("workspaceId","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_workspaceId_idx" ON "ApiKey"("workspaceId");

-- CreateIndex
CREATE INDEX "Account_workspaceId_name_id_idx" ON "Account"("workspaceId", "name", "id");

-- CreateIndex
CREATE INDEX "Account_workspaceId_segment_idx" ON "Account"("workspaceId", "segment");

-- CreateIndex
CREATE INDEX "Account_workspaceId_csmOwner_idx" ON "Account"("workspaceId", "csmOwner");

-- CreateIndex
CREATE INDEX "Account_workspaceId_signedUpAt_idx" ON "Account"("workspaceId", "signedUpAt");

-- CreateIndex
CREATE UNIQUE INDEX "Account_workspaceId_externalId_key" ON "Account"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Contact_accountId_idx" ON "Contact"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_workspaceId_externalId_key" ON "Contact"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "RevenueEvent_accountId_occurredAt_idx" ON "RevenueEvent"("accountId", "occurredAt");

-- CreateIndex
CREATE INDEX "RevenueEvent_workspaceId_occurredAt_idx" ON "RevenueEvent"("workspaceId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "RevenueEvent_workspaceId_externalId_key" ON "RevenueEvent"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Contract_accountId_endsAt_idx" ON "Contract"("accountId", "endsAt");

-- CreateIndex
CREATE INDEX "Contract_workspaceId_endsAt_idx" ON "Contract"("workspaceId", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_workspaceId_externalId_key" ON "Contract"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "UsageEvent_accountId_occurredAt_idx" ON "UsageEvent"("accountId", "occurredAt");

-- CreateIndex
CREATE INDEX "UsageEvent_workspaceId_occurredAt_idx" ON "UsageEvent"("workspaceId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "UsageEvent_workspaceId_externalId_key" ON "UsageEvent"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "UsageDaily_workspaceId_day_idx" ON "UsageDaily"("workspaceId", "day");

-- CreateIndex
CREATE INDEX "SupportTicket_accountId_openedAt_idx" ON "SupportTicket"("accountId", "openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SupportTicket_workspaceId_externalId_key" ON "SupportTicket"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Invoice_accountId_dueAt_idx" ON "Invoice"("accountId", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_workspaceId_externalId_key" ON "Invoice"("workspaceId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Survey_workspaceId_key_key" ON "Survey"("workspaceId", "key");

-- CreateIndex
CREATE INDEX "SurveyResponse_accountId_kind_createdAt_idx" ON "SurveyResponse"("accountId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_workspaceId_kind_createdAt_idx" ON "SurveyResponse"("workspaceId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_surveyId_contactId_createdAt_idx" ON "SurveyResponse"("surveyId", "contactId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_workspaceId_idempotencyKey_key" ON "SurveyResponse"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "SurveyDismissal_surveyId_contactId_createdAt_idx" ON "SurveyDismissal"("surveyId", "contactId", "createdAt");

-- CreateIndex
CREATE INDEX "SentimentEntry_accountId_createdAt_idx" ON "SentimentEntry"("accountId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SentimentEntry_workspaceId_externalId_key" ON "SentimentEntry"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "Milestone_workspaceId_position_idx" ON "Milestone"("workspaceId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Milestone_workspaceId_key_key" ON "Milestone"("workspaceId", "key");

-- CreateIndex
CREATE INDEX "MilestoneAchievement_workspaceId_milestoneId_idx" ON "MilestoneAchievement"("workspaceId", "milestoneId");

-- CreateIndex
CREATE UNIQUE INDEX "MilestoneAchievement_accountId_milestoneId_key" ON "MilestoneAchievement"("accountId", "milestoneId");

-- CreateIndex
CREATE INDEX "BusinessReview_accountId_heldAt_idx" ON "BusinessReview"("accountId", "heldAt");

-- CreateIndex
CREATE UNIQUE INDEX "BusinessReview_workspaceId_externalId_key" ON "BusinessReview"("workspaceId", "externalId");

-- CreateIndex
CREATE INDEX "HealthSnapshot_workspaceId_day_idx" ON "HealthSnapshot"("workspaceId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "HealthSnapshot_accountId_day_key" ON "HealthSnapshot"("accountId", "day");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RevenueEvent" ADD CONSTRAINT "RevenueEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RevenueEvent" ADD CONSTRAINT "RevenueEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageEvent" ADD CONSTRAINT "UsageEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageEvent" ADD CONSTRAINT "UsageEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageEvent" ADD CONSTRAINT "UsageEvent_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageDaily" ADD CONSTRAINT "UsageDaily_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageDaily" ADD CONSTRAINT "UsageDaily_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportTicket" ADD CONSTRAINT "SupportTicket_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportTicket" ADD CONSTRAINT "SupportTicket_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyDismissal" ADD CONSTRAINT "SurveyDismissal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyDismissal" ADD CONSTRAINT "SurveyDismissal_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyDismissal" ADD CONSTRAINT "SurveyDismissal_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyDismissal" ADD CONSTRAINT "SurveyDismissal_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SentimentEntry" ADD CONSTRAINT "SentimentEntry_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SentimentEntry" ADD CONSTRAINT "SentimentEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MilestoneAchievement" ADD CONSTRAINT "MilestoneAchievement_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MilestoneAchievement" ADD CONSTRAINT "MilestoneAchievement_milestoneId_fkey" FOREIGN KEY ("milestoneId") REFERENCES "Milestone"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MilestoneAchievement" ADD CONSTRAINT "MilestoneAchievement_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessReview" ADD CONSTRAINT "BusinessReview_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessReview" ADD CONSTRAINT "BusinessReview_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthSnapshot" ADD CONSTRAINT "HealthSnapshot_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HealthSnapshot" ADD CONSTRAINT "HealthSnapshot_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdempotencyRecord" ADD CONSTRAINT "IdempotencyRecord_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

