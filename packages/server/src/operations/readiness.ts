// Liveness and readiness. /healthz says the process answers; /readyz says it should get traffic:
// the database answers, every migration this version knows is applied, and the server is not
// draining (a server that is shutting down answers 503 so the load balancer stops sending).
import type { Database } from "@pulse/schema/database";
import { sql } from "@pulse/schema/database";
import { readMigrations } from "@pulse/schema/migrate";

export interface Readiness {
  ready: boolean;
  checks: { database: "ok" | string; migrations: "ok" | string; draining: boolean };
}

const DATABASE_TIMEOUT_MS = 2_000;

/** `work`, or a rejection once `ms` have passed without its answer (the work itself goes on). */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function readiness(database: Database, draining: boolean): Promise<Readiness> {
  const expected = readMigrations().map((migration) => migration.name);
  let databaseCheck = "ok";
  let migrationsCheck = "ok";
  try {
    const rows = await withTimeout(
      database.primaryReader.read<{ name: string }>(
        sql`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      ),
      DATABASE_TIMEOUT_MS,
    );
    const applied = new Set(rows.map((row) => row.name));
    const missing = expected.filter((name) => !applied.has(name));
    if (missing.length > 0) migrationsCheck = `not applied: ${missing.join(", ")}`;
  } catch (error) {
    databaseCheck = `unreachable: ${(error as Error).message}`;
    migrationsCheck = "unknown";
  }
  return {
    ready: databaseCheck === "ok" && migrationsCheck === "ok" && !draining,
    checks: { database: databaseCheck, migrations: migrationsCheck, draining },
  };
}
