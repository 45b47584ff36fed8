// The driver-level reader must give the same rows as Prisma's raw queries, on PostgreSQL and
// PGlite, whatever the process's time zone: timestamps and dates are UTC instants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, readerFor, sql } from "../src/database.ts";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

const kinds = ["pglite", "postgres"] as const;

describe.each(kinds)("SQL reader on %s", (kind) => {
  let database: Database;
  let postgres: TestDatabase | undefined;
  const originalZone = process.env.TZ;

  beforeAll(async () => {
    // A zone far from UTC, with daylight saving: pg's own timestamp parser would read local time.
    process.env.TZ = "America/Los_Angeles";
    if (kind === "postgres") {
      postgres = await createTestDatabase("sqlreader");
      database = await openDatabase({ url: postgres.url, poolSize: 2 });
    } else {
      database = await openDatabase({ dataDir: ":memory:" });
    }
    const workspace = await database.prisma.workspace.create({
      data: { slug: "reader", name: "Reader", signingSecret: "s", keyFeatures: ["a", "b"] },
    });
    const account = await database.prisma.account.create({
      data: { workspaceId: workspace.id, externalId: "acc-1", name: "Acme", signedUpAt: new Date("2026-03-08T09:30:15.250Z") },
    });
    await database.prisma.healthSnapshot.create({
      data: {
        workspaceId: workspace.id,
        accountId: account.id,
        day: new Date("2026-07-01T00:00:00Z"),
        score: 71.5,
        band: "YELLOW",
        components: [],
      },
    });
  });

  afterAll(async () => {
    await database.close();
    await postgres?.drop();
    if (originalZone === undefined) delete process.env.TZ;
    else process.env.TZ = originalZone;
  });

  const statement = () =>
    sql`SELECT a.id::text AS id, a.name, a."signedUpAt", s.day, s.score, s.band::text AS band, w."keyFeatures",
               w."healthConfig", (a."signedUpAt" >= ${new Date("2026-03-08T09:30:15.250Z")}::timestamp) AS "atOrAfter",
               (a."signedUpAt" >= ${new Date("2026-03-08T09:30:15.251Z")}::timestamp) AS "afterLater",
               a.id = ANY(${[] as string[]}::uuid[]) AS "inEmpty"
        FROM "Account" a JOIN "HealthSnapshot" s ON s."accountId" = a.id JOIN "Workspace" w ON w.id = a."workspaceId"
        WHERE a."externalId" = ${"acc-1"}`;

  it("reads timestamps and dates as UTC instants and binds Date parameters as UTC", async () => {
    const [row] = await database.sql.read<Record<string, unknown>>(statement());
    expect(row).toMatchObject({
      name: "Acme",
      signedUpAt: new Date("2026-03-08T09:30:15.250Z"),
      day: new Date("2026-07-01T00:00:00.000Z"),
      score: 71.5,
      band: "YELLOW",
      keyFeatures: ["a", "b"],
      healthConfig: {},
      atOrAfter: true,
      afterLater: false,
      inEmpty: false,
    });
  });

  it("gives the same rows as Prisma's raw query, and counts its statements", async () => {
    const before = database.statements.count;
    const direct = await database.sql.read(statement());
    expect(database.statements.count).toBe(before + 1);
    const throughPrisma = await database.prisma.$transaction((tx) => readerFor(tx).read(statement()));
    expect(throughPrisma).toEqual(direct);
  });

  it("sends values as parameters, never as SQL text", async () => {
    const rows = await database.sql.read<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM "Account" WHERE name = ${"Acme'; DROP TABLE \"Account\"; --"}`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(await database.prisma.account.count()).toBe(1);
  });
});
