// Periodic jobs' runs: one "JobRun" row per job, locked by the server that runs it.
import { type SqlReader, type SqlWriter, sql } from "@pulse/schema/database";
import { optionalInstant, utcColumn } from "./columns.ts";

/** Creates the job's row if missing (so two first runs skip each other instead of waiting). */
export async function ensureJobRun(writer: SqlWriter, name: string): Promise<void> {
  await writer.execute(sql`INSERT INTO "JobRun" (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`);
}

/**
 * Locks the job's row for the caller's transaction, skipping it when another server holds it:
 * the last start, or undefined when the row is locked elsewhere (or missing).
 */
export async function lockJobRun(
  reader: SqlReader,
  name: string,
): Promise<{ startedAt: Date | null } | undefined> {
  const [row] = await reader.read<{ startedAt: string | Date | null }>(sql`
    SELECT ${utcColumn('"startedAt"', "startedAt")} FROM "JobRun" WHERE name = ${name} FOR UPDATE SKIP LOCKED`);
  return row ? { startedAt: optionalInstant(row.startedAt) } : undefined;
}

export async function markJobStarted(writer: SqlWriter, name: string, at: Date): Promise<void> {
  await writer.execute(sql`UPDATE "JobRun" SET "startedAt" = ${at}::timestamp WHERE name = ${name}`);
}

export async function markJobFinished(
  writer: SqlWriter,
  name: string,
  at: Date,
  lastError: string | null,
): Promise<void> {
  await writer.execute(
    sql`UPDATE "JobRun" SET "finishedAt" = ${at}::timestamp, "lastError" = ${lastError} WHERE name = ${name}`,
  );
}
