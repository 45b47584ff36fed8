// A server keeps each workspace's latest health snapshots (every account's, at "now" and at the
// health trend's reference instant) between requests while the workspace's accounts and snapshots
// are unchanged: the second request reads no snapshots, and any change (a snapshot written by
// another server, an account changed or a snapshot edited straight in SQL, or a snapshot day that
// the clock reaches) is seen by the next request, exactly as a server with nothing cached sees it.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkspaceSnapshots } from "../src/data/snapshots.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { LatestSnapshotCache } from "../src/loaders/latest-snapshots.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-06-15T12:00:00Z");
const QUERY = `{
  portfolio { healthDistribution { green yellow red noData } atRiskCount atRiskAccounts(first: 50) { id } }
  accounts(first: 100, filter: { atRisk: true }) { totalCount edges { node { externalId } } }
}`;

describe.each(DATABASE_KINDS)("the latest-snapshot cache on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let key: string;
  let workspaceId: string;
  let now = NOW;
  let one: PulseYoga;
  let two: PulseYoga;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "snapshot_cache", {
      accounts: 30,
      today: NOW,
    }));
    // Today's snapshots and the trend's reference a month back.
    await recordHealthSnapshots(database, workspaceId, { day: new Date(NOW.getTime() - 31 * DAY), now: NOW });
    await recordHealthSnapshots(database, workspaceId, { now: NOW });
    one = createPulseYoga({ database, clock: () => now });
    two = createPulseYoga({ database, clock: () => now });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function ask(yoga: PulseYoga) {
    const sent: string[] = [];
    const listener = (text: string) => sent.push(text);
    database.statements.listeners.add(listener);
    try {
      const result = await graphql(yoga, key, QUERY);
      expect(result.errors).toBeUndefined();
      return {
        answer: JSON.stringify(result.data),
        snapshotReads: sent.filter((text) => text.includes('FROM "HealthSnapshot"')).length,
      };
    } finally {
      database.statements.listeners.delete(listener);
    }
  }

  /** What a server with nothing cached answers. */
  async function uncached() {
    return (await ask(createPulseYoga({ database, clock: () => now }))).answer;
  }

  it("reads the workspace's latest snapshots once per instant, then answers from the cache", async () => {
    const first = await ask(one);
    const second = await ask(one);
    expect(first.snapshotReads).toBeGreaterThan(0);
    expect(second.snapshotReads).toBe(0);
    expect(second.answer).toBe(first.answer);
    // Something is at risk and something is not: the figures are not trivially equal.
    expect(first.answer).toMatch(/"atRiskCount":[1-9]/);
    expect(first.answer).toBe(await uncached());
  });

  it("holds while the clock moves within the day, and sees a snapshot day the clock reaches", async () => {
    await ask(one);
    now = new Date(NOW.getTime() + 60_000);
    expect((await ask(one)).snapshotReads).toBe(0);
    // A snapshot of tomorrow already stored (the same revision) turns every account red there.
    const tomorrow = new Date(Date.UTC(2026, 5, 16));
    await database.prisma.$executeRaw`
      INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
      SELECT gen_random_uuid(), "workspaceId", id, ${tomorrow}::date, 5, 'RED', '[]'::jsonb
      FROM "Account" WHERE "workspaceId" = ${workspaceId}::uuid AND "churnedAt" IS NULL`;
    const today = await ask(one);
    expect(today.snapshotReads).toBeGreaterThan(0);
    expect(today.answer).toBe(await uncached());
    now = new Date(tomorrow.getTime() + 3_600_000);
    const next = await ask(one);
    expect(next.snapshotReads).toBeGreaterThan(0);
    expect(next.answer).not.toBe(today.answer);
    expect(next.answer).toBe(await uncached());
    await database.prisma.$executeRaw`DELETE FROM "HealthSnapshot" WHERE day = ${tomorrow}::date`;
    now = NOW;
  });

  it("sees snapshots written by another server at the next request", async () => {
    const before = await ask(one);
    // A stricter configuration through the other server recomputes today's snapshots there.
    const written = await graphql(
      two,
      key,
      `mutation { updateHealthScoreConfig(input: { greenThreshold: 99, yellowThreshold: 98 }) { __typename } }`,
    );
    expect(written.errors).toBeUndefined();
    const after = await ask(one);
    expect(after.snapshotReads).toBeGreaterThan(0);
    expect(after.answer).not.toBe(before.answer);
    expect(after.answer).toBe(await uncached());
  });

  it("sees a snapshot or an account changed straight in SQL", async () => {
    await ask(one);
    await database.prisma.$executeRaw`
      UPDATE "HealthSnapshot" SET band = 'GREEN', score = 99
      WHERE "workspaceId" = ${workspaceId}::uuid AND day = ${new Date(Date.UTC(2026, 5, 15))}::date`;
    const edited = await ask(one);
    expect(edited.snapshotReads).toBeGreaterThan(0);
    expect(edited.answer).toBe(await uncached());
    await database.prisma.$executeRaw`
      UPDATE "Account" SET "churnedAt" = ${new Date(NOW.getTime() - DAY)}
      WHERE "workspaceId" = ${workspaceId}::uuid AND "externalId" = 'acct_0004'`;
    const churned = await ask(one);
    expect(churned.snapshotReads).toBeGreaterThan(0);
    expect(churned.answer).toBe(await uncached());
  });

  it("bumps the snapshots revision once per statement, whatever the rows", async () => {
    const revision = async () =>
      (
        await database.prisma.workspace.findUniqueOrThrow({
          where: { id: workspaceId },
          select: { snapshotsRevision: true },
        })
      ).snapshotsRevision;
    const before = await revision();
    await database.prisma
      .$executeRaw`UPDATE "HealthSnapshot" SET score = score WHERE "workspaceId" = ${workspaceId}::uuid`;
    expect(await revision()).toBe(before + 1n);
    await database.prisma
      .$executeRaw`DELETE FROM "HealthSnapshot" WHERE "workspaceId" = ${workspaceId}::uuid AND day = ${new Date(Date.UTC(2026, 4, 15))}::date`;
    expect(await revision()).toBe(before + 2n);
  });
});

