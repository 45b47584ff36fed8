// The migration that introduced the lifecycle history backfills one BACKFILL row per existing
// account: its stage then, at churnedAt for a CHURNED account that has one, else at signedUpAt.
import { postgresConnection } from "@pulse/schema/database";
import { applyMigrations, readMigrations } from "@pulse/schema/migrate";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MIGRATION = "20261201161000_journey_economics_targets";

describe(`${MIGRATION} backfill`, () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase("lifecycle_backfill");
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("writes each account's current stage once, at its known time", async () => {
    const migrations = readMigrations();
    const index = migrations.findIndex((migration) => migration.name === MIGRATION);
    expect(index).toBeGreaterThan(0);
    await applyMigrations(postgresConnection(client), { migrations: migrations.slice(0, index) });
    const workspace = "00000000-0000-4000-8000-000000000001";
    await client.query(
      `INSERT INTO "Workspace" (id, slug, name, "signingSecret", "updatedAt") VALUES ($1, 'w', 'W', 's', now())`,
      [workspace],
    );
    const accounts: [string, string, string, string | null][] = [
      ["00000000-0000-4000-8000-00000000000a", "ONBOARDING", "2026-01-01T00:00:00Z", null],
      ["00000000-0000-4000-8000-00000000000b", "ACTIVE", "2025-03-01T00:00:00Z", null],
      ["00000000-0000-4000-8000-00000000000c", "CHURNED", "2025-02-01T00:00:00Z", "2025-11-20T00:00:00Z"],
    ];
    for (const [id, stage, signedUpAt, churnedAt] of accounts) {
      await client.query(
        `INSERT INTO "Account" (id, "workspaceId", "externalId", name, "lifecycleStage", "signedUpAt", "churnedAt", "updatedAt")
         VALUES ($1::uuid, $2::uuid, $1::text, $1::text, $3::"LifecycleStage", $4::timestamp, $5::timestamp, now())`,
        [id, workspace, stage, signedUpAt.replace("Z", ""), churnedAt?.replace("Z", "") ?? null],
      );
    }
    const result = await applyMigrations(postgresConnection(client), {
      migrations: migrations.slice(0, index + 1),
    });
    expect(result.applied).toEqual([MIGRATION]);
    const rows = await client.query<{
      accountId: string;
      fromStage: string | null;
      toStage: string;
      changedAt: string;
      source: string;
    }>(
      `SELECT "accountId", "fromStage"::text AS "fromStage", "toStage"::text AS "toStage",
              to_char("changedAt", 'YYYY-MM-DD') AS "changedAt", source::text AS source
       FROM "LifecycleStageChange" ORDER BY "accountId"`,
    );
    expect(rows.rows).toEqual([
      {
        accountId: accounts[0]?.[0],
        fromStage: null,
        toStage: "ONBOARDING",
        changedAt: "2026-01-01",
        source: "BACKFILL",
      },
      {
        accountId: accounts[1]?.[0],
        fromStage: null,
        toStage: "ACTIVE",
        changedAt: "2025-03-01",
        source: "BACKFILL",
      },
      {
        accountId: accounts[2]?.[0],
        fromStage: null,
        toStage: "CHURNED",
        changedAt: "2025-11-20",
        source: "BACKFILL",
      },
    ]);
  });
});
