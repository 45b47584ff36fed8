// A server keeps each workspace's portfolio inputs (every account with its revenue events) between
// requests while the workspace's facts revision is unchanged: the second portfolio request reads
// no revenue events, and any change of accounts or revenue events (through the API on another
// server, or straight in SQL) is seen by the next request, exactly as an uncached server sees it.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../src/auth/viewer-token.ts";
import { workspaceContext } from "../src/context.ts";
import { createDomainParts } from "../src/domain/context.ts";
import { revenue, timeToFirstValue } from "../src/graphql/portfolio-inputs.ts";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { PortfolioCache } from "../src/loaders/portfolio.ts";
import { segmentAccounts } from "../src/loaders/portfolio-facts.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const PORTFOLIO = `{ portfolio { mrr { amount } activeAccounts logoChurnRate arpa { amount }
  averageLifetimeValue { amount } accountMovements { startingAccounts churnedAccounts } } }`;

describe.each(DATABASE_KINDS)("the portfolio cache on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let key: string;
  let workspaceId: string;
  let one: PulseYoga;
  let two: PulseYoga;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "portfolio_cache", {
      accounts: 30,
      today: NOW,
    }));
    one = createPulseYoga({ database, clock: () => NOW });
    two = createPulseYoga({ database, clock: () => NOW });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function portfolio(yoga: PulseYoga) {
    const sent: string[] = [];
    const listener = (text: string) => sent.push(text);
    database.statements.listeners.add(listener);
    try {
      const result = await graphql(yoga, key, PORTFOLIO);
      expect(result.errors).toBeUndefined();
      return {
        answer: JSON.stringify(result.data),
        revenueReads: sent.filter((text) => text.includes('FROM "RevenueEvent"')).length,
      };
    } finally {
      database.statements.listeners.delete(listener);
    }
  }

  /** A server's parts for white-box requests (workspaceContext), with a portfolio cache of its own. */
  function whiteBoxServer() {
    return {
      database,
      snapshots: new SnapshotRefresher(database),
      portfolios: new PortfolioCache(),
      ...createDomainParts(database),
    };
  }

  /** What a server with nothing cached answers. */
  async function uncached() {
    return (await portfolio(createPulseYoga({ database, clock: () => NOW }))).answer;
  }

  it("reads every account's revenue events once, then answers from the cache", async () => {
    const first = await portfolio(one);
    const second = await portfolio(one);
    expect(first.revenueReads).toBe(1);
    expect(second.revenueReads).toBe(0);
    expect(second.answer).toBe(first.answer);
  });

  it("sees a revenue event written through another server at the next request", async () => {
    const before = await portfolio(one);
    const written = await graphql(
      two,
      key,
      `mutation { upsertRevenueEvent(input: { accountExternalId: "acct_0002", kind: EXPANSION, mrrDelta: "1234.5", occurredAt: "2026-06-10T00:00:00Z" }) { __typename } }`,
    );
    expect(written.errors).toBeUndefined();
    const after = await portfolio(one);
    expect(after.revenueReads).toBe(1);
    expect(after.answer).not.toBe(before.answer);
    expect(after.answer).toBe(await uncached());
  });

  it("sees a change made straight in SQL, and keeps other workspaces' entries apart", async () => {
    await portfolio(one);
    await database.prisma
      .$executeRaw`UPDATE "Account" SET "churnedAt" = ${new Date("2026-06-01T00:00:00Z")} WHERE "externalId" = 'acct_0003'`;
    const after = await portfolio(one);
    expect(after.revenueReads).toBe(1);
    expect(after.answer).toBe(await uncached());
    // Another workspace's writes (and its deletion, through the cascade) leave this entry valid.
    const other = await newWorkspace(database, `cache-other-${kind}`);
    await database.prisma.account.create({
      data: { workspaceId: other.workspaceId, externalId: "x", name: "X", signedUpAt: NOW },
    });
    await database.prisma.workspace.delete({ where: { id: other.workspaceId } });
    expect((await portfolio(one)).revenueReads).toBe(0);
  });

  it("keeps each account's checked history for the revision's rows only, shared with a scoped request", async () => {
    // White-box: what a request's formulas read (segmentAccounts) between requests of one server.
    const server = whiteBoxServer();
    const auth = (viewer?: Viewer) => ({
      keyId: "test",
      workspaceId,
      kind: "SECRET" as const,
      scopes: ["*"],
      ...(viewer ? { viewer } : {}),
    });
    const request = (viewer?: Viewer) => workspaceContext(server, auth(viewer) as never, NOW);
    const first = await segmentAccounts(request(), null);
    const second = await segmentAccounts(request(), null);
    expect(second.histories).toBe(first.histories);
    expect(second.histories.length).toBe(first.rows.length);
    // A scoped request filters the same rows: each account's history is the one already built.
    const owner = first.rows.find((row) => row.csmOwner !== null)?.csmOwner as string;
    const scoped = await segmentAccounts(
      request({
        workspaceId,
        subject: null,
        scope: { csmOwners: [owner], segments: null, accounts: null },
        expiresAt: new Date(NOW.getTime() + 3_600_000),
      }),
      null,
    );
    expect(scoped.rows.length).toBeGreaterThan(0);
    expect(scoped.rows.length).toBeLessThan(first.rows.length);
    scoped.rows.forEach((row, index) => {
      expect(row.csmOwner).toBe(owner);
      expect(scoped.histories[index]).toBe(first.histories[first.rows.indexOf(row)]);
    });
    // A change of the facts: new rows, so new histories, with the change in them.
    const changed = first.rows[0] as (typeof first.rows)[number];
    await database.prisma.account.update({
      where: { id: changed.id },
      data: { churnedAt: new Date(NOW.getTime() - 86_400_000) },
    });
    const after = await segmentAccounts(request(), null);
    expect(after.histories).not.toBe(first.histories);
    const index = after.rows.findIndex((row) => row.id === changed.id);
    expect(after.histories[index]?.churns).toContain(NOW.getTime() - 86_400_000);
    expect(first.histories[first.rows.indexOf(changed)]?.churns).not.toContain(NOW.getTime() - 86_400_000);
  });

  it("keeps the formulas' results that read only the rows for the revision's rows, not a scoped request's", async () => {
    // White-box: two requests of one server share the figures computed from the cached rows.
    const server = whiteBoxServer();
    const auth = { keyId: "test", workspaceId, kind: "SECRET" as const, scopes: ["*"] };
    const request = () => workspaceContext(server, auth as never, NOW);
    const scoped = () =>
      workspaceContext(
        server,
        {
          ...auth,
          viewer: {
            workspaceId,
            subject: null,
            scope: { csmOwners: null, segments: ["enterprise"], accounts: null },
            expiresAt: new Date(NOW.getTime() + 3_600_000),
          },
        } as never,
        NOW,
      );
    const root = {
      period: { from: new Date("2025-06-15T00:00:00Z"), to: new Date("2026-06-15T00:00:00Z") },
      segment: null,
    };
    const first = await revenue(request(), root);
    expect(await revenue(request(), root)).toBe(first);
    // A scoped request's rows are its own array: its figures are its own, computed per request.
    const scopedFirst = await revenue(scoped(), root);
    expect(scopedFirst).not.toBe(first);
    expect(await revenue(scoped(), root)).not.toBe(scopedFirst);
    expect(await timeToFirstValue(request(), root)).toBe(await timeToFirstValue(request(), root));
    // Another period or segment is its own value.
    const other = { ...root, period: { ...root.period, from: new Date("2026-01-01T00:00:00Z") } };
    expect(await revenue(request(), other)).not.toBe(first);
    expect(await revenue(request(), { ...root, segment: "enterprise" })).not.toBe(first);
    // A change of the facts: a new value, the one a server with nothing cached computes.
    await database.prisma.revenueEvent.create({
      data: {
        workspaceId,
        accountId: (
          await database.prisma.account.findFirstOrThrow({
            where: { workspaceId, churnedAt: null, signedUpAt: { lt: root.period.from } },
          })
        ).id,
        kind: "EXPANSION",
        mrrDelta: "777",
        occurredAt: new Date("2026-06-01T00:00:00Z"),
      },
    });
    const after = await revenue(request(), root);
    expect(after).not.toBe(first);
    expect(after.expansionRevenue.toString()).not.toBe(first.expansionRevenue.toString());
    const fresh = workspaceContext({ ...server, portfolios: new PortfolioCache() }, auth as never, NOW);
    expect(JSON.stringify(await revenue(fresh, root))).toBe(JSON.stringify(after));
  });

  it("bumps the revision once per statement, whatever the rows", async () => {
    const revision = async () =>
      (
        await database.prisma.workspace.findFirstOrThrow({
          where: { slug: "demo" },
          select: { factsRevision: true },
        })
      ).factsRevision;
    const before = await revision();
    await database.prisma
      .$executeRaw`UPDATE "Account" SET seats = seats + 1 WHERE "workspaceId" = (SELECT id FROM "Workspace" WHERE slug = 'demo')`;
    expect(await revision()).toBe(before + 1n);
  });
});
