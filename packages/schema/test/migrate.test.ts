import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSchemas, readSchemaText, runPrisma6 } from "../tools/schema-diff.mjs";
import { migratePostgres, openDatabase, pgliteConnection, postgresConnection } from "../src/database.ts";
import { applyMigrations, MigrationError, readMigrations } from "../src/migrate.ts";
import { createTestDatabase, describeSchema, type TestDatabase } from "./postgres.ts";

const migrations = readMigrations();

async function pgQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe("migrations on embedded PGlite", () => {
  it("apply to a new in-memory database, and a second run is a no-op", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const first = await applyMigrations(connection);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const second = await applyMigrations(connection);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(migrations.map((m) => m.name));
    const rows = await connection.query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      migrations.map((m) => [m.name, m.checksum, 1]),
    );
    await pglite.close();
  });

  it("persist in a data folder across re-opens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulse-pglite-"));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.prisma.workspace.create({ data: { slug: "persisted", name: "P", signingSecret: "s" } });
      expect(first.migration.applied.length).toBe(migrations.length);
      await first.close();
      const second = await openDatabase({ dataDir: dir });
      expect(second.migration.applied).toEqual([]);
      expect(await second.prisma.workspace.count({ where: { slug: "persisted" } })).toBe(1);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("roll back a failing migration completely and refuse to start", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const broken = [
      ...migrations,
      {
        name: "99999999999999_broken",
        sql: 'CREATE TABLE "half" (id int); SELECT * FROM "missing_table";',
        checksum: "x",
      },
    ];
    await expect(applyMigrations(connection, { migrations: broken })).rejects.toBeInstanceOf(MigrationError);
    const half = await connection.query(`SELECT to_regclass('public.half') AS t`);
    expect(half).toEqual([{ t: null }]);
    const recorded = await connection.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    await pglite.close();
  });
});

describe("migrations on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("migrate");
  });
  afterAll(async () => {
    await database.drop();
  });

  it("apply once even when several servers start at the same time", async () => {
    const results = await Promise.all([1, 2, 3].map(() => migratePostgres(database.url)));
    const appliedBy = results.filter((r) => r.applied.length > 0);
    expect(appliedBy).toHaveLength(1);
    expect(appliedBy[0]?.applied).toEqual(migrations.map((m) => m.name));
    for (const result of results.filter((r) => r.applied.length === 0)) {
      expect(result.alreadyApplied).toEqual(migrations.map((m) => m.name));
    }
    const rows = await pgQuery(database.url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]?.n).toBe(migrations.length);
  });

  it("a second start applies nothing", async () => {
    const again = await migratePostgres(database.url);
    expect(again.applied).toEqual([]);
  });

  it("are recognized by Prisma's own CLI as fully applied (same _prisma_migrations table)", () => {
    const output = runPrisma6({
      args: ["migrate", "status", "--schema", "schema.prisma"],
      schemas: { "schema.prisma": readSchemaText() },
      databaseUrl: database.url,
    });
    expect(output).toContain("Database schema is up to date");
  });

  it("produce exactly the schema that schema.prisma describes (no drift)", async () => {
    const expected = await createTestDatabase("drift");
    try {
      const sql = diffSchemas({
        fromSchemaText: null,
        toSchemaText: readSchemaText(),
        databaseUrl: expected.url,
      });
      const client = new pg.Client({ connectionString: expected.url });
      await client.connect();
      await client.query(sql);
      await client.end();
      const fromSchema = await describeSchema((q) => pgQuery(expected.url, q));
      const fromMigrations = await describeSchema((q) => pgQuery(database.url, q));
      expect(fromSchema.length).toBeGreaterThan(100);
      expect(fromMigrations).toEqual(fromSchema);
    } finally {
      await expected.drop();
    }
  });

  it("the drift check notices a schema change that has no migration", async () => {
    const scratch = await createTestDatabase("drift_neg");
    try {
      const changed = readSchemaText().replace("  seats          Int", "  seatsLicensed  Int");
      const sql = diffSchemas({ fromSchemaText: null, toSchemaText: changed, databaseUrl: scratch.url });
      await pgQuery(scratch.url, sql);
      const fromChanged = await describeSchema((q) => pgQuery(scratch.url, q));
      const fromMigrations = await describeSchema((q) => pgQuery(database.url, q));
      expect(fromMigrations).not.toEqual(fromChanged);
    } finally {
      await scratch.drop();
    }
  });

  it("the Prisma client reads and writes through the PostgreSQL adapter", async () => {
    const db = await openDatabase({ url: database.url });
    expect(db.migration.applied).toEqual([]);
    const workspace = await db.prisma.workspace.create({
      data: { slug: "pg", name: "PG", signingSecret: "s" },
    });
    expect(await db.prisma.workspace.findUnique({ where: { id: workspace.id } })).toMatchObject({
      slug: "pg",
    });
    await db.close();
  });
});

// The domain-event outbox (20261201150000_domain_events) applies on a database of the previous
// schema that already holds a workspace, an account and a snapshot, and takes events after.
describe("the domain events migration on a populated database", () => {
  const previous = migrations.filter((migration) => migration.name < "20261201150000_domain_events");
  const populate = `
    INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
      VALUES ('00000000-0000-4000-8000-000000000001', 'old', 'Old', 's', now());
    INSERT INTO "Account" (id, "workspaceId", "externalId", name, "signedUpAt", "updatedAt")
      VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'acme', 'Acme', now(), now());
    INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
      VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001',
              '00000000-0000-4000-8000-000000000002', '2026-11-30', 55, 'YELLOW', '[]');`;
  const insertEvent = `
    INSERT INTO "DomainEvent" ("workspaceId", "accountId", type, "occurredAt", payload, "snapshotId")
      VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002',
              'HEALTH_BAND_CHANGED', now(), '{"from":"GREEN","to":"YELLOW"}', '00000000-0000-4000-8000-000000000003')
      RETURNING position::text, txid::text, (txid = (pg_current_xact_id()::text)::bigint) AS "ownTransaction"`;

  it("applies on PGlite", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    expect(previous.length).toBe(migrations.length - 1);
    await applyMigrations(connection, { migrations: previous });
    await connection.exec(populate);
    const result = await applyMigrations(connection);
    expect(result.applied).toEqual(["20261201150000_domain_events"]);
    const [event] = await connection.query<{ position: string; ownTransaction: boolean }>(insertEvent);
    expect(event).toMatchObject({ position: "1", ownTransaction: true });
    await pglite.close();
  });

  it("applies on PostgreSQL", async () => {
    const scratch = await createTestDatabase("migrate_events");
    try {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const connection = postgresConnection(client);
        await applyMigrations(connection, { migrations: previous });
        await connection.exec(populate);
        const result = await applyMigrations(connection);
        expect(result.applied).toEqual(["20261201150000_domain_events"]);
        const [event] = await connection.query<{ position: string; ownTransaction: boolean }>(insertEvent);
        expect(event).toMatchObject({ position: "1", ownTransaction: true });
      } finally {
        await client.end();
      }
    } finally {
      await scratch.drop();
    }
  });
});
