// The driver-level reader must give the same rows as Prisma's raw queries, on PostgreSQL and
// PGlite, whatever the process's time zone: timestamps and dates are UTC instants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  coalescingReader,
  type Database,
  joinSql,
  openDatabase,
  prismaReader,
  prismaWriter,
  sql,
} from "../src/database.ts";
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
      data: {
        workspaceId: workspace.id,
        externalId: "acc-1",
        name: "Acme",
        signedUpAt: new Date("2026-03-08T09:30:15.250Z"),
      },
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
    const [row] = await database.reader.read<Record<string, unknown>>(statement());
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
    const direct = await database.reader.read(statement());
    expect(database.statements.count).toBe(before + 1);
    const throughPrisma = await database.prisma.$transaction((tx) => prismaReader(tx).read(statement()));
    expect(throughPrisma).toEqual(direct);
  });

  it("sends values as parameters, never as SQL text", async () => {
    const rows = await database.reader.read<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM "Account" WHERE name = ${'Acme\'; DROP TABLE "Account"; --'}`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(await database.prisma.account.count()).toBe(1);
  });

  it("splices sql fragments and joined conditions with their own parameters, in order", async () => {
    const conditions = [
      sql`a.name = ${"Acme"}`,
      sql`a."externalId" = ANY(${["acc-1", "x"]}::text[])`,
      sql`a.seats >= ${0}`,
    ];
    const statement = sql`SELECT a."externalId", ${"tag"}::text AS tag FROM "Account" a WHERE ${joinSql(conditions, " AND ")} LIMIT ${5}`;
    expect(statement.text).toContain(
      '$1::text AS tag FROM "Account" a WHERE a.name = $2 AND a."externalId" = ANY($3::text[]) AND a.seats >= $4 LIMIT $5',
    );
    expect(statement.values).toEqual(["tag", "Acme", ["acc-1", "x"], 0, 5]);
    expect(await database.reader.read(statement)).toEqual([{ externalId: "acc-1", tag: "tag" }]);
    const none = sql`SELECT 1 AS one WHERE ${joinSql([sql`${1} = ${2}`, sql`true`], " OR ")}`;
    expect(none.text).toBe("SELECT 1 AS one WHERE $1 = $2 OR true");
    expect(await database.reader.read(none)).toEqual([{ one: 1 }]);
  });

  describe("reader and writer", () => {
    const accountCount = async () =>
      (await database.reader.read<{ n: number }>(sql`SELECT count(*)::int AS n FROM "Account"`))[0]?.n;
    const writes = [
      sql`UPDATE "Account" SET name = ${"Changed"}`,
      sql`  DELETE FROM "Account"`,
      sql`-- a comment first
          INSERT INTO "Account" (id) VALUES (gen_random_uuid())`,
      sql`WITH gone AS (DELETE FROM "Account" RETURNING id) SELECT count(*) FROM gone`,
      sql`WITH w AS (SELECT id FROM "Workspace") UPDATE "Account" SET seats = 1 WHERE "workspaceId" IN (SELECT id FROM w)`,
      sql`TRUNCATE "HealthSnapshot"`,
    ];

    it("refuses a statement that writes, through the driver and through a transaction, and changes nothing", async () => {
      for (const statement of writes) {
        await expect(database.reader.read(statement)).rejects.toThrow(/reads only/);
        await expect(database.primaryReader.read(statement)).rejects.toThrow(/reads only/);
        await expect(database.prisma.$transaction((tx) => prismaReader(tx).read(statement))).rejects.toThrow(
          /reads only/,
        );
        await expect(coalescingReader(database.reader).read(statement)).rejects.toThrow(/reads only/);
      }
      expect(await accountCount()).toBe(1);
      expect((await database.prisma.account.findFirstOrThrow()).name).toBe("Acme");
    });

    it("reads locking reads and text that only mentions a write", async () => {
      const rows = await database.prisma.$transaction((tx) =>
        prismaReader(tx).read<{ note: string; updatedAt: boolean }>(
          sql`SELECT 'UPDATE or DELETE' AS note, a."updatedAt" IS NOT NULL AS "updatedAt"
              FROM "Account" a WHERE a."externalId" = ${"acc-1"} FOR NO KEY UPDATE`,
        ),
      );
      expect(rows).toEqual([{ note: "UPDATE or DELETE", updatedAt: true }]);
    });

    it("writes through the writer: the changed rows' count, or the rows of RETURNING", async () => {
      const changed = await database.writer.execute(
        sql`UPDATE "Account" SET seats = seats + ${1} WHERE "externalId" = ${"acc-1"}`,
      );
      expect(changed).toBe(1);
      expect(
        await database.writer.execute(sql`UPDATE "Account" SET seats = 0 WHERE "externalId" = ${"nobody"}`),
      ).toBe(0);
      const returned = await database.writer.returning<{ seats: number }>(
        sql`UPDATE "Account" SET seats = seats - ${1} WHERE "externalId" = ${"acc-1"} RETURNING seats`,
      );
      expect(returned).toEqual([{ seats: 0 }]);
    });

    it("writes in a transaction through prismaWriter(tx): they roll back with it", async () => {
      await expect(
        database.prisma.$transaction(async (tx) => {
          const writer = prismaWriter(tx);
          expect(await writer.execute(sql`UPDATE "Account" SET name = ${"Rolled back"}`)).toBe(1);
          const [row] = await prismaReader(tx).read<{ name: string }>(sql`SELECT name FROM "Account"`);
          expect(row?.name).toBe("Rolled back");
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect((await database.prisma.account.findFirstOrThrow()).name).toBe("Acme");
    });
  });

  describe("coalescing reader", () => {
    // Timestamps are read `AT TIME ZONE 'UTC'`: JSON has no timestamp type (see sql-reader.ts).
    const facts = (externalId: string) =>
      sql`SELECT a.name, a."signedUpAt" AT TIME ZONE 'UTC' AS "signedUpAt", s.day, s.score, w."keyFeatures", w."healthConfig",
                 ${externalId}::text AS asked
          FROM "Account" a JOIN "HealthSnapshot" s ON s."accountId" = a.id JOIN "Workspace" w ON w.id = a."workspaceId"
          WHERE a."externalId" = ${externalId} AND s.score > ${1}`;
    const expected = {
      name: "Acme",
      signedUpAt: new Date("2026-03-08T09:30:15.250Z"),
      day: new Date("2026-07-01T00:00:00.000Z"),
      score: 71.5,
      keyFeatures: ["a", "b"],
      healthConfig: {},
      asked: "acc-1",
    };
    const asInstants = (row: Record<string, unknown>) => ({
      ...row,
      signedUpAt: new Date(row.signedUpAt as string),
      day: new Date(row.day as string),
    });

    it("wraps a coalescing reader as itself: its reads still start together as one statement", async () => {
      const inner = coalescingReader(database.reader);
      const outer = coalescingReader(inner);
      expect(outer).toBe(inner);
      const before = database.statements.count;
      const [first, ordered] = await Promise.all([
        outer.read<Record<string, unknown>>(facts("acc-1")),
        inner.read<{ n: number }>(sql`SELECT n FROM generate_series(${1}::int, ${2}::int) AS n ORDER BY n`),
      ]);
      expect(database.statements.count).toBe(before + 1);
      expect(first.map(asInstants)).toEqual([expected]);
      expect(ordered).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it("sends reads that start together as one statement, each with its own rows and parameters", async () => {
      const reader = coalescingReader(database.reader);
      const before = database.statements.count;
      const [first, missing, ordered] = await Promise.all([
        reader.read<Record<string, unknown>>(facts("acc-1")),
        reader.read(facts("nobody")),
        reader.read<{ n: number }>(
          sql`SELECT n FROM generate_series(${1}::int, ${4}::int) AS n ORDER BY n DESC`,
        ),
      ]);
      expect(database.statements.count).toBe(before + 1);
      expect(first.map(asInstants)).toEqual([expected]);
      expect(missing).toEqual([]);
      expect(ordered).toEqual([{ n: 4 }, { n: 3 }, { n: 2 }, { n: 1 }]);
      // A later read is a statement of its own.
      expect((await reader.read<Record<string, unknown>>(facts("acc-1"))).map(asInstants)).toEqual([
        expected,
      ]);
      expect(database.statements.count).toBe(before + 2);
    });

    it("gives the same instants as the driver's own rows, and works inside a transaction", async () => {
      const [direct] = await database.reader.read<Record<string, unknown>>(facts("acc-1"));
      expect(direct).toMatchObject({ signedUpAt: expected.signedUpAt, day: expected.day });
      const inTransaction = await database.prisma.$transaction((tx) =>
        Promise.all([
          coalescingReader(prismaReader(tx)).read<Record<string, unknown>>(facts("acc-1")),
          coalescingReader(prismaReader(tx)).read(facts("x")),
        ]),
      );
      expect(inTransaction[0].map(asInstants)).toEqual([expected]);
      expect(inTransaction[1]).toEqual([]);
    });

    it("runs onFirstRead once, before the first read: the reads it starts join that read's statement", async () => {
      let calls = 0;
      let started: Promise<unknown> | undefined;
      const reader: ReturnType<typeof coalescingReader> = coalescingReader(database.reader, {
        onFirstRead: () => {
          calls += 1;
          started = reader.read<{ n: number }>(sql`SELECT ${7}::int AS n`);
        },
      });
      const before = database.statements.count;
      const first = await reader.read<Record<string, unknown>>(facts("acc-1"));
      expect(database.statements.count).toBe(before + 1);
      expect(await started).toEqual([{ n: 7 }]);
      expect(first.map(asInstants)).toEqual([expected]);
      await reader.read(facts("acc-1"));
      expect(calls).toBe(1);
      expect(database.statements.count).toBe(before + 2);
    });

    it("fails every read of a statement that fails, and refuses text built without `sql`", async () => {
      const reader = coalescingReader(database.reader);
      const results = await Promise.allSettled([
        reader.read(facts("acc-1")),
        reader.read(sql`SELECT ${"not a number"}::int AS n`),
      ]);
      expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
      await expect(reader.read({ text: "SELECT 1", values: [] })).rejects.toThrow(/built by `sql`/);
      expect((await reader.read<Record<string, unknown>>(facts("acc-1"))).map(asInstants)).toEqual([
        expected,
      ]);
    });
  });
});
