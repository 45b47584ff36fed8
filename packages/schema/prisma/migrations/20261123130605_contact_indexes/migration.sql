-- CreateIndex
CREATE INDEX "UsageEvent_contactId_idx" ON "UsageEvent"("contactId");

-- CreateIndex
CREATE INDEX "SurveyResponse_contactId_idx" ON "SurveyResponse"("contactId");

