// Lifecycle history and journey, unit economics and metric targets through the API, on PGlite
// and PostgreSQL: the stage changes account ingestion records (time, source), the journey equal
// to the pure formulas over the stored history and to a hand-computed example, CAC and its
// ratios from ingested spend, targets with their status and the series' target line, all at a
// statement count that does not grow with the accounts; bad input changes nothing.
import type { Database } from "@pulse/schema/database";
import {
  acquisitionSpendInPeriod,
  type LifecycleStageName,
  lifecycleJourney,
  logoRetention,
  portfolioLifetimeValue,
  roundFigure,
  unitEconomics,
} from "@pulse/schema/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { loadWorkspaceSettings } from "../src/health/settings.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { ingestBatch } from "./ingest-helpers.ts";

const NOW = new Date("2026-03-15T12:00:00Z");
const JANUARY = { from: "2026-01-01", to: "2026-02-01" };
const iso = (date: string) => new Date(`${date}T00:00:00Z`).toISOString();

const JOURNEY = `query($period: PeriodInput, $segment: String) { journey(period: $period, segment: $segment) {
  stages { stage accountsAtEnd entered converted conversionRate completedStays medianDaysInStage
    onboarding { timeToFirstValue { accounts medianDays } milestoneCompletion { rate cohortSize } }
    adoption { accounts featureAdoption stickiness }
    renewal { renewalRate { rate } netRevenueRetention } }
} }`;

interface Stage {
  stage: LifecycleStageName;
  accountsAtEnd: number;
  entered: number;
  converted: number;
  conversionRate: number | null;
  completedStays: number;
  medianDaysInStage: number | null;
  onboarding: unknown;
  adoption: { accounts: number; featureAdoption: number | null; stickiness: number | null } | null;
  renewal: unknown;
}

