// Test helper: a fresh PostgreSQL database per test file, created and dropped by the test, on
// the server at PULSE_TEST_POSTGRES_URL (default: the local one at 127.0.0.1:5432).
import { randomBytes } from "node:crypto";
import pg from "pg";

export const adminUrl =
  process.env.PULSE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `pulse_test_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A normalized description of the public schema: tables, columns, enums, indexes, constraints. */
export async function describeSchema(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<string[]> {
  const parts: string[] = [];
  const columns = await query(`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
           character_maximum_length, numeric_precision, numeric_scale
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
    ORDER BY table_name, column_name`);
  for (const row of columns) parts.push(`column ${Object.values(row).map(String).join(" | ")}`);
  const enums = await query(`
    SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
    GROUP BY t.typname ORDER BY t.typname`);
  for (const row of enums) parts.push(`enum ${row.typname}: ${row.labels}`);
  const indexes = await query(`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
    ORDER BY indexname`);
  for (const row of indexes) parts.push(`index ${row.indexname}: ${row.indexdef}`);
  const constraints = await query(`
    SELECT c.conname, c.conrelid::regclass::text AS table_name, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace AND n.nspname = 'public'
    WHERE c.conrelid::regclass::text <> '_prisma_migrations'
      -- Triggers are the migrations' own, outside what schema.prisma describes: the deferred
      -- revision triggers (read_revisions, surveys_revision) are constraint triggers.
      AND c.contype <> 't'
    ORDER BY c.conname`);
  for (const row of constraints) parts.push(`constraint ${row.table_name}.${row.conname}: ${row.definition}`);
  return parts;
}
