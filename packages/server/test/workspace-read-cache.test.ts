// A server keeps each workspace's workspace-wide reads at an instant (every account's latest
// health snapshot, at "now" and at the health trend's reference instant; the pending renewals;
// the contract outcomes; the milestones achieved) between requests while what they read is
// unchanged: the second request reads none of them, and any change (a snapshot written by another
// server, an account, a snapshot, a contract or an achievement changed straight in SQL, or an
// instant the clock reaches: a snapshot day, a renewal date) is seen by the next request, exactly
// as a server with nothing cached sees it.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { type InstantRead, WorkspaceReadCache } from "../src/loaders/workspace-read-cache.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-06-15T12:00:00Z");
const QUERY = `{
  portfolio(period: { from: "2025-06-15", to: "2026-06-15" }) {
    healthDistribution { green yellow red noData } atRiskCount atRiskAccounts(first: 50) { id }
    renewalRate { rate renewed churned pending } onboardingCompletion { rate completed cohortSize }
    nps { score responses } csat { score responses }
  }
  accounts(first: 100, filter: { atRisk: true }) { totalCount edges { node { externalId } } }
}`;

describe.each(DATABASE_KINDS)("the workspace read cache on %s", (kind) => {
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
      const reads = (table: string) => sent.filter((text) => text.includes(`FROM "${table}"`)).length;
      return {
        answer: JSON.stringify(result.data),
        snapshotReads: reads("HealthSnapshot"),
        contractReads: reads("Contract"),
        achievementReads: reads("MilestoneAchievement"),
        responseReads: reads("SurveyResponse"),
      };
    } finally {
      database.statements.listeners.delete(listener);
    }
  }

  /** What a server with nothing cached answers. */
  async function uncached() {
    return (await ask(createPulseYoga({ database, clock: () => now }))).answer;
  }

  it("reads the workspace-wide inputs once per instant, then answers from the cache", async () => {
    const first = await ask(one);
    const second = await ask(one);
    expect(first.snapshotReads).toBeGreaterThan(0);
    expect(first.contractReads).toBeGreaterThan(0);
    expect(first.achievementReads).toBeGreaterThan(0);
    expect(first.responseReads).toBeGreaterThan(0);
    expect(second).toMatchObject({
      snapshotReads: 0,
      contractReads: 0,
      achievementReads: 0,
      responseReads: 0,
    });
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

  it("sees a contract or an achievement changed straight in SQL", async () => {
    await ask(one);
    await database.prisma.$executeRaw`
      UPDATE "Contract" SET "renewalOutcome" = 'CHURNED'
      WHERE "workspaceId" = ${workspaceId}::uuid AND "renewalOutcome" = 'PENDING'
        AND "endsAt" < ${new Date(NOW.getTime() + 60 * DAY)}`;
    const contracts = await ask(one);
    expect(contracts.contractReads).toBeGreaterThan(0);
    expect(contracts.achievementReads).toBe(0);
    expect(contracts.answer).toBe(await uncached());
    await database.prisma.$executeRaw`
      DELETE FROM "MilestoneAchievement" WHERE "workspaceId" = ${workspaceId}::uuid
        AND "accountId" IN (SELECT id FROM "Account" WHERE "workspaceId" = ${workspaceId}::uuid AND "signedUpAt" >= ${new Date("2025-06-15T00:00:00Z")})`;
    const achievements = await ask(one);
    expect(achievements.achievementReads).toBeGreaterThan(0);
    expect(achievements.contractReads).toBe(0);
    // Nobody of the period's sign-ups has completed onboarding any more.
    expect(achievements.answer).not.toBe(contracts.answer);
    expect(achievements.answer).toMatch(/"completed":0/);
    expect(achievements.answer).toBe(await uncached());
  });

  /** The at-risk list's count and the count of accounts whose own `risk` field says at risk (another path). */
  async function riskAgreement(yoga: PulseYoga) {
    const result = await graphql<{
      list: { totalCount: number };
      all: { edges: { node: { risk: { atRisk: boolean } } }[] };
    }>(
      yoga,
      key,
      `{ list: accounts(first: 100, filter: { atRisk: true }) { totalCount }
         all: accounts(first: 100) { edges { node { risk { atRisk } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const own = result.data?.all.edges.filter((edge) => edge.node.risk.atRisk).length;
    return { list: result.data?.list.totalCount, own };
  }

  it("sees survey responses written straight in SQL: the counts and a new detractor", async () => {
    const before = await ask(one);
    // An NPS detractor yesterday for every account that is not at risk yet.
    await database.prisma.$executeRaw`
      INSERT INTO "SurveyResponse" (id, "workspaceId", "surveyId", "accountId", kind, score, "idempotencyKey", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), a."workspaceId", (SELECT id FROM "Survey" WHERE "workspaceId" = a."workspaceId" AND kind = 'NPS' LIMIT 1),
             a.id, 'NPS', 1, 'cache-test-' || a.id, ${new Date(NOW.getTime() - DAY)}, now()
      FROM "Account" a WHERE a."workspaceId" = ${workspaceId}::uuid AND a."churnedAt" IS NULL`;
    const after = await ask(one);
    expect(after.responseReads).toBeGreaterThan(0);
    expect(after.answer).not.toBe(before.answer);
    expect(after.answer).toBe(await uncached());
    // The cached list agrees with each account's own risk (read per account, not workspace-wide).
    const agreement = await riskAgreement(one);
    expect(agreement.list).toBe(agreement.own);
    expect(agreement.list).toBeGreaterThan(0);
    // Thirty-one days later the detractors have left the risk window: the cached superset says so too.
    now = new Date(NOW.getTime() + 30 * DAY + 3_600_000);
    expect((await ask(one)).answer).toBe(await uncached());
    now = NOW;
  });

  it("sees a renewal date or an achievement the clock reaches", async () => {
    // A pending renewal and an achievement an hour ahead: read now, passed an hour later.
    const soon = new Date(NOW.getTime() + 3_600_000);
    const account = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId, churnedAt: null, signedUpAt: { gte: new Date("2025-06-15T00:00:00Z") } },
      select: { id: true },
    });
    const milestone = await database.prisma.milestone.findFirstOrThrow({ where: { workspaceId } });
    await database.prisma.milestoneAchievement.deleteMany({
      where: { accountId: account.id, milestoneId: milestone.id },
    });
    await database.prisma.contract.create({
      data: {
        workspaceId,
        accountId: account.id,
        startsAt: new Date(NOW.getTime() - 300 * DAY),
        endsAt: soon,
        value: "1000",
      },
    });
    await database.prisma.milestoneAchievement.create({
      data: { workspaceId, accountId: account.id, milestoneId: milestone.id, achievedAt: soon },
    });
    const before = await ask(one);
    expect(before.answer).toBe(await uncached());
    now = new Date(soon.getTime() + 1);
    const after = await ask(one);
    expect(after.contractReads).toBeGreaterThan(0);
    expect(after.achievementReads).toBeGreaterThan(0);
    expect(after.answer).toBe(await uncached());
    now = NOW;
  });

  it("bumps the contracts, milestones and surveys revisions once per transaction, at commit", async () => {
    const revisions = () =>
      database.prisma.workspace.findUniqueOrThrow({
        where: { id: workspaceId },
        select: {
          contractsRevision: true,
          milestonesRevision: true,
          surveysRevision: true,
          factsRevision: true,
        },
      });
    const before = await revisions();
    await database.prisma.$transaction([
      database.prisma
        .$executeRaw`UPDATE "Contract" SET value = value WHERE "workspaceId" = ${workspaceId}::uuid`,
      database.prisma
        .$executeRaw`UPDATE "Contract" SET value = value WHERE "workspaceId" = ${workspaceId}::uuid`,
      database.prisma
        .$executeRaw`UPDATE "MilestoneAchievement" SET "achievedAt" = "achievedAt" WHERE "workspaceId" = ${workspaceId}::uuid`,
      database.prisma
        .$executeRaw`UPDATE "SurveyResponse" SET score = score WHERE "workspaceId" = ${workspaceId}::uuid`,
    ]);
    const after = await revisions();
    expect(after.contractsRevision).toBe(before.contractsRevision + 1n);
    expect(after.milestonesRevision).toBe(before.milestonesRevision + 1n);
    expect(after.surveysRevision).toBe(before.surveysRevision + 1n);
    expect(after.factsRevision).toBe(before.factsRevision);
    // A rolled-back transaction bumps nothing.
    await expect(
      database.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE "Contract" SET value = value WHERE "workspaceId" = ${workspaceId}::uuid`;
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await revisions()).contractsRevision).toBe(after.contractsRevision);
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

describe("WorkspaceReadCache", () => {
  const answer = (rows: number, validUntil: Date | null = null): InstantRead<string[]> => ({
    value: Array.from({ length: rows }, (_, index) => `a${index}`),
    validUntil,
    rows,
  });
  const limits = { maxWorkspaces: 32, maxEntriesPerRead: 4, maxEntriesPerWorkspace: 32, maxRows: 1_000_000 };

  it("answers an instant from an entry read at or before it, until the instant it names", async () => {
    const cache = new WorkspaceReadCache(limits);
    let reads = 0;
    const load = (validUntil: Date | null) => async () => {
      reads++;
      return answer(3, validUntil);
    };
    const first = await cache.get("w", "r", "1/1", new Date(1_000), load(new Date(5_000)));
    expect(await cache.get("w", "r", "1/1", new Date(4_999), load(null))).toBe(first);
    expect(reads).toBe(1);
    // At the named instant, before the entry's instant, at another revision or for another read: read again.
    expect(await cache.get("w", "r", "1/1", new Date(5_000), load(null))).not.toBe(first);
    expect(await cache.get("w", "r", "1/1", new Date(999), load(null))).not.toBe(first);
    expect(await cache.get("w", "r", "1/2", new Date(2_000), load(null))).not.toBe(first);
    expect(await cache.get("w", "other", "1/2", new Date(2_000), load(null))).not.toBe(first);
    expect(reads).toBe(5);
  });

  it("shares a read under way, and keeps no failed read", async () => {
    const cache = new WorkspaceReadCache(limits);
    let reads = 0;
    const slow = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return answer(2);
    };
    const [a, b] = await Promise.all([
      cache.get("w", "r", "1/1", new Date(1_000), slow),
      cache.get("w", "r", "1/1", new Date(2_000), slow),
    ]);
    expect(b).toBe(a);
    expect(reads).toBe(1);
    await expect(
      cache.get("v", "r", "1/1", new Date(1_000), async () => {
        throw new Error("database gone");
      }),
    ).rejects.toThrow("database gone");
    expect(await cache.get("v", "r", "1/1", new Date(1_000), slow)).toHaveLength(2);
    expect(reads).toBe(2);
  });

  it("stays within its bounds of workspaces, entries and rows", async () => {
    const cache = new WorkspaceReadCache({ ...limits, maxWorkspaces: 2, maxEntriesPerRead: 2, maxRows: 25 });
    for (const workspace of ["a", "b", "c"])
      await cache.get(workspace, "r", "1/1", new Date(0), async () => answer(10));
    expect(cache.size).toBe(20);
    let reads = 0;
    const count = async () => {
      reads++;
      return answer(10, new Date(1));
    };
    // "a" was dropped (least recently used), "b" and "c" are kept.
    await cache.get("a", "r", "1/1", new Date(0), count);
    expect(reads).toBe(1);
    expect(cache.size).toBeLessThanOrEqual(25);
    // Entries of one read: a third instant drops that read's oldest, not another read's entry.
    const kept = await cache.get("c", "s", "1/1", new Date(0), async () => answer(1));
    await cache.get("c", "r", "1/1", new Date(10), async () => answer(1, new Date(20)));
    await cache.get("c", "r", "1/1", new Date(30), async () => answer(1, new Date(40)));
    expect(await cache.get("c", "s", "1/1", new Date(50), count)).toBe(kept);
    expect(reads).toBe(1);
    expect(cache.size).toBeLessThanOrEqual(25);
    // One answer larger than the bound is given but not kept.
    const big = new WorkspaceReadCache({ ...limits, maxRows: 5 });
    expect(await big.get("w", "r", "1/1", new Date(0), async () => answer(10))).toHaveLength(10);
    expect(big.size).toBe(0);
  });
});