describe.each(DATABASE_KINDS)("journey, unit economics and targets on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let acme: CreatedWorkspace;
  let snapshots: SnapshotRefresher;

  const upsert = (items: object[]) =>
    ingestBatch(yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", items);
  const account = (n: number, signedUp: string, extra: object = {}) => ({
    externalId: `acct-${n}`,
    name: `Account ${n}`,
    signedUpAt: iso(signedUp),
    segment: n % 2 === 0 ? "SMB" : "Enterprise",
    seats: 10,
    ...extra,
  });

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "journey"));
    acme = await newWorkspace(database, "journey-acme");
    // Snapshot refreshes run only when flushed, so none mixes with the statements counted.
    snapshots = new SnapshotRefresher(database, 3_600_000);
    yoga = createPulseYoga({ database, clock: () => NOW, snapshots });
    // The worked example of lifecycle.test.ts, through ingestion: A (1) onboarding Jan 1,
    // adoption Jan 11, active Feb 10; B (2) onboarding Jan 5, churned Jan 25; C (3) onboarding Jan 20.
    expect(
      await upsert([account(1, "2026-01-01"), account(2, "2026-01-05"), account(3, "2026-01-20")]),
    ).toMatchObject({
      created: 3,
    });
    await upsert([
      account(1, "2026-01-01", { lifecycleStage: "ADOPTION", lifecycleStageChangedAt: iso("2026-01-11") }),
    ]);
    await upsert([account(2, "2026-01-05", { churnedAt: iso("2026-01-25") })]);
    await upsert([
      account(1, "2026-01-01", { lifecycleStage: "ACTIVE", lifecycleStageChangedAt: iso("2026-02-10") }),
    ]);
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  async function journey(period: object, segment: string | null = null) {
    database.statements.reset();
    const result = await graphql<{ journey: { stages: Stage[] } }>(yoga, acme.secretKey, JOURNEY, {
      period,
      segment,
    });
    const statements = database.statements.reset();
    expect(result.errors).toBeUndefined();
    return { stages: result.data?.journey.stages ?? [], statements };
  }

  it("records every stage change with its time and source; a retry records nothing", async () => {
    const changes = await database.prisma.lifecycleStageChange.findMany({
      where: { workspaceId: acme.workspaceId },
      include: { account: { select: { externalId: true } } },
      orderBy: [{ changedAt: "asc" }],
    });
    expect(
      changes.map((c) => [c.account.externalId, c.fromStage, c.toStage, c.changedAt.toISOString(), c.source]),
    ).toEqual([
      ["acct-1", null, "ONBOARDING", iso("2026-01-01"), "INGESTED"],
      ["acct-2", null, "ONBOARDING", iso("2026-01-05"), "INGESTED"],
      ["acct-1", "ONBOARDING", "ADOPTION", iso("2026-01-11"), "INGESTED"],
      ["acct-3", null, "ONBOARDING", iso("2026-01-20"), "INGESTED"],
      ["acct-2", "ONBOARDING", "CHURNED", iso("2026-01-25"), "CHURN"],
      ["acct-1", "ADOPTION", "ACTIVE", iso("2026-02-10"), "INGESTED"],
    ]);
    await upsert([account(2, "2026-01-05", { churnedAt: iso("2026-01-25") })]);
    expect(
      await database.prisma.lifecycleStageChange.count({ where: { workspaceId: acme.workspaceId } }),
    ).toBe(6);
  });

  it("records a reactivation (churnedAt cleared) at the request's time", async () => {
    await upsert([account(4, "2025-06-01", { churnedAt: iso("2025-12-01") })]);
    await upsert([account(4, "2025-06-01", { churnedAt: null })]);
    const changes = await database.prisma.lifecycleStageChange.findMany({
      where: { account: { externalId: "acct-4", workspaceId: acme.workspaceId } },
      orderBy: { changedAt: "asc" },
    });
    expect(changes.map((c) => [c.toStage, c.changedAt.toISOString(), c.source])).toEqual([
      ["CHURNED", iso("2025-12-01"), "CHURN"],
      ["ONBOARDING", NOW.toISOString(), "REACTIVATION"],
    ]);
  });

  it("answers the worked example of January and equals the formula over the stored history", async () => {
    const { stages } = await journey(JANUARY);
    const byStage = Object.fromEntries(stages.map((stage) => [stage.stage, stage]));
    expect(stages.map((stage) => stage.stage)).toEqual([
      "ONBOARDING",
      "ADOPTION",
      "ACTIVE",
      "RENEWAL",
      "CHURNED",
    ]);
    expect(byStage.ONBOARDING).toMatchObject({
      accountsAtEnd: 1,
      entered: 3,
      converted: 1,
      conversionRate: roundFigure(100 / 3),
      completedStays: 2,
      medianDaysInStage: 15,
    });
    expect(byStage.ADOPTION).toMatchObject({ accountsAtEnd: 1, entered: 1, converted: 0, conversionRate: 0 });
    // acct-4 was CHURNED through January (since Dec 1).
    expect(byStage.CHURNED).toMatchObject({ accountsAtEnd: 2, entered: 1, conversionRate: null });
    expect(byStage.ONBOARDING?.onboarding).toEqual({
      timeToFirstValue: { accounts: 0, medianDays: null },
      milestoneCompletion: { rate: null, cohortSize: 3 },
    });
    expect(byStage.ADOPTION?.adoption).toEqual({ accounts: 1, featureAdoption: null, stickiness: null });
    expect(byStage.RENEWAL?.renewal).toEqual({ renewalRate: { rate: null }, netRevenueRetention: null });
    expect(byStage.ACTIVE?.onboarding).toBeNull();

    const rows = await database.prisma.lifecycleStageChange.findMany({
      where: { workspaceId: acme.workspaceId },
    });
    const perAccount = new Map<string, { toStage: LifecycleStageName; changedAt: Date }[]>();
    for (const row of rows) perAccount.set(row.accountId, [...(perAccount.get(row.accountId) ?? []), row]);
    for (const period of [JANUARY, { from: "2025-01-01", to: "2026-03-15" }]) {
      const expected = lifecycleJourney([...perAccount.values()], {
        from: new Date(`${period.from}T00:00:00Z`),
        to: new Date(`${period.to}T00:00:00Z`),
      });
      const answer = (await journey(period)).stages;
      expect(answer.map(({ onboarding: _o, adoption: _a, renewal: _r, ...stage }) => stage)).toEqual(
        expected.map((stage) => ({
          ...stage,
          conversionRate: stage.conversionRate === null ? null : roundFigure(stage.conversionRate),
          medianDaysInStage: stage.medianDaysInStage === null ? null : roundFigure(stage.medianDaysInStage),
        })),
      );
    }
  });

  it("keeps segments apart", async () => {
    const smb = Object.fromEntries(
      (await journey(JANUARY, "SMB")).stages.map((stage) => [stage.stage, stage]),
    );
    // SMB holds acct-2 (churned) and acct-4.
    expect(smb.ONBOARDING).toMatchObject({ entered: 1, converted: 0, accountsAtEnd: 0 });
    expect(smb.CHURNED).toMatchObject({ entered: 1, accountsAtEnd: 2 });
  });

  it("computes CAC, payback and LTV:CAC from ingested spend, on the portfolio and in metricSeries", async () => {
    const spend = await ingestBatch(
      yoga,
      acme.secretKey,
      "upsertAcquisitionSpends",
      "UpsertAcquisitionSpendsInput",
      [
        {
          externalId: "jan-smb",
          periodStart: iso("2026-01-01"),
          periodEnd: iso("2026-02-01"),
          amount: "3100",
          segment: "SMB",
        },
        {
          externalId: "jan-ent",
          periodStart: iso("2026-01-01"),
          periodEnd: iso("2026-02-01"),
          amount: "6200",
          segment: "Enterprise",
        },
      ],
    );
    expect(spend).toMatchObject({ created: 2 });
    await ingestBatch(yoga, acme.secretKey, "upsertRevenueEvents", "UpsertRevenueEventsInput", [
      {
        externalId: "r1",
        accountExternalId: "acct-1",
        kind: "NEW",
        mrrDelta: "500",
        occurredAt: iso("2026-01-02"),
      },
      {
        externalId: "r3",
        accountExternalId: "acct-3",
        kind: "NEW",
        mrrDelta: "300",
        occurredAt: iso("2026-01-21"),
      },
    ]);
    const result = await graphql<{
      portfolio: {
        acquisitionSpend: { amount: string };
        cac: { amount: string } | null;
        cacPaybackMonths: number | null;
        ltvToCac: number | null;
        accountMovements: { newAccounts: number };
      };
      series: { from: string; value: number | null }[];
    }>(
      yoga,
      acme.secretKey,
      `query($period: PeriodInput) {
        portfolio(period: $period) { acquisitionSpend { amount } cac { amount } cacPaybackMonths ltvToCac accountMovements { newAccounts } }
        series: metricSeries(metric: CAC, interval: MONTH, period: { from: "2025-12-01", to: "2026-03-01" }) { from value }
      }`,
      { period: JANUARY },
    );
    expect(result.errors).toBeUndefined();
    const answer = result.data?.portfolio;
    const accounts = await database.prisma.account.findMany({
      where: { workspaceId: acme.workspaceId },
      include: { revenueEvents: true },
    });
    const period = { from: new Date(iso(JANUARY.from)), to: new Date(iso(JANUARY.to)) };
    const settings = await loadWorkspaceSettings(database.primaryReader, acme.workspaceId);
    const lifetime = portfolioLifetimeValue(accounts, period.to, {
      grossMargin: settings.grossMargin,
      lifetimeCapMonths: settings.lifetimeCapMonths,
    });
    const entries = await database.prisma.acquisitionSpend.findMany({
      where: { workspaceId: acme.workspaceId },
    });
    const expected = unitEconomics({
      spend: acquisitionSpendInPeriod(entries, period),
      newAccounts: logoRetention(accounts, period).newAccounts,
      arpa: lifetime.arpa,
      averageLifetimeValue: lifetime.averageLifetimeValue,
      grossMargin: settings.grossMargin,
    });
    // 9,300 spent on January's 3 sign-ups: CAC 3,100.
    expect(answer?.accountMovements.newAccounts).toBe(3);
    expect(answer?.acquisitionSpend.amount).toBe("9300");
    expect(answer?.cac?.amount).toBe("3100");
    expect(expected.cac?.toString()).toBe("3100");
    expect(answer?.cacPaybackMonths).toBe(roundFigure(expected.cacPaybackMonths?.toNumber() ?? Number.NaN));
    expect(answer?.ltvToCac).toBe(
      expected.ltvToCac === null ? null : roundFigure(expected.ltvToCac.toNumber()),
    );
    // December has no sign-up (no CAC), January 3,100, February no spend and no sign-up.
    expect(result.data?.series.map((point) => point.value)).toEqual([null, 3100, null]);
  });

  it("sets, lists, updates and deletes targets, with status and the series' target line", async () => {
    const set = await graphql<{ set: { __typename: string; data?: { id: string; status: string } } }>(
      yoga,
      acme.secretKey,
      `mutation { set: setMetricTarget(input: { metric: CAC, baseline: 4000, target: 2000, dueAt: "2026-09-15T12:00:00Z", windowDays: 90 }) {
        __typename ... on MutationSetMetricTargetSuccess { data { id status } } ... on ValidationError { message } } }`,
    );
    expect(set.data?.set.__typename).toBe("MutationSetMetricTargetSuccess");
    const id = set.data?.set.data?.id as string;
    const list = await graphql<{
      metricTargets: {
        id: string;
        metric: string;
        currentValue: number | null;
        progress: number | null;
        expectedProgress: number;
        status: string;
      }[];
    }>(yoga, acme.secretKey, "{ metricTargets { id metric currentValue progress expectedProgress status } }");
    expect(list.errors).toBeUndefined();
    // The current value is CAC over the trailing 90 days (Dec 15 – Mar 15): the same figure as the
    // portfolio of that window.
    const window = await graphql<{ portfolio: { cac: { amount: string } | null } }>(
      yoga,
      acme.secretKey,
      `{ portfolio(period: { from: "${new Date(NOW.getTime() - 90 * 86_400_000).toISOString()}", to: "${NOW.toISOString()}" }) { cac { amount } } }`,
    );
    const current = Number(window.data?.portfolio.cac?.amount);
    expect(list.data?.metricTargets).toEqual([
      {
        id,
        metric: "CAC",
        currentValue: current,
        progress: roundFigure((current - 4000) / (2000 - 4000)),
        expectedProgress: 0,
        status: (current - 4000) / (2000 - 4000) >= 0 ? "ON_TRACK" : "BEHIND",
      },
    ]);

    const series = await graphql<{ metricSeries: { to: string; target: number | null }[] }>(
      yoga,
      acme.secretKey,
      `{ metricSeries(metric: CAC, interval: MONTH, period: { from: "2026-02-01", to: "2026-10-01" }) { to target } }`,
    );
    // The line runs from 4,000 at creation (NOW, Mar 15) to 2,000 on Sep 15, read at each point's
    // end: null for February (ends Mar 1), then Apr 1, May 1, …
    const line = series.data?.metricSeries.map((point) => point.target);
    expect(line?.[0]).toBeNull();
    expect(line?.[1]).toBe(
      roundFigure(
        4000 -
          (2000 * (Date.parse("2026-04-01") - NOW.getTime())) /
            (Date.parse("2026-09-15T12:00:00Z") - NOW.getTime()),
      ),
    );
    expect(line?.[2]).toBe(
      roundFigure(
        4000 -
          (2000 * (Date.parse("2026-05-01") - NOW.getTime())) /
            (Date.parse("2026-09-15T12:00:00Z") - NOW.getTime()),
      ),
    );
    expect(line?.at(-1)).toBe(2000);

    const updated = await graphql<{
      set: { __typename: string; data?: { target: number; createdAt: string } };
    }>(
      yoga,
      acme.secretKey,
      `mutation($id: ID!) { set: setMetricTarget(input: { id: $id, metric: CAC, baseline: 4000, target: 2500, dueAt: "2026-12-01T00:00:00Z" }) {
        __typename ... on MutationSetMetricTargetSuccess { data { target createdAt } } } }`,
      { id },
    );
    expect(updated.data?.set.data).toEqual({ target: 2500, createdAt: NOW.toISOString() });

    const deleted = await graphql<{ deleted: { __typename: string } }>(
      yoga,
      acme.secretKey,
      `mutation($id: ID!) { deleted: deleteMetricTarget(id: $id) { __typename } }`,
      { id },
    );
    expect(deleted.data?.deleted.__typename).toBe("MutationDeleteMetricTargetSuccess");
    const again = await graphql<{ deleted: { __typename: string } }>(
      yoga,
      acme.secretKey,
      `mutation($id: ID!) { deleted: deleteMetricTarget(id: $id) { __typename } }`,
      { id },
    );
    expect(again.data?.deleted.__typename).toBe("NotFoundError");
  });

  it("refuses bad targets with a clear error and stores nothing", async () => {
    const before = await database.prisma.metricTarget.count({ where: { workspaceId: acme.workspaceId } });
    const cases: [string, string][] = [
      ['metric: NPS, baseline: 10, target: 10, dueAt: "2026-12-01T00:00:00Z"', "target"],
      ['metric: NPS, baseline: 10, target: 20, dueAt: "2026-01-01T00:00:00Z"', "dueAt"],
      ['metric: NPS, baseline: 10, target: 20, dueAt: "2026-12-01T00:00:00Z", windowDays: 0', "windowDays"],
      ['metric: NPS, baseline: 10, target: 20, dueAt: "2026-12-01T00:00:00Z", segment: "   "', "segment"],
    ];
    for (const [input, field] of cases) {
      const result = await graphql<{ set: { __typename: string; fields?: { path: string }[] } }>(
        yoga,
        acme.secretKey,
        `mutation { set: setMetricTarget(input: { ${input} }) { __typename ... on ValidationError { message fields { path } } } }`,
      );
      expect(result.data?.set.__typename, input).toBe("ValidationError");
      expect(
        result.data?.set.fields?.map((problem) => problem.path),
        input,
      ).toEqual([field]);
    }
    const unknown = await graphql<{ set: { __typename: string } }>(
      yoga,
      acme.secretKey,
      `mutation { set: setMetricTarget(input: { id: "bm9wZQ==", metric: NPS, baseline: 1, target: 2, dueAt: "2026-12-01T00:00:00Z" }) { __typename } }`,
    );
    expect(unknown.data?.set.__typename).toBe("NotFoundError");
    expect(await database.prisma.metricTarget.count({ where: { workspaceId: acme.workspaceId } })).toBe(
      before,
    );
  });

  it("sends the same number of statements however many accounts there are", async () => {
    await graphql(
      yoga,
      acme.secretKey,
      `mutation { setMetricTarget(input: { metric: NET_REVENUE_RETENTION, segment: "SMB", baseline: 90, target: 105, dueAt: "2026-12-01T00:00:00Z" }) { __typename } }`,
    );
    const everything = `{
      journey(period: { from: "2025-01-01", to: "2026-03-15" }) { stages { stage entered converted medianDaysInStage
        onboarding { timeToFirstValue { medianDays } milestoneCompletion { rate } } adoption { featureAdoption stickiness } renewal { renewalRate { rate } netRevenueRetention } } }
      portfolio { cac { amount } cacPaybackMonths ltvToCac }
      metricTargets { currentValue progress status }
      metricSeries(metric: LTV_TO_CAC, interval: QUARTER) { value target }
    }`;
    const count = async () => {
      database.statements.reset();
      const result = await graphql(yoga, acme.secretKey, everything);
      expect(result.errors).toBeUndefined();
      return database.statements.reset();
    };
    // One account in ADOPTION at the end already, so adoption's usage read is in both counts.
    await upsert([
      account(99, "2026-01-10", { lifecycleStage: "ADOPTION", lifecycleStageChangedAt: iso("2026-02-01") }),
    ]);
    await count();
    const before = await count();
    await upsert(
      Array.from({ length: 30 }, (_, n) =>
        account(
          100 + n,
          "2026-01-10",
          n % 3 === 0 ? { lifecycleStage: "ADOPTION", lifecycleStageChangedAt: iso("2026-02-01") } : {},
        ),
      ),
    );
    await count();
    expect(await count()).toBe(before);
  });
});