describe("LatestSnapshotCache", () => {
  const snapshots = (size: number, nextDay: Date | null = null): WorkspaceSnapshots => ({
    snapshots: new Map(
      Array.from({ length: size }, (_, index) => [
        `a${index}`,
        { day: new Date(0), score: 50, band: "YELLOW" },
      ]),
    ),
    nextDay,
  });

  it("answers an instant from an entry read at or before it, until the next snapshot day", async () => {
    const cache = new LatestSnapshotCache();
    let reads = 0;
    const load = (nextDay: Date | null) => async () => {
      reads++;
      return snapshots(3, nextDay);
    };
    const first = await cache.get("w", "1/1", new Date(1_000), load(new Date(5_000)));
    expect(await cache.get("w", "1/1", new Date(4_999), load(null))).toBe(first);
    expect(reads).toBe(1);
    // At the next day, before the entry's instant, or at another revision: read again.
    expect(await cache.get("w", "1/1", new Date(5_000), load(null))).not.toBe(first);
    expect(await cache.get("w", "1/1", new Date(999), load(null))).not.toBe(first);
    expect(await cache.get("w", "1/2", new Date(2_000), load(null))).not.toBe(first);
    expect(reads).toBe(4);
  });

  it("shares a read under way, and keeps no failed read", async () => {
    const cache = new LatestSnapshotCache();
    let reads = 0;
    const slow = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return snapshots(2);
    };
    const [a, b] = await Promise.all([
      cache.get("w", "1/1", new Date(1_000), slow),
      cache.get("w", "1/1", new Date(2_000), slow),
    ]);
    expect(b).toBe(a);
    expect(reads).toBe(1);
    await expect(
      cache.get("v", "1/1", new Date(1_000), async () => {
        throw new Error("database gone");
      }),
    ).rejects.toThrow("database gone");
    expect(await cache.get("v", "1/1", new Date(1_000), slow)).toBeInstanceOf(Map);
    expect(reads).toBe(2);
  });

  it("stays within its bounds of workspaces, entries and rows", async () => {
    const cache = new LatestSnapshotCache({ maxWorkspaces: 2, maxEntriesPerWorkspace: 2, maxRows: 25 });
    for (const workspace of ["a", "b", "c"])
      await cache.get(workspace, "1/1", new Date(0), async () => snapshots(10));
    expect(cache.size).toBe(20);
    let reads = 0;
    const count = async () => {
      reads++;
      return snapshots(10, new Date(1));
    };
    // "a" was dropped (least recently used), "b" and "c" are kept.
    await cache.get("a", "1/1", new Date(0), count);
    expect(reads).toBe(1);
    expect(cache.size).toBeLessThanOrEqual(25);
    // Entries per workspace: a third instant drops the oldest entry.
    const c = "c";
    await cache.get(c, "1/1", new Date(10), async () => snapshots(1, new Date(20)));
    await cache.get(c, "1/1", new Date(30), async () => snapshots(1, new Date(40)));
    expect(cache.size).toBeLessThanOrEqual(25);
    // One workspace larger than the bound is answered but not kept.
    const big = new LatestSnapshotCache({ maxWorkspaces: 2, maxEntriesPerWorkspace: 2, maxRows: 5 });
    expect((await big.get("w", "1/1", new Date(0), async () => snapshots(10))).size).toBe(10);
    expect(big.size).toBe(0);
  });
});
