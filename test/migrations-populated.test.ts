// Every migration applies to a populated database of the schema before it: nothing lost, nothing
// locked for long. The demo workspace is seeded once at the newest schema; then, for each migration
// M, a database is migrated to just before M, filled with that seed's rows (the columns that exist
// there), migrated through M, and compared: every table of before keeps its rows and the values of
// its columns (a digest per table, by primary key), and M applies within a few seconds. A new
// migration is covered without touching this test.
import { openDatabase, postgresConnection } from "@pulse/schema/database";
import { applyMigrations, readMigrations } from "@pulse/schema/migrate";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { seedDemoWorkspace } from "@pulse/server/seed";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A migration may take this long on the demo data before it counts as locking for long. */
const MAX_MIGRATION_MS = 5_000;

/**
 * Columns a migration deliberately rewrites (a backfill), by migration name: "Table.column".
 * Anything else it changes fails the test.
 */
const REWRITTEN: Record<string, string[]> = {
  // Churned accounts become CHURNED; snapshots below the minimum coverage lose their score and band.
  "20261201100000_health_coverage": ["Account.lifecycleStage", "HealthSnapshot.score", "HealthSnapshot.band"],
};

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function tablesAndColumns(client: pg.Client): Promise<Map<string, string[]>> {
  const result = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
     ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const row of result.rows)
    tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row.column_name]);
  return tables;
}

/** Row count and a digest of the given columns of every row, in a stable order. */
async function digest(
  client: pg.Client,
  table: string,
  columns: string[],
): Promise<{ rows: number; md5: string }> {
  const list = columns.map((column) => `"${column}"`).join(", ");
  const result = await client.query<{ rows: string; md5: string | null }>(
    `SELECT count(*)::text AS rows, md5(string_agg(row_text, '|' ORDER BY row_text)) AS md5
     FROM (SELECT (ROW(${list}))::text AS row_text FROM "${table}") t`,
  );
  return { rows: Number(result.rows[0]?.rows ?? 0), md5: result.rows[0]?.md5 ?? "" };
}

describe("migrations on a populated database of the schema before each", () => {
  const migrations = readMigrations();
  let source: TestDatabase;
  let client: pg.Client;
  const made: TestDatabase[] = [];

  beforeAll(async () => {
    source = await createTestDatabase("migrate_source");
    const database = await openDatabase({ url: source.url, poolSize: 2 });
    try {
      await seedDemoWorkspace(database.prisma, { accounts: 40, today: new Date("2026-06-15T00:00:00Z") });
    } finally {
      await database.close();
    }
    client = await connect(source.url);
  }, 180_000);
  afterAll(async () => {
    await client?.end();
    for (const database of made) await database.drop();
    await source?.drop();
  });

  it.each(migrations.slice(1).map((migration, index) => [migration.name, index + 1] as const))(
    "%s keeps every row and value, and applies quickly",
    async (name, index) => {
      const target = await createTestDatabase("migrate_step");
      made.push(target);
      const before = await connect(target.url);
      try {
        await applyMigrations(postgresConnection(before), { migrations: migrations.slice(0, index) });
        // The seed's rows, restricted to the columns that exist before this migration, loaded with
        // foreign keys and triggers off (the rows are consistent: they come from one database).
        const oldTables = await tablesAndColumns(before);
        const newTables = await tablesAndColumns(client);
        await before.query("SET session_replication_role = replica");
        for (const [table, columns] of oldTables) {
          const shared = columns.filter((column) => newTables.get(table)?.includes(column));
          if (shared.length === 0) continue;
          const list = shared.map((column) => `"${column}"`).join(", ");
          const rows = await client.query<{ rows: unknown }>(
            `SELECT coalesce(json_agg(t), '[]'::json) AS rows FROM (SELECT ${list} FROM "${table}") t`,
          );
          await before.query(
            `INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json)`,
            [JSON.stringify(rows.rows[0]?.rows ?? [])],
          );
        }
        await before.query("SET session_replication_role = origin");
        const digestsBefore = new Map<string, { rows: number; md5: string }>();
        let populated = 0;
        for (const [table, columns] of oldTables) {
          const value = await digest(before, table, columns);
          digestsBefore.set(table, value);
          populated += value.rows;
        }
        expect(populated).toBeGreaterThan(1000);

        const startedAt = Date.now();
        const result = await applyMigrations(postgresConnection(before), {
          migrations: migrations.slice(0, index + 1),
        });
        const elapsed = Date.now() - startedAt;
        expect(result.applied).toEqual([name]);
        expect(elapsed, `${name} took ${elapsed} ms on the demo data`).toBeLessThan(MAX_MIGRATION_MS);

        const rewritten = new Set(REWRITTEN[name] ?? []);
        const afterTables = await tablesAndColumns(before);
        for (const [table, columns] of oldTables) {
          const kept = columns.filter(
            (column) => afterTables.get(table)?.includes(column) && !rewritten.has(`${table}.${column}`),
          );
          const dropped = columns.filter((column) => !afterTables.get(table)?.includes(column));
          expect(dropped, `${name} drops columns of ${table}`).toEqual([]);
          const expected = digestsBefore.get(table);
          const after = await digest(before, table, kept);
          expect(after.rows, `${name}: rows of ${table}`).toBe(expected?.rows);
          if (kept.length === columns.length)
            expect(after.md5, `${name}: values of ${table}`).toBe(expected?.md5);
        }
      } finally {
        await before.end();
      }
    },
    120_000,
  );
});
