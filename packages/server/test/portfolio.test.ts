// The portfolio through the API equals the row-based formulas on the raw rows: every figure of
// `portfolio` (all accounts and one segment), the `metricSeries` buckets and the at-risk order by
// MRR. The server reads one JSON document and shares per-account histories across formulas; the
// expected values come from Prisma's model API and the row functions, on PGlite and PostgreSQL.
import type { Database } from "@pulse/schema/database";
import {
  averageRevenuePerAccount,
  isActiveAt,
  logoRetention,
  mrrAt,
  onboardingCompletionRate,
  type PortfolioAccount,
  portfolioLifetimeValue,
  revenueRetention,
  roundFigure,
} from "@pulse/schema/metrics";
import type { Decimal } from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspaceSettings } from "../src/health/settings.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
const FROM = new Date("2025-06-15T00:00:00Z");
const TO = new Date("2026-06-15T00:00:00Z");
const PERIOD = { from: "2025-06-15", to: "2026-06-15" };

const PORTFOLIO = `query($period: PeriodInput, $segment: String) { portfolio(period: $period, segment: $segment) {
  accountMovements { startingAccounts churnedAccounts retainedAccounts endingAccounts joinedAccounts newAccounts newActiveAccounts reactivatedAccounts }
  logoChurnRate customerRetentionRate
  startingMrr { amount } grossRevenueRetention netRevenueRetention revenueChurnRate
  expansionRevenue { amount } expansionRate contractionMrr { amount } churnedMrr { amount }
  mrr { amount } activeAccounts arpa { amount } averageLifetimeValue { amount }
  healthDistribution { green yellow red insufficientData noData }
  atRiskCount atRiskAccounts(first: 100) { id }
} }`;

interface PortfolioAnswer {
  accountMovements: Record<string, number>;
  logoChurnRate: number | null;
  customerRetentionRate: number | null;
  startingMrr: { amount: string };
  grossRevenueRetention: number | null;
  netRevenueRetention: number | null;
  revenueChurnRate: number | null;
  expansionRevenue: { amount: string };
  expansionRate: number | null;
  contractionMrr: { amount: string };
  churnedMrr: { amount: string };
  mrr: { amount: string };
  activeAccounts: number;
  arpa: { amount: string } | null;
  averageLifetimeValue: { amount: string } | null;
  healthDistribution: {
    green: number;
    yellow: number;
    red: number;
    insufficientData: number;
    noData: number;
  };
  atRiskCount: number;
  atRiskAccounts: { id: string }[];
}

const text = (value: Decimal | null | undefined) => (value == null ? null : value.toString());
/** A percentage as the API publishes it: a float rounded to 9 decimals. */
const figure = (value: Decimal | number | null | undefined) =>
  value == null ? null : roundFigure(typeof value === "number" ? value : value.toNumber());

