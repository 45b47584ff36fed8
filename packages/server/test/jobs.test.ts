// Background jobs run once across servers: two servers (two connection pools) on one PostgreSQL
// database tick at the same time and one of them runs a due job; a job runs again only after its
// interval; a run whose server dies (its connection killed mid-run) is rolled back and taken over.
import type { Database } from "@pulse/schema/database";
import { openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobScheduler } from "../src/jobs/scheduler.ts";

describe("jobs once across two servers on PostgreSQL", () => {
  let test: TestDatabase;
  let one: Database;
  let two: Database;
  let now = new Date("2026-06-15T12:00:00Z");
  const clock = () => now;

  beforeAll(async () => {
    test = await createTestDatabase("jobs");
    one = await openDatabase({ url: test.url, poolSize: 4 });
    two = await openDatabase({ url: test.url, poolSize: 4 });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await test?.drop();
  });

  it("runs a due job on one server only, and again only after its interval", async () => {
    let runs = 0;
    const job = {
      name: "count",
      everyMs: 60_000,
      run: async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 200));
      },
    };
    const a = new JobScheduler(one, { clock }).add(job);
    const b = new JobScheduler(two, { clock }).add(job);
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    expect([...ranA, ...ranB]).toEqual(["count"]);
    expect(runs).toBe(1);
    expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([[], []]);
    now = new Date(now.getTime() + 61_000);
    const again = await Promise.all([a.runDue(), b.runDue()]);
    expect(again.flat()).toEqual(["count"]);
    expect(runs).toBe(2);
    const [age] = await a.ages();
    expect(age?.job).toBe("count");
    expect(age?.seconds).toBeLessThan(5);
  });

  it("wake runs a job at once whatever its interval, once across servers, and retries while another server runs it", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = {
      name: "woken",
      everyMs: 3_600_000,
      run: async () => {
        runs += 1;
        if (runs === 1) await held;
      },
    };
    const a = new JobScheduler(one, { clock }).add(slow);
    const b = new JobScheduler(two, { clock }).add(slow);
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 10_000;
      while (runs < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    // Not due (it is hourly) but woken: it runs now, on A, and holds its lock.
    a.wake("woken");
    await waitFor(1);
    expect(runs).toBe(1);
    // B is woken while A runs it: B does not run it beside A, and tries again shortly.
    b.wake("woken", 200);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1);
    release();
    await waitFor(2);
    expect(runs).toBe(2);
    // A stopped scheduler ignores wakes.
    await a.stop();
    await b.stop();
    a.wake("woken");
    b.wake("woken");
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(2);
  });

  it("takes over a run whose server died during it", async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let completedRuns = 0;
    const dying = new JobScheduler(one, { clock }).add({
      name: "takeover",
      everyMs: 60_000,
      run: () => {
        started();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const survivor = new JobScheduler(two, { clock }).add({
      name: "takeover",
      everyMs: 60_000,
      run: async () => {
        completedRuns += 1;
      },
    });
    const first = dying.runDue().catch((error: unknown) => error);
    await running;
    // While it runs, the other server skips it.
    expect(await survivor.runDue()).toEqual([]);
    // The dying server's connection goes away with its transaction and row lock.
    const admin = new pg.Client({ connectionString: test.url });
    await admin.connect();
    try {
      const holders = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'JobRun' AND l.mode = 'RowShareLock'`,
      );
      expect(holders.rows).toHaveLength(1);
      await admin.query("SELECT pg_terminate_backend($1)", [holders.rows[0]?.pid]);
    } finally {
      await admin.end();
    }
    release();
    expect(await first).toBeInstanceOf(Error);
    expect(await survivor.runDue()).toEqual(["takeover"]);
    expect(completedRuns).toBe(1);
  });
});

describe("jobs on embedded PGlite", () => {
  it("runs a due job once per interval and records when it finished", async () => {
    const database = await openDatabase({ dataDir: ":memory:" });
    try {
      let now = new Date("2026-06-15T12:00:00Z");
      let runs = 0;
      const scheduler = new JobScheduler(database, { clock: () => now }).add({
        name: "count",
        everyMs: 3_600_000,
        run: async () => {
          runs += 1;
        },
      });
      expect(await scheduler.runDue()).toEqual(["count"]);
      expect(await scheduler.runDue()).toEqual([]);
      now = new Date(now.getTime() + 3_600_000);
      expect(await scheduler.runDue()).toEqual(["count"]);
      expect(runs).toBe(2);
      const row = await database.prisma.jobRun.findUnique({ where: { name: "count" } });
      expect(row?.finishedAt?.toISOString()).toBe(now.toISOString());
    } finally {
      await database.close();
    }
  });
});
