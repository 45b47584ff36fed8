-- CreateIndex
CREATE INDEX "SurveyDismissal_contactId_idx" ON "SurveyDismissal"("contactId");

-- CreateIndex
CREATE INDEX "SurveyDismissal_accountId_idx" ON "SurveyDismissal"("accountId");

