// Account and portfolio metrics through the API: a page of any size costs the same number of
// SQL statements, and every value equals the pure formulas applied to the raw facts.

import type { Database } from "@pulse/schema/database";
import {
  accountRisk,
  cesFromScoreCounts,
  csatFromScoreCounts,
  customerEffortScore,
  customerSatisfaction,
  DEFAULT_HEALTH_CONFIG,
  feedbackHealthComponent,
  healthScore,
  isActiveAt,
  logoRetention,
  mrrAt,
  netPromoterScore,
  paymentHealthComponent,
  revenueRetention,
  roundFigure,
  supportHealthComponent,
  trailingDays,
  usageAggregatesFromEvents,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
} from "@pulse/schema/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { DEMO_KEY_FEATURES } from "../src/seed/demo.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

const DASHBOARD = `query Dashboard($first: Int!) {
  accounts(first: $first) { edges { node {
    id externalId name seats
    health { score band coverage insufficientData trend used missing components { key weight rawWeight value used } }
    risk { atRisk reasons { code message } }
    nps { score promoters passives detractors responses }
    csat { score average responses }
    ces { score easyShare responses }
    usage { activeUsers seatUtilization loginsPerActiveUserPerWeek averageSessionMinutes stickiness featureAdoption features { key count } }
    timeToFirstValue
    milestones { defined achieved progress stalled }
    sentiment { latest { rating createdAt } history { rating } }
    ebrEngagement { reviewsInTrailingYear upShare lastReviewAt }
    mrr { amount currency } arr { amount }
    lifetimeValue { value { amount } lifetimeMonths }
    nextRenewal { endsAt renewalOutcome }
    healthHistory { day score }
    contacts(first: 3) { edges { node { name } } }
    supportTickets(first: 2) { edges { node { priority } } }
  } } }
}`;

interface DashboardNode {
  id: string;
  externalId: string;
  seats: number;
  health: {
    score: number | null;
    band: string | null;
    insufficientData: boolean;
    used: string[];
    components: { key: string; value: number | null }[];
  };
  risk: { atRisk: boolean; reasons: { code: string }[] };
  nps: { score: number; responses: number } | null;
  csat: { score: number; average: number } | null;
  ces: { score: number; easyShare: number } | null;
  usage: {
    activeUsers: number;
    stickiness: number | null;
    featureAdoption: number | null;
    averageSessionMinutes: number | null;
    loginsPerActiveUserPerWeek: number | null;
  };
  mrr: { amount: string };
  arr: { amount: string };
  healthHistory: { day: string; score: number }[];
}

/** A figure as the API publishes it: rounded to 9 decimals. */
const figure = (value: number | null | undefined) => (value == null ? null : roundFigure(value));

