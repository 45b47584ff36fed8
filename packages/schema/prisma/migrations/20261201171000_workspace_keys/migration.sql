-- Every table but the reference ones carries its workspace (so it can be distributed by
-- "workspaceId" under Citus: see docs/scaling.md). WebhookAttempt was the one child table reached
-- only through its parent: it takes its delivery's workspace. One pass over the attempts (the log
-- of HTTP attempts, small next to the facts), then NOT NULL: no index, reads go by delivery.

-- AlterTable
ALTER TABLE "WebhookAttempt" ADD COLUMN "workspaceId" UUID;

UPDATE "WebhookAttempt" a SET "workspaceId" = d."workspaceId"
FROM "WebhookDelivery" d WHERE d.id = a."deliveryId";

ALTER TABLE "WebhookAttempt" ALTER COLUMN "workspaceId" SET NOT NULL;
