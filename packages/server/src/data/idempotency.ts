// Idempotency records: one per (API key, Idempotency-Key), claimed by the first request.
import { type SqlWriter, sql } from "@pulse/schema/database";

/**
 * Claims the key for a request: inserts its pending record, or takes over a pending record of
 * the same request older than `staleBefore` (its server died). False when another request holds it.
 */
export async function claimIdempotencyKey(
  writer: SqlWriter,
  input: {
    workspaceId: string;
    apiKeyId: string;
    key: string;
    /** The operation column's value while the first request runs. */
    pending: string;
    requestHash: string;
    now: Date;
    staleBefore: Date;
  },
): Promise<boolean> {
  const claimed = await writer.returning<{ key: string }>(sql`
    INSERT INTO "IdempotencyRecord" ("workspaceId", "apiKeyId", key, operation, "requestHash", response, "createdAt")
    VALUES (${input.workspaceId}::uuid, ${input.apiKeyId}::uuid, ${input.key}, ${input.pending}, ${input.requestHash}, '{}'::jsonb, ${input.now}::timestamp)
    ON CONFLICT ("apiKeyId", key) DO UPDATE SET "createdAt" = EXCLUDED."createdAt"
      WHERE "IdempotencyRecord".operation = ${input.pending} AND "IdempotencyRecord"."requestHash" = EXCLUDED."requestHash"
        AND "IdempotencyRecord"."createdAt" < ${input.staleBefore}::timestamp
    RETURNING key`);
  return claimed.length > 0;
}
