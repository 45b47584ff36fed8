import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, openDatabase, pgliteConnection, postgresConnection } from "../src/database.ts";
import { applyMigrations, type MigrationConnection, MigrationError, readMigrations } from "../src/migrate.ts";
import { diffSchemas, readSchemaText, runPrisma6 } from "../tools/schema-diff.mjs";
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

  it("admin_keys applies on a populated database of the previous schema", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const index = migrations.findIndex((m) => m.name.endsWith("_admin_keys"));
    expect(index).toBeGreaterThan(0);
    await applyMigrations(connection, { migrations: migrations.slice(0, index) });
    await connection.query(
      `INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt") VALUES ('11111111-1111-4111-8111-111111111111', 'old', 'Old', 's', now())`,
    );
    await connection.query(
      `INSERT INTO "ApiKey" (id, "workspaceId", kind, name, prefix, hash) VALUES ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111', 'SECRET', 'k', 'sk_abc', 'h')`,
    );
    const result = await applyMigrations(connection);
    expect(result.applied).toEqual(migrations.slice(index).map((m) => m.name));
    expect(await connection.query(`SELECT slug, "disabledAt" FROM "Workspace"`)).toEqual([
      { slug: "old", disabledAt: null },
    ]);
    expect(await connection.query(`SELECT count(*)::int AS n FROM "ApiKey"`)).toEqual([{ n: 1 }]);
    await connection.query(
      `INSERT INTO "AdminKey" (id, name, prefix, hash) VALUES ('33333333-3333-4333-8333-333333333333', 'a', 'ak_abc', 'h')`,
    );
    expect(await connection.query(`SELECT name, "revokedAt" FROM "AdminKey"`)).toEqual([
      { name: "a", revokedAt: null },
    ]);
    await pglite.close();
  });

  it("survey translations apply on a populated database of the previous schema: stored surveys keep their texts as the default locale's", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const index = migrations.findIndex((m) => m.name.endsWith("_survey_translations"));
    expect(index).toBeGreaterThan(0);
    await applyMigrations(connection, { migrations: migrations.slice(0, index) });
    await connection.exec(`
      INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
        VALUES ('00000000-0000-4000-8000-000000000001', 'before', 'Before', 's', now());
      INSERT INTO "Survey" (id, "workspaceId", key, kind, question, "followUpQuestion")
        VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
                'nps-main', 'NPS', 'How likely?', 'Why?');
    `);
    const result = await applyMigrations(connection);
    expect(result.applied).toEqual(migrations.slice(index).map((m) => m.name));
    const rows = await connection.query<Record<string, unknown>>(
      `SELECT key, question, "followUpQuestion", "defaultLocale", translations FROM "Survey"`,
    );
    expect(rows).toEqual([
      {
        key: "nps-main",
        question: "How likely?",
        followUpQuestion: "Why?",
        defaultLocale: "en",
        translations: [],
      },
    ]);
    await pglite.close();
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

// Each migration of this round applies on a database populated under the schema before it.
const IDEMPOTENCY_PER_KEY = "20261201090716_idempotency_per_api_key";

async function populatedBeforeIdempotencyPerKey(connection: MigrationConnection): Promise<void> {
  const index = migrations.findIndex((m) => m.name === IDEMPOTENCY_PER_KEY);
  expect(index).toBeGreaterThan(0);
  await applyMigrations(connection, { migrations: migrations.slice(0, index) });
  await connection.exec(`
    INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
      VALUES ('00000000-0000-4000-8000-000000000001', 'old', 'Old', 's', now());
    INSERT INTO "ApiKey" (id, "workspaceId", kind, name, prefix, hash)
      VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'SECRET', 'k', 'sk_x', 'h');
    INSERT INTO "IdempotencyRecord" ("workspaceId", key, operation, "requestHash", response)
      VALUES ('00000000-0000-4000-8000-000000000001', 'retry-1', 'm', 'r', '{}'),
             ('00000000-0000-4000-8000-000000000001', 'retry-2', 'm', 'r', '{}');`);
}

async function checkIdempotencyPerKey(connection: MigrationConnection): Promise<void> {
  const result = await applyMigrations(connection);
  expect(result.applied).toContain(IDEMPOTENCY_PER_KEY);
  // Records that name no key are dropped; the rest of the data stays.
  expect(await connection.query(`SELECT count(*)::int AS n FROM "IdempotencyRecord"`)).toEqual([{ n: 0 }]);
  expect(await connection.query(`SELECT slug FROM "Workspace"`)).toEqual([{ slug: "old" }]);
  await connection.exec(`INSERT INTO "IdempotencyRecord" ("workspaceId", "apiKeyId", key, operation, "requestHash", response)
    VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'retry-1', 'm', 'r', '{}')`);
  // The same Idempotency-Key under the same API key is one record.
  await expect(
    connection.exec(`INSERT INTO "IdempotencyRecord" ("workspaceId", "apiKeyId", key, operation, "requestHash", response)
      VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'retry-1', 'm', 'r', '{}')`),
  ).rejects.toThrow(/duplicate key|unique/);
}

describe("migrations on a populated database", () => {
  it("scope idempotency records to API keys, on PGlite", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    await populatedBeforeIdempotencyPerKey(connection);
    await checkIdempotencyPerKey(connection);
    await pglite.close();
  });

  it("scope idempotency records to API keys, on PostgreSQL", async () => {
    const database = await createTestDatabase("migrate_populated");
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const connection = postgresConnection(client);
      await populatedBeforeIdempotencyPerKey(connection);
      await checkIdempotencyPerKey(connection);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});

describe("migration 20261201100000_health_coverage on a populated database", () => {
  it("applies over rows of the previous schema: snapshot score and band become nullable, no-data scores are cleared, churned accounts are CHURNED", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const index = migrations.findIndex((m) => m.name === "20261201100000_health_coverage");
    expect(index).toBeGreaterThan(0);
    await applyMigrations(connection, { migrations: migrations.slice(0, index) });
    await connection.exec(`
      INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
        VALUES ('00000000-0000-0000-0000-000000000001', 'w', 'W', 's', now());
      INSERT INTO "Account" (id, "workspaceId", "externalId", name, "signedUpAt", "updatedAt") VALUES
        ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000001', 'a', 'A', now(), now()),
        ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000001', 'b', 'B', now(), now());
      UPDATE "Account" SET "churnedAt" = now() WHERE "externalId" = 'b';
      INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components) VALUES
        (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000a', '2026-11-30', 100, 'GREEN',
         '[{"key":"usage","weight":0,"rawWeight":40,"value":null,"used":false},{"key":"feedback","weight":0,"rawWeight":30,"value":null,"used":false},
           {"key":"support","weight":1,"rawWeight":20,"value":100,"used":true},{"key":"payment","weight":0,"rawWeight":10,"value":null,"used":false}]'),
        (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000b', '2026-11-30', 60, 'YELLOW',
         '[{"key":"usage","weight":0.6667,"rawWeight":40,"value":50,"used":true},{"key":"feedback","weight":0,"rawWeight":30,"value":null,"used":false},
           {"key":"support","weight":0.3333,"rawWeight":20,"value":80,"used":true},{"key":"payment","weight":0,"rawWeight":10,"value":null,"used":false}]');
    `);
    const result = await applyMigrations(connection, { migrations });
    expect(result.applied).toContain("20261201100000_health_coverage");
    const rows = await connection.query<{ externalId: string; score: number | null; band: string | null }>(
      `SELECT a."externalId", s.score, s.band::text AS band FROM "HealthSnapshot" s JOIN "Account" a ON a.id = s."accountId" ORDER BY 1`,
    );
    expect(rows).toEqual([
      { externalId: "a", score: null, band: null },
      { externalId: "b", score: 60, band: "YELLOW" },
    ]);
    const stages = await connection.query<{ externalId: string; lifecycleStage: string }>(
      `SELECT "externalId", "lifecycleStage"::text AS "lifecycleStage" FROM "Account" ORDER BY 1`,
    );
    expect(stages).toEqual([
      { externalId: "a", lifecycleStage: "ONBOARDING" },
      { externalId: "b", lifecycleStage: "CHURNED" },
    ]);
    await connection.exec(`
      INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
        VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000b', '2026-12-01', NULL, NULL, '[]')`);
    await pglite.close();
  });
});

// The domain-event outbox (20261201150000_domain_events) applies on a database of the previous
// schema that already holds a workspace, an account and a snapshot, and takes events after.
describe("the domain events migration on a populated database", () => {
  const previous = migrations.filter((migration) => migration.name < "20261201150000_domain_events");
  // Up to and including the outbox (later migrations are tested on their own).
  const through = migrations.filter((migration) => migration.name <= "20261201150000_domain_events");
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
    expect(previous.length).toBe(through.length - 1);
    await applyMigrations(connection, { migrations: previous });
    await connection.exec(populate);
    const result = await applyMigrations(connection, { migrations: through });
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
        const result = await applyMigrations(connection, { migrations: through });
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

describe("health_config_versions migration", () => {
  it("gives every existing workspace version 1 from its stored configuration, and a new workspace its version 1", async () => {
    const pglite = new PGlite();
    const connection = pgliteConnection(pglite);
    const index = migrations.findIndex((migration) => migration.name.endsWith("_health_config_versions"));
    expect(index).toBeGreaterThan(0);
    await applyMigrations(connection, { migrations: migrations.slice(0, index) });
    await pglite.query(
      `INSERT INTO "Workspace" (id, slug, name, "signingSecret", "healthConfig", "updatedAt") VALUES
       ('00000000-0000-4000-8000-000000000001', 'tuned', 'Tuned', 's', '{"bands":{"green":80}}', now()),
       ('00000000-0000-4000-8000-000000000002', 'plain', 'Plain', 's', '{}', now())`,
    );
    await applyMigrations(connection, { migrations: migrations.slice(0, index + 1) });
    await pglite.query(
      `INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
       VALUES ('00000000-0000-4000-8000-000000000003', 'new', 'New', 's', now())`,
    );
    const versions = await pglite.query<{
      slug: string;
      version: number;
      config: unknown;
      apiKeyId: string | null;
    }>(
      `SELECT w.slug, v.version, v.config, v."apiKeyId" FROM "HealthConfigVersion" v
       JOIN "Workspace" w ON w.id = v."workspaceId" ORDER BY w.slug`,
    );
    expect(versions.rows).toEqual([
      { slug: "new", version: 1, config: {}, apiKeyId: null },
      { slug: "plain", version: 1, config: {}, apiKeyId: null },
      { slug: "tuned", version: 1, config: { bands: { green: 80 } }, apiKeyId: null },
    ]);
    await pglite.close();
  });
});
