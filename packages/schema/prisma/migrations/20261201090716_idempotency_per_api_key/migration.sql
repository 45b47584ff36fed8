-- Idempotency records are scoped to the API key that made them. A record made before this
-- migration names no key and cannot be given one (any key of its workspace could have sent it);
-- records only serve retries of a request made moments before, so they are dropped rather than
-- guessed: a retry of such a request after the upgrade runs as a new request.
DELETE FROM "IdempotencyRecord";

-- AlterTable
ALTER TABLE "IdempotencyRecord" DROP CONSTRAINT "IdempotencyRecord_pkey",
ADD COLUMN     "apiKeyId" UUID NOT NULL,
ADD CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("apiKeyId", "key");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_workspaceId_idx" ON "IdempotencyRecord"("workspaceId");

-- AddForeignKey
ALTER TABLE "IdempotencyRecord" ADD CONSTRAINT "IdempotencyRecord_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