describe.each(DATABASE_KINDS)("metrics through the API on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let workspaceId: string;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "metrics", {
      accounts: 60,
      today: NOW,
    }));
    // A snapshot 31 days ago and today, so trends and histories have data.
    await recordHealthSnapshots(database, workspaceId, {
      day: new Date(NOW.getTime() - 31 * DAY),
      now: NOW,
    });
    await recordHealthSnapshots(database, workspaceId, { now: NOW });
    yoga = createPulseYoga({ database, clock: () => NOW });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function dashboard(first: number) {
    database.statements.reset();
    const result = await graphql<{ accounts: { edges: { node: DashboardNode }[] } }>(yoga, key, DASHBOARD, {
      first,
    });
    const statements = database.statements.reset();
    expect(result.errors).toBeUndefined();
    return { nodes: result.data?.accounts.edges.map((edge) => edge.node) ?? [], statements };
  }

  it("answers a page of 5 and a page of 50 with the same number of SQL statements", async () => {
    await dashboard(1); // warms the API-key cache, so each measured request counts only its own work
    const five = await dashboard(5);
    const fifty = await dashboard(50);
    expect(five.nodes).toHaveLength(5);
    expect(fifty.nodes).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
    // Exactly: the page through Prisma, its contacts and its support tickets (relations this query
    // selects), the settings, then every fact family of the page coalesced into one statement.
    // The statement lists of the representative requests are pinned in statements.test.ts.
    expect(five.statements).toBe(5);
  });

  it("reads every instant as stored, whatever the server's time zone (JSON reads are zoned)", async () => {
    const zone = process.env.TZ;
    // A zone far from UTC: a timestamp read without its zone would move by 7 or 8 hours.
    process.env.TZ = "America/Los_Angeles";
    try {
      const result = await graphql<{
        accounts: {
          edges: {
            node: {
              externalId: string;
              signedUpAt: string;
              firstValueAt: string | null;
              nextRenewal: { endsAt: string; startsAt: string } | null;
              sentiment: { latest: { createdAt: string } | null };
              ebrEngagement: { lastReviewAt: string | null };
              businessReviews: { heldAt: string }[];
            };
          }[];
        };
      }>(
        yoga,
        key,
        `{ accounts(first: 60) { edges { node { externalId signedUpAt firstValueAt nextRenewal { endsAt startsAt }
           sentiment { latest { createdAt } } ebrEngagement { lastReviewAt } businessReviews { heldAt } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const accounts = await database.prisma.account.findMany({
        where: { workspaceId },
        include: { contracts: true, sentimentEntries: true, businessReviews: true },
      });
      const byExternalId = new Map(accounts.map((account) => [account.externalId, account]));
      let checked = 0;
      for (const { node } of result.data?.accounts.edges ?? []) {
        const account = byExternalId.get(node.externalId);
        if (!account) throw new Error(`unknown account ${node.externalId}`);
        expect(node.signedUpAt).toBe(account.signedUpAt.toISOString());
        expect(node.firstValueAt).toBe(account.firstValueAt?.toISOString() ?? null);
        const pending = account.contracts
          .filter((contract) => contract.renewalOutcome === "PENDING" && contract.endsAt >= NOW)
          .sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime() || a.id.localeCompare(b.id));
        expect(node.nextRenewal?.endsAt ?? null).toBe(pending[0]?.endsAt.toISOString() ?? null);
        expect(node.nextRenewal?.startsAt ?? null).toBe(pending[0]?.startsAt.toISOString() ?? null);
        const latestSentiment = account.sentimentEntries
          .filter((entry) => entry.createdAt <= NOW)
          .map((entry) => entry.createdAt.getTime());
        if (node.sentiment.latest)
          expect(latestSentiment).toContain(new Date(node.sentiment.latest.createdAt).getTime());
        expect(node.businessReviews.map((review) => review.heldAt).sort()).toEqual(
          account.businessReviews.map((review) => review.heldAt.toISOString()).sort(),
        );
        checked += node.nextRenewal ? 1 : 0;
        checked += node.sentiment.latest ? 1 : 0;
        checked += node.businessReviews.length > 0 ? 1 : 0;
      }
      expect(checked).toBeGreaterThan(10);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("computes every account metric exactly as the pure formulas on the raw facts", async () => {
    const { nodes } = await dashboard(12);
    let compared = 0;
    for (const node of nodes) {
      const account = await database.prisma.account.findUniqueOrThrow({
        where: { id: Buffer.from(node.id, "base64").toString().split(":")[1] },
        include: {
          usageEvents: true,
          surveyResponses: true,
          supportTickets: true,
          invoices: true,
          revenueEvents: true,
          contracts: true,
        },
      });
      // The trailing 30 calendar days of the workspace's zone (UTC), today included up to now.
      const window = usageWindow(NOW, 30, "UTC");
      const usage = usageMetrics(
        usageAggregatesFromEvents({
          events: account.usageEvents,
          period: window,
          timeZone: window.timeZone,
          seats: account.seats,
          keyFeatures: DEMO_KEY_FEATURES,
        }),
      );
      const feedbackWindow = trailingDays(NOW, 90);
      const recent = account.surveyResponses.filter(
        (r) => r.createdAt >= feedbackWindow.from && r.createdAt < NOW,
      );
      const scores = (kind: string) => recent.filter((r) => r.kind === kind).map((r) => r.score);
      const nps = netPromoterScore(scores("NPS"));
      const csat = customerSatisfaction(scores("CSAT"));
      const ces = customerEffortScore(scores("CES"));
      const expected = healthScore(
        {
          usage: usageHealthComponent({
            usage,
            everHadUsage:
              account.usageEvents.some((e) => e.occurredAt < NOW) || account.usageEvents.length > 0,
          }),
          feedback: feedbackHealthComponent({
            nps: nps?.score ?? null,
            csat: csat?.score ?? null,
            ces: ces?.score ?? null,
          }),
          support: supportHealthComponent(account.supportTickets, NOW),
          payment: paymentHealthComponent(account.invoices, NOW),
        },
        DEFAULT_HEALTH_CONFIG,
      );
      expect(node.health.score).toBe(figure(expected.score));
      expect(node.health.insufficientData).toBe(expected.insufficientData);
      expect(node.health.band).toBe(expected.band);
      expect(node.health.used).toEqual(expected.used);
      expect(node.nps?.score ?? null).toBe(figure(nps?.score ?? null));
      expect(node.csat?.score ?? null).toBe(figure(csat?.score ?? null));
      expect(node.ces?.score ?? null).toBe(figure(ces?.score ?? null));
      expect(node.usage.activeUsers).toBe(usage.activeUsers);
      expect(node.usage.stickiness).toBe(figure(usage.stickiness));
      expect(node.usage.featureAdoption).toBe(figure(usage.featureAdoption));
      expect(node.usage.averageSessionMinutes).toBe(figure(usage.averageSessionMinutes));
      expect(node.usage.loginsPerActiveUserPerWeek).toBe(figure(usage.loginsPerActiveUserPerWeek));
      const mrr = mrrAt(account.revenueEvents, NOW);
      expect(node.mrr.amount).toBe(mrr.toString());
      expect(node.arr.amount).toBe(mrr.times(12).toString());
      const recentNps = account.surveyResponses
        .filter((r) => r.kind === "NPS" && r.createdAt >= trailingDays(NOW, 30).from && r.createdAt < NOW)
        .map((r) => ({ score: r.score, respondedAt: r.createdAt }));
      const snapshot = await database.prisma.healthSnapshot.findFirst({
        where: { accountId: account.id, day: { lte: new Date(NOW.getTime() - 30 * DAY) } },
        orderBy: { day: "desc" },
      });
      const trend = expected.score !== null && snapshot ? expected.score - Number(snapshot.score) : null;
      const risk = accountRisk({
        now: NOW,
        active: isActiveAt(account, NOW),
        health: expected,
        trend,
        npsResponses: recentNps,
        contracts: account.contracts,
      });
      expect(node.risk.atRisk).toBe(risk.atRisk);
      expect(node.risk.reasons.map((r) => r.code)).toEqual(risk.reasons.map((r) => r.code));
      expect(node.healthHistory.map((h) => h.day)).toContain("2026-06-15");
      compared++;
    }
    expect(compared).toBe(12);
  });

  it("computes portfolio metrics as the pure formulas over all accounts", async () => {
    const period = { from: new Date("2025-06-15T00:00:00Z"), to: new Date("2026-06-15T00:00:00Z") };
    const result = await graphql<{
      portfolio: {
        logoChurnRate: number | null;
        customerRetentionRate: number | null;
        netRevenueRetention: number | null;
        grossRevenueRetention: number | null;
        nps: { score: number } | null;
        csat: { score: number } | null;
        ces: { score: number } | null;
      };
    }>(
      yoga,
      key,
      `query($period: PeriodInput) { portfolio(period: $period) { logoChurnRate customerRetentionRate netRevenueRetention grossRevenueRetention nps { score } csat { score } ces { score } } }`,
      { period: { from: "2025-06-15", to: "2026-06-15" } },
    );
    expect(result.errors).toBeUndefined();
    const accounts = await database.prisma.account.findMany({
      where: { workspaceId },
      include: { revenueEvents: true },
    });
    const logos = logoRetention(accounts, period);
    const revenue = revenueRetention(accounts, period);
    const rate = (value: { toNumber(): number } | null) =>
      value === null ? null : roundFigure(value.toNumber());
    expect(result.data?.portfolio.logoChurnRate).toBe(figure(logos.logoChurnRate));
    expect(result.data?.portfolio.customerRetentionRate).toBe(figure(logos.customerRetentionRate));
    expect(result.data?.portfolio.netRevenueRetention).toBe(rate(revenue.netRevenueRetention));
    expect(result.data?.portfolio.grossRevenueRetention).toBe(rate(revenue.grossRevenueRetention));
    const responses = await database.prisma.surveyResponse.groupBy({
      by: ["kind", "score"],
      where: { workspaceId, createdAt: { gte: period.from, lt: period.to } },
      _count: { _all: true },
    });
    const counts = (k: string) =>
      responses.filter((r) => r.kind === k).map((r) => ({ score: r.score, count: r._count._all }));
    expect(result.data?.portfolio.csat?.score ?? null).toBe(
      figure(csatFromScoreCounts(counts("CSAT"))?.score),
    );
    expect(result.data?.portfolio.ces?.score ?? null).toBe(figure(cesFromScoreCounts(counts("CES"))?.score));
    expect(result.data?.portfolio.nps).not.toBeNull();
  });

  it("orders by a derived metric across pages without gaps or repeats", async () => {
    const seen: string[] = [];
    const scores: (number | null)[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const result: Awaited<
        ReturnType<
          typeof graphql<{
            accounts: {
              edges: { cursor: string; node: { id: string; health: { score: number | null } } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          }>
        >
      > = await graphql(
        yoga,
        key,
        `query($after: String) { accounts(first: 7, after: $after, orderBy: { field: HEALTH, direction: DESC }) {
          edges { cursor node { id health { score } } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      const connection = result.data?.accounts;
      if (!connection) break;
      for (const edge of connection.edges) {
        seen.push(edge.node.id);
        scores.push(edge.node.health.score);
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    const total = await database.prisma.account.count({ where: { workspaceId } });
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const withScore = scores.filter((score): score is number => score !== null);
    expect(withScore).toEqual([...withScore].sort((a, b) => b - a));
  });

  it("filters by band and at-risk consistently with each account's fields", async () => {
    type Page = {
      accounts: {
        totalCount: number;
        edges: { node: { health: { band: string }; risk: { atRisk: boolean } } }[];
      };
    };
    const all = await graphql<Page>(
      yoga,
      key,
      `{ accounts(first: 100) { totalCount edges { node { health { band } risk { atRisk } } } } }`,
    );
    const everyone = all.data?.accounts.edges.map((e) => e.node) ?? [];
    for (const band of ["GREEN", "YELLOW", "RED"]) {
      const result = await graphql<Page>(
        yoga,
        key,
        `{ accounts(first: 100, filter: { band: [${band}] }) { totalCount edges { node { health { band } risk { atRisk } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const nodes = result.data?.accounts.edges.map((e) => e.node) ?? [];
      expect(nodes.length).toBe(result.data?.accounts.totalCount);
      expect(nodes.length).toBe(everyone.filter((node) => node.health.band === band).length);
      for (const node of nodes) expect(node.health.band).toBe(band);
    }
    for (const atRisk of [true, false]) {
      const result = await graphql<Page>(
        yoga,
        key,
        `{ accounts(first: 100, filter: { atRisk: ${atRisk} }) { totalCount edges { node { risk { atRisk } } } } }`,
      );
      const nodes = result.data?.accounts.edges.map((e) => e.node) ?? [];
      expect(nodes.length).toBe(everyone.filter((node) => node.risk.atRisk === atRisk).length);
      for (const node of nodes) expect(node.risk.atRisk).toBe(atRisk);
    }
  });

  it("refuses bad periods and page sizes with clear errors", async () => {
    const inverted = await graphql(
      yoga,
      key,
      `{ portfolio(period: { from: "2026-02-01", to: "2026-01-01" }) { logoChurnRate } }`,
    );
    expect(inverted.errors?.[0]?.message).toMatch(/after/);
    const badDate = await graphql(
      yoga,
      key,
      `{ portfolio(period: { from: "2026-02-30", to: "2026-03-01" }) { logoChurnRate } }`,
    );
    expect(badDate.errors?.[0]?.message).toMatch(/ISO 8601/);
    const badCursor = await graphql(
      yoga,
      key,
      `{ accounts(first: 2, after: "bm9wZQ") { edges { cursor } } }`,
    );
    expect(badCursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const series = await graphql(
      yoga,
      key,
      `{ metricSeries(metric: NPS, interval: WEEK, period: { from: "2016-01-01", to: "2026-01-01" }) { value } }`,
    );
    expect(series.errors?.[0]?.message).toMatch(/at most 200 points/);
  });
});