describe.each(DATABASE_KINDS)("portfolio figures on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let workspaceId: string;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "portfolio", {
      accounts: 80,
      today: NOW,
    }));
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

  /** Adds accounts with the histories the formulas treat specially; returns how many. */
  async function addEdgeCaseAccounts(prefix: string): Promise<number> {
    const at = (iso: string) => new Date(iso);
    const histories: { signedUpAt: Date; churnedAt: Date | null; events: [string, string, Date][] }[] = [
      // Churned and back within the period, at a higher price; events exactly at `from`.
      {
        signedUpAt: at("2025-01-01"),
        churnedAt: null,
        events: [
          ["NEW", "1000.1234", at("2025-01-01")],
          ["EXPANSION", "0.0001", FROM],
          ["CHURN", "-1000.1235", at("2025-09-01")],
          ["REACTIVATION", "1200.5", at("2025-12-01")],
        ],
      },
      // Expanded then churned in the period: losses capped at the starting MRR; churnedAt left set.
      {
        signedUpAt: at("2025-02-01"),
        churnedAt: at("2026-01-10"),
        events: [
          ["NEW", "250", at("2025-02-01")],
          ["EXPANSION", "99.99", at("2025-08-01")],
          ["CHURN", "-349.99", at("2026-01-10")],
        ],
      },
      // Churn and reactivation at the same instant (no churn), events 1 ms before and exactly at `to`.
      {
        signedUpAt: at("2025-03-01"),
        churnedAt: null,
        events: [
          ["NEW", "10", at("2025-03-01")],
          ["CHURN", "-10", at("2025-10-01")],
          ["REACTIVATION", "10", at("2025-10-01")],
          ["EXPANSION", "3.25", new Date(TO.getTime() - 1)],
          ["CONTRACTION", "-5", TO],
        ],
      },
      // Amounts too large for whole ten-thousandths in one account (the Decimal path)…
      {
        signedUpAt: at("2025-04-01"),
        churnedAt: null,
        events: [
          ["NEW", "600000000000.1234", at("2025-04-01")],
          ["EXPANSION", "400000000000.5", at("2025-11-01")],
        ],
      },
      // …and accounts that each fit, but whose totals pass 2^53 ten-thousandths together.
      ...[1, 2, 3].map((n) => ({
        signedUpAt: at("2025-05-01"),
        churnedAt: null,
        events: [["NEW", `50000000000${n}.0001`, at("2025-05-01")]] as [string, string, Date][],
      })),
      // A trial converting inside the period (NEW after sign-up) and a sign-up exactly at `from`.
      { signedUpAt: at("2025-05-20"), churnedAt: null, events: [["NEW", "75.5", at("2025-07-01")]] },
      { signedUpAt: FROM, churnedAt: null, events: [["NEW", "42", FROM]] },
    ];
    for (const [index, history] of histories.entries()) {
      const account = await database.prisma.account.create({
        data: {
          workspaceId,
          externalId: `${prefix}_${index}`,
          name: `${prefix} ${index}`,
          segment: "Edge",
          signedUpAt: history.signedUpAt,
          churnedAt: history.churnedAt,
        },
      });
      await database.prisma.revenueEvent.createMany({
        data: history.events.map(([kind, mrrDelta, occurredAt]) => ({
          workspaceId,
          accountId: account.id,
          kind: kind as never,
          mrrDelta,
          occurredAt,
        })),
      });
    }
    return histories.length;
  }

  async function rowsOf(segment: string | null): Promise<(PortfolioAccount & { id: string })[]> {
    // The model API and the row functions: an independent read of the same facts.
    return database.prisma.account.findMany({
      where: { workspaceId, ...(segment === null ? {} : { segment }) },
      include: { revenueEvents: true },
    });
  }

  /** Every account of the segment with the keys of the milestones it achieved before NOW (model API). */
  async function onboardingRowsOf(segment: string | null) {
    const accounts = await database.prisma.account.findMany({
      where: { workspaceId, ...(segment === null ? {} : { segment }) },
      include: {
        milestoneAchievements: { where: { achievedAt: { lt: NOW } }, include: { milestone: true } },
      },
    });
    return accounts.map((account) => ({
      signedUpAt: account.signedUpAt,
      achievedMilestoneKeys: account.milestoneAchievements.map((achievement) => achievement.milestone.key),
    }));
  }

  it("gives the onboarding completion of the row formula over every account, for periods old and new", async () => {
    const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
    expect(settings.milestones.length).toBeGreaterThan(0);
    for (const segment of [null, "SMB"]) {
      const accounts = await onboardingRowsOf(segment);
      // Accounts that signed up before the period with achievements exist: they must not count.
      expect(accounts.some((a) => a.signedUpAt < FROM && a.achievedMilestoneKeys.length > 0)).toBe(true);
      for (const period of [
        PERIOD,
        { from: "2024-06-15", to: "2026-06-15" },
        { from: "2026-01-01", to: "2026-06-15" },
      ]) {
        const result = await graphql<{ portfolio: { onboardingCompletion: Record<string, number | null> } }>(
          yoga,
          key,
          "query($period: PeriodInput, $segment: String) { portfolio(period: $period, segment: $segment) { onboardingCompletion { rate completed cohortSize } } }",
          { period, segment },
        );
        expect(result.errors).toBeUndefined();
        const expected = onboardingCompletionRate({
          milestones: settings.milestones,
          accounts,
          period: { from: new Date(period.from), to: new Date(period.to) },
        });
        expect(result.data?.portfolio.onboardingCompletion).toEqual({
          ...expected,
          rate: figure(expected.rate),
        });
        expect(expected.cohortSize).toBeGreaterThan(0);
      }
    }
  });

  async function portfolio(segment: string | null) {
    database.statements.reset();
    const result = await graphql<{ portfolio: PortfolioAnswer }>(yoga, key, PORTFOLIO, {
      period: PERIOD,
      segment,
    });
    const statements = database.statements.reset();
    expect(result.errors).toBeUndefined();
    return { answer: result.data?.portfolio as PortfolioAnswer, statements };
  }

  it("sends the same number of statements however many accounts there are", async () => {
    await portfolio(null); // warms the API-key cache
    const before = await portfolio(null);
    const added = await addEdgeCaseAccounts("edge");
    await portfolio(null); // reads the changed accounts into the server's portfolio cache
    const after = await portfolio(null);
    expect(added).toBeGreaterThan(5);
    expect(after.answer.activeAccounts).toBeGreaterThan(before.answer.activeAccounts);
    expect(after.statements).toBe(before.statements);
  });

  it.each([null, "Edge", "Enterprise"])("equals the row formulas for segment %s", async (segment) => {
    const { answer } = await portfolio(segment);
    const rows = await rowsOf(segment);
    const period = { from: FROM, to: TO };
    const logos = logoRetention(rows, period);
    const revenue = revenueRetention(rows, period);
    const totals = averageRevenuePerAccount(rows, TO);
    const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
    const lifetime = portfolioLifetimeValue(rows, TO, {
      grossMargin: settings.grossMargin,
      lifetimeCapMonths: settings.lifetimeCapMonths,
    });

    expect(answer.accountMovements).toEqual({
      startingAccounts: logos.startingAccounts,
      churnedAccounts: logos.churnedAccounts,
      retainedAccounts: logos.retainedAccounts,
      endingAccounts: logos.endingAccounts,
      joinedAccounts: logos.joinedAccounts,
      newAccounts: logos.newAccounts,
      newActiveAccounts: logos.newActiveAccounts,
      reactivatedAccounts: logos.reactivatedAccounts,
    });
    // The published movements reproduce the published rate.
    const { startingAccounts, endingAccounts, joinedAccounts } = answer.accountMovements;
    if (startingAccounts > 0) {
      expect(answer.customerRetentionRate).toBe(
        roundFigure((100 * (endingAccounts - joinedAccounts)) / startingAccounts),
      );
    }
    expect(answer.logoChurnRate).toBe(figure(logos.logoChurnRate));
    expect(answer.customerRetentionRate).toBe(figure(logos.customerRetentionRate));
    expect(answer.startingMrr.amount).toBe(text(revenue.startingMrr));
    expect(answer.grossRevenueRetention).toBe(figure(revenue.grossRevenueRetention));
    expect(answer.netRevenueRetention).toBe(figure(revenue.netRevenueRetention));
    expect(answer.revenueChurnRate).toBe(figure(revenue.revenueChurnRate));
    expect(answer.expansionRevenue.amount).toBe(text(revenue.expansionRevenue));
    expect(answer.expansionRate).toBe(figure(revenue.expansionRate));
    expect(answer.contractionMrr.amount).toBe(text(revenue.contractionMrr));
    expect(answer.churnedMrr.amount).toBe(text(revenue.churnedMrr));
    expect(answer.mrr.amount).toBe(text(totals.totalMrr));
    expect(answer.activeAccounts).toBe(totals.activeAccounts);
    expect(answer.arpa?.amount ?? null).toBe(text(lifetime.arpa));
    expect(answer.averageLifetimeValue?.amount ?? null).toBe(text(lifetime.averageLifetimeValue));
    if (segment === null) expect(revenue.startingMrr.gt("1500000000000")).toBe(true); // the large accounts are in

    // Health distribution: active accounts now, by their latest snapshot's band.
    const snapshots = await database.prisma.healthSnapshot.findMany({
      where: { workspaceId },
      orderBy: { day: "desc" },
    });
    const band = new Map<string, string | null>();
    for (const snapshot of snapshots)
      if (!band.has(snapshot.accountId)) band.set(snapshot.accountId, snapshot.band);
    const distribution = { green: 0, yellow: 0, red: 0, insufficientData: 0, noData: 0 };
    for (const row of rows.filter((r) => isActiveAt(r, NOW))) {
      const b = band.get(row.id);
      if (b === "GREEN") distribution.green++;
      else if (b === "YELLOW") distribution.yellow++;
      else if (b === "RED") distribution.red++;
      else if (b === null) distribution.insufficientData++;
      else distribution.noData++;
    }
    expect(answer.healthDistribution).toEqual(distribution);

    // At-risk accounts: highest MRR now first (then by id), as mrrAt on each account's events.
    const mrrNow = new Map(rows.map((row) => [row.id, mrrAt(row.revenueEvents, NOW).toNumber()]));
    const listed = answer.atRiskAccounts.map((account) => {
      const id = Buffer.from(account.id, "base64").toString("utf8").split(":")[1] as string;
      return { id, mrr: mrrNow.get(id) as number };
    });
    expect(listed.length).toBe(Math.min(answer.atRiskCount, 100));
    const sorted = [...listed].sort((a, b) => b.mrr - a.mrr || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(listed).toEqual(sorted);
  });

  it("lists exactly the accounts list's at-risk accounts by MRR, per segment and after a change", async () => {
    // The portfolio cuts its at-risk list from its cached rows of the segment; the accounts list
    // reads the accounts with the filter. Both must name the same accounts in the same order.
    const compare = async () => {
      for (const segment of [null, "Edge", "SMB"]) {
        // Separate requests: within one, both would share the request's memoized list.
        const { data: ours, errors } = await graphql<{
          portfolio: { atRiskCount: number; atRiskAccounts: { id: string }[] };
        }>(
          yoga,
          key,
          "query($segment: String) { portfolio(segment: $segment) { atRiskCount atRiskAccounts(first: 100) { id } } }",
          { segment },
        );
        expect(errors).toBeUndefined();
        const { data: listed } = await graphql<{
          accounts: { totalCount: number; edges: { node: { id: string } }[] };
        }>(
          yoga,
          key,
          `query($segments: [String!]) {
            accounts(first: 100, filter: { atRisk: true, segment: $segments }, orderBy: { field: MRR, direction: DESC }) {
              totalCount edges { node { id } } } }`,
          { segments: segment === null ? null : [segment] },
        );
        expect(ours?.portfolio.atRiskCount).toBe(listed?.accounts.totalCount);
        expect(ours?.portfolio.atRiskAccounts.map((account) => account.id)).toEqual(
          listed?.accounts.edges.map((edge) => edge.node.id),
        );
      }
    };
    await compare();
    const before = await graphql<{ portfolio: { atRiskCount: number } }>(
      yoga,
      key,
      "{ portfolio { atRiskCount } }",
    );
    // An at-risk account churns (no longer at risk): the cached rows are read again.
    const [listed] =
      (
        await graphql<{ accounts: { edges: { node: { externalId: string } }[] } }>(
          yoga,
          key,
          "{ accounts(first: 1, filter: { atRisk: true }, orderBy: { field: MRR, direction: DESC }) { edges { node { externalId } } } }",
        )
      ).data?.accounts.edges ?? [];
    expect(listed).toBeDefined();
    await database.prisma.account.updateMany({
      where: { workspaceId, externalId: listed?.node.externalId },
      data: { churnedAt: new Date(NOW.getTime() - DAY) },
    });
    const after = await graphql<{ portfolio: { atRiskCount: number } }>(
      yoga,
      key,
      "{ portfolio { atRiskCount } }",
    );
    expect(after.data?.portfolio.atRiskCount).toBe((before.data?.portfolio.atRiskCount ?? 0) - 1);
    await compare();
  });

  it("keeps segments and periods apart within one request (aliases)", async () => {
    const fields =
      "startingMrr { amount } netRevenueRetention logoChurnRate mrr { amount } activeAccounts arpa { amount } atRiskCount";
    const result = await graphql<Record<string, Record<string, unknown>>>(
      yoga,
      key,
      `query($period: PeriodInput, $half: PeriodInput) {
        all: portfolio(period: $period) { ${fields} }
        edge: portfolio(period: $period, segment: "Edge") { ${fields} }
        half: portfolio(period: $half) { ${fields} }
      }`,
      { period: PERIOD, half: { from: "2025-12-15", to: "2026-06-15" } },
    );
    expect(result.errors).toBeUndefined();
    const alone = async (variables: Record<string, unknown>) =>
      (
        await graphql<{ portfolio: Record<string, unknown> }>(
          yoga,
          key,
          `query($period: PeriodInput, $segment: String) { portfolio(period: $period, segment: $segment) { ${fields} } }`,
          variables,
        )
      ).data?.portfolio;
    expect(result.data?.all).toEqual(await alone({ period: PERIOD }));
    expect(result.data?.edge).toEqual(await alone({ period: PERIOD, segment: "Edge" }));
    expect(result.data?.half).toEqual(await alone({ period: { from: "2025-12-15", to: "2026-06-15" } }));
    expect(result.data?.edge).not.toEqual(result.data?.all);
    expect(result.data?.half?.startingMrr).not.toEqual(result.data?.all?.startingMrr);
  });

  it("gives each metricSeries bucket the row formulas' value", async () => {
    const metrics = [
      "MRR",
      "ARPA",
      "NET_REVENUE_RETENTION",
      "GROSS_REVENUE_RETENTION",
      "EXPANSION_REVENUE",
      "LOGO_CHURN_RATE",
      "CUSTOMER_RETENTION_RATE",
      "AVERAGE_LIFETIME_VALUE",
      "ONBOARDING_COMPLETION_RATE",
    ];
    const rows = await rowsOf(null);
    const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
    const onboardingRows = await onboardingRowsOf(null);
    for (const metric of metrics) {
      const result = await graphql<{ metricSeries: { from: string; to: string; value: number | null }[] }>(
        yoga,
        key,
        `query($metric: PortfolioMetric!, $period: PeriodInput) { metricSeries(metric: $metric, interval: QUARTER, period: $period) { from to value } }`,
        { metric, period: PERIOD },
      );
      expect(result.errors).toBeUndefined();
      const points = result.data?.metricSeries ?? [];
      expect(points.length).toBeGreaterThan(3);
      for (const point of points) {
        const period = { from: new Date(point.from), to: new Date(point.to) };
        const asOf = new Date(Math.min(period.to.getTime(), NOW.getTime()));
        const lifetime = () =>
          portfolioLifetimeValue(rows, asOf, {
            grossMargin: settings.grossMargin,
            lifetimeCapMonths: settings.lifetimeCapMonths,
          });
        const formulas: Record<string, () => Decimal | number | null> = {
          MRR: () => averageRevenuePerAccount(rows, asOf).totalMrr,
          ARPA: () => lifetime().arpa,
          NET_REVENUE_RETENTION: () => revenueRetention(rows, period).netRevenueRetention,
          GROSS_REVENUE_RETENTION: () => revenueRetention(rows, period).grossRevenueRetention,
          EXPANSION_REVENUE: () => revenueRetention(rows, period).expansionRevenue,
          LOGO_CHURN_RATE: () => logoRetention(rows, period).logoChurnRate,
          CUSTOMER_RETENTION_RATE: () => logoRetention(rows, period).customerRetentionRate,
          AVERAGE_LIFETIME_VALUE: () => lifetime().averageLifetimeValue,
          ONBOARDING_COMPLETION_RATE: () =>
            onboardingCompletionRate({ milestones: settings.milestones, accounts: onboardingRows, period })
              .rate,
        };
        const expected = formulas[metric]?.();
        expect({ metric, from: point.from, value: point.value }).toEqual({
          metric,
          from: point.from,
          value: figure(expected),
        });
      }
    }
  });
});
