// Every table can be distributed by workspace (Citus, docs/scaling.md): read from the live
// catalog of a migrated PostgreSQL database, each table but the few undistributed ones has a
// NOT NULL uuid "workspaceId" column, so each of its primary, unique and foreign keys can carry
// the distribution column. The doc's table lists every table, and the migration that gave
// WebhookAttempt its column fills it from the delivery.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresConnection } from "../src/database.ts";
import { applyMigrations, readMigrations } from "../src/migrate.ts";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

/**
 * Tables that are not distributed (reference tables, replicated to every node, or coordinator-local
 * ones), and why: docs/scaling.md's Citus section. Every other table must carry "workspaceId".
 */
const UNDISTRIBUTED_TABLES: Record<string, string> = {
  Workspace: "reference: the tenant itself (its id is the distribution value); every foreign key points here",
  ApiKey: "reference: looked up by the key's hash before the workspace is known",
  AdminKey: "coordinator-local: belongs to no workspace",
  JobRun: "coordinator-local: one row per background job across every server",
  PlaybookCursor: "with the outbox: one cursor over the outbox of every workspace",
  OutboxConsumer: "with the outbox: one cursor per consumer over the outbox of every workspace",
};

const MIGRATION = "20261201171000_workspace_keys";

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Tables of the public schema (not the migrator's own), with their "workspaceId" column if any. */
async function tables(client: pg.Client) {
  const result = await client.query<{ table: string; type: string | null; nullable: string | null }>(
    `SELECT t.table_name AS table, c.data_type AS type, c.is_nullable AS nullable
     FROM information_schema.tables t
     LEFT JOIN information_schema.columns c
       ON c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'workspaceId'
     WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name <> '_prisma_migrations'
     ORDER BY t.table_name`,
  );
  return result.rows;
}

/** Tables that are not undistributed and lack a NOT NULL uuid "workspaceId", with what is wrong. */
async function offenders(client: pg.Client): Promise<string[]> {
  return (await tables(client))
    .filter((row) => !(row.table in UNDISTRIBUTED_TABLES))
    .flatMap((row) => {
      if (row.type === null) return [`${row.table}: no "workspaceId" column`];
      if (row.type !== "uuid") return [`${row.table}: "workspaceId" is ${row.type}, not uuid`];
      if (row.nullable !== "NO") return [`${row.table}: "workspaceId" may be null`];
      return [];
    });
}

/** The table names in the first column of the tables of docs/scaling.md's Citus section. */
function documentedTables(): Set<string> {
  const doc = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "scaling.md"), "utf8");
  const start = doc.indexOf("## When one PostgreSQL is not enough: Citus");
  expect(start, "docs/scaling.md has its Citus section").toBeGreaterThanOrEqual(0);
  const end = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const cell = /^\|([^|]+)\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const name of cell.matchAll(/`?([A-Z][A-Za-z]+)`?/g)) if (name[1]) names.add(name[1]);
  }
  return names;
}

describe("every distributed table carries the workspace (Citus distribution column)", () => {
  const migrations = readMigrations();
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase("workspace_keys");
    client = await connect(database.url);
    await applyMigrations(postgresConnection(client), { migrations });
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("has a NOT NULL uuid workspaceId on every table but the undistributed ones", async () => {
    expect(await offenders(client)).toEqual([]);
  });

  it("names only tables that exist as undistributed", async () => {
    const names = new Set((await tables(client)).map((row) => row.table));
    expect(Object.keys(UNDISTRIBUTED_TABLES).filter((table) => !names.has(table))).toEqual([]);
  });

  it("lists every table in docs/scaling.md's Citus section", async () => {
    const documented = documentedTables();
    const missing = (await tables(client)).map((row) => row.table).filter((table) => !documented.has(table));
    expect(missing, "tables missing from the Citus table of docs/scaling.md").toEqual([]);
  });

  it(`${MIGRATION} fills WebhookAttempt's workspace from its delivery`, async () => {
    const index = migrations.findIndex((migration) => migration.name === MIGRATION);
    expect(index).toBeGreaterThan(0);
    const target = await createTestDatabase("workspace_keys_backfill");
    const before = await connect(target.url);
    try {
      await applyMigrations(postgresConnection(before), { migrations: migrations.slice(0, index) });
      expect(await offenders(before)).toContain('WebhookAttempt: no "workspaceId" column');
      const workspaces = await before.query<{ id: string }>(
        `INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt")
         VALUES (gen_random_uuid(), 'one', 'One', 's', now()), (gen_random_uuid(), 'two', 'Two', 's', now())
         RETURNING id::text AS id`,
      );
      for (const [n, workspace] of workspaces.rows.entries()) {
        await before.query(
          `WITH endpoint AS (
             INSERT INTO "WebhookEndpoint" (id, "workspaceId", url, "eventTypes", secret, "updatedAt")
             VALUES (gen_random_uuid(), $1::uuid, 'https://example.com/hook', '{}', 'whsec_x', now())
             RETURNING id),
           delivery AS (
             INSERT INTO "WebhookDelivery" (id, "workspaceId", "endpointId", "eventId", "eventType", body)
             SELECT gen_random_uuid(), $1::uuid, endpoint.id, $2, 'TASK_CREATED', '{}' FROM endpoint
             RETURNING id)
           INSERT INTO "WebhookAttempt" (id, "deliveryId", "attemptedAt", succeeded, "latencyMs")
           SELECT gen_random_uuid(), delivery.id, now(), n % 2 = 0, 10
           FROM delivery, generate_series(1, 3) AS n`,
          [workspace.id, `1-${n}`],
        );
      }
      await applyMigrations(postgresConnection(before), { migrations: migrations.slice(0, index + 1) });
      const rows = await before.query<{ attempts: string; matching: string }>(
        `SELECT count(*)::text AS attempts, count(*) FILTER (WHERE a."workspaceId" = d."workspaceId")::text AS matching
         FROM "WebhookAttempt" a JOIN "WebhookDelivery" d ON d.id = a."deliveryId"`,
      );
      expect(rows.rows[0]).toEqual({ attempts: "6", matching: "6" });
      expect(await offenders(before)).not.toContain('WebhookAttempt: no "workspaceId" column');
    } finally {
      await before.end();
      await target.drop();
    }
  }, 120_000);
});
