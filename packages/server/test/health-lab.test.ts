// The health-score lab through the API: versioned configuration (atomic with its snapshots),
// restore, preview (nothing stored, constant statements), the backtest on a hand-built data set
// (exact output), pathToGreen, and the point-in-time facts against the request's own loaders.
import type { Database } from "@pulse/schema/database";
import { HEALTH_COMPONENT_KEYS, parseHealthConfig } from "@pulse/schema/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthComponentValues } from "../src/health/account-health.ts";
import { changeHealthConfig } from "../src/health/config-versions.ts";
import { loadWorkspaceSettings } from "../src/health/settings.ts";
import { rebuildUsageDaily } from "../src/ingest/usage-rollup.ts";
import { AccountFacts } from "../src/loaders/facts.ts";
import { PointInTimeFacts } from "../src/loaders/point-in-time-facts.ts";
import { seedDemoWorkspace } from "../src/seed/demo.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

/** More accounts with invoices, tickets and usage spread over the last 200 days (and a churned one). */
async function addAccounts(
  database: Database,
  workspaceId: string,
  count: number,
  prefix: string,
): Promise<void> {
  for (let index = 0; index < count; index++) {
    const account = await database.prisma.account.create({
      data: {
        workspaceId,
        externalId: `${prefix}-${index}`,
        name: `${prefix} ${index}`,
        seats: 3 + (index % 4),
        signedUpAt: new Date(NOW.getTime() - 400 * DAY),
        churnedAt: index % 5 === 0 ? new Date(NOW.getTime() - (20 + index) * DAY) : null,
      },
    });
    const at = (days: number) => new Date(NOW.getTime() - days * DAY);
    await database.prisma.invoice.createMany({
      data: [0, 1, 2].map((n) => ({
        workspaceId,
        accountId: account.id,
        amount: "50",
        dueAt: at(30 + 60 * n),
        paidAt: (index + n) % 3 === 0 ? at(20 + 60 * n) : at(30 + 60 * n),
      })),
    });
    await database.prisma.supportTicket.createMany({
      data: [0, 1].map((n) => ({ workspaceId, accountId: account.id, openedAt: at(10 + 70 * n + index) })),
    });
    await database.prisma.usageEvent.createMany({
      data: [0, 1, 2, 3].map((n) => ({
        workspaceId,
        accountId: account.id,
        kind: n % 2 === 0 ? ("LOGIN" as const) : ("FEATURE" as const),
        featureKey: n % 2 === 0 ? null : "reports",
        occurredAt: at(5 + 40 * n + (index % 7)),
      })),
    });
  }
  // Written around ingestion: the rollup that usage reads of complete days use is filled by hand.
  await rebuildUsageDaily(database.prisma, workspaceId);
}

const VERSIONS = `{ workspace { healthConfigVersions(first: 10) { edges { node {
  id version restoredFromVersion apiKey { prefix } config { greenThreshold components { key enabled weight } }
} } } } }`;

const UPDATE = `mutation($input: UpdateHealthScoreConfigInput!) { updateHealthScoreConfig(input: $input) {
  __typename ... on ValidationError { message fields { path message } } ... on Error { message } } }`;

const RESTORE = `mutation($id: ID!) { restoreHealthConfigVersion(id: $id) { __typename
  ... on MutationRestoreHealthConfigVersionSuccess { data { version restoredFromVersion config { greenThreshold } } }
  ... on NotFoundError { code message } } }`;

const PREVIEW = `query($config: UpdateHealthScoreConfigInput!, $first: Int) { previewHealthScoreConfig(config: $config) {
  __typename ... on ValidationError { message }
  ... on QueryPreviewHealthScoreConfigSuccess { data {
    accounts meanScoreChange scoredByBoth
    before { green yellow red insufficientData } after { green yellow red insufficientData }
    bandChanges(first: $first) { totalCount: edges { cursor } pageInfo { hasNextPage }
      edges { node { account { externalId } scoreBefore bandBefore scoreAfter bandAfter } } }
  } } } }`;

const BACKTEST = `query($config: UpdateHealthScoreConfigInput, $period: PeriodInput!, $horizonDays: Int!) {
  healthBacktest(config: $config, period: $period, horizonDays: $horizonDays) {
    __typename ... on ValidationError { message fields { path message } }
    ... on QueryHealthBacktestSuccess { data {
      from to horizonDays rocAuc churnedAccounts retainedAccounts scoredAccounts excludedNotYetSignedUp excludedInsufficientData
      bands { band accounts churned churnRate }
      atRisk { precision recall truePositives falsePositives falseNegatives trueNegatives }
    } } } }`;

type Versions = {
  workspace: {
    healthConfigVersions: {
      edges: {
        node: {
          id: string;
          version: number;
          restoredFromVersion: number | null;
          apiKey: { prefix: string } | null;
          config: { greenThreshold: number; components: { key: string; enabled: boolean; weight: number }[] };
        };
      }[];
    };
  };
};

describe.each(DATABASE_KINDS)("health-score lab on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let workspaceId: string;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "healthlab"));
    const seeded = await seedDemoWorkspace(database.prisma, { accounts: 12, today: NOW });
    key = seeded.secretKey;
    workspaceId = seeded.workspaceId;
    yoga = createPulseYoga({ database, clock: () => NOW });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function versions() {
    const result = await graphql<Versions>(yoga, key, VERSIONS);
    expect(result.errors).toBeUndefined();
    return result.data?.workspace.healthConfigVersions.edges.map((edge) => edge.node) ?? [];
  }

  it("versions every change with its key and whole configuration; today's snapshots record it; restore makes a new version", async () => {
    const initial = await versions();
    expect(initial.map((v) => [v.version, v.apiKey])).toEqual([[1, null]]);
    expect(initial[0]?.config.greenThreshold).toBe(70);

    const update = await graphql(yoga, key, UPDATE, { input: { greenThreshold: 80 } });
    expect(update.data).toEqual({
      updateHealthScoreConfig: { __typename: "MutationUpdateHealthScoreConfigSuccess" },
    });
    const afterUpdate = await versions();
    expect(afterUpdate.map((v) => v.version)).toEqual([2, 1]);
    expect(afterUpdate[0]?.apiKey?.prefix).toBe(key.slice(0, afterUpdate[0]?.apiKey?.prefix.length));
    expect(afterUpdate[0]?.config.greenThreshold).toBe(80);
    expect(afterUpdate[0]?.config.components).toHaveLength(HEALTH_COMPONENT_KEYS.length);

    const stored = await database.prisma.healthConfigVersion.findFirstOrThrow({
      where: { workspaceId, version: 2 },
    });
    expect(parseHealthConfig(stored.config).bands.green).toBe(80);
    const today = await database.prisma.healthSnapshot.findMany({
      where: { workspaceId, day: new Date("2026-06-15T00:00:00Z") },
      select: { configVersionId: true },
    });
    expect(today.length).toBeGreaterThan(0);
    expect(new Set(today.map((s) => s.configVersionId))).toEqual(new Set([stored.id]));

    const restored = await graphql(yoga, key, RESTORE, { id: initial[0]?.id });
    expect(restored.data).toEqual({
      restoreHealthConfigVersion: {
        __typename: "MutationRestoreHealthConfigVersionSuccess",
        data: { version: 3, restoredFromVersion: 1, config: { greenThreshold: 70 } },
      },
    });
    const current = await graphql<{ workspace: { healthScoreConfig: { greenThreshold: number } } }>(
      yoga,
      key,
      "{ workspace { healthScoreConfig { greenThreshold } } }",
    );
    expect(current.data?.workspace.healthScoreConfig.greenThreshold).toBe(70);
    expect((await versions()).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it("an invalid change or an unknown version stores nothing", async () => {
    const before = await versions();
    const bad = await graphql<{ updateHealthScoreConfig: { __typename: string; message: string } }>(
      yoga,
      key,
      UPDATE,
      { input: { greenThreshold: 30, yellowThreshold: 60 } },
    );
    expect(bad.data?.updateHealthScoreConfig.__typename).toBe("ValidationError");
    expect(bad.data?.updateHealthScoreConfig.message).toMatch(
      /yellow threshold \(60\) must not exceed green/,
    );
    const unknown = await graphql(yoga, key, RESTORE, {
      id: Buffer.from("HealthConfigVersion:00000000-0000-4000-8000-000000000000").toString("base64"),
    });
    expect(unknown.data).toMatchObject({
      restoreHealthConfigVersion: { __typename: "NotFoundError", code: "NOT_FOUND" },
    });
    const malformed = await graphql(yoga, key, RESTORE, {
      id: Buffer.from("Account:nope").toString("base64"),
    });
    expect(malformed.data).toMatchObject({ restoreHealthConfigVersion: { __typename: "NotFoundError" } });
    expect(await versions()).toEqual(before);
  });

  it("is atomic: when today's snapshots cannot be written, the configuration and its versions stay as they were", async () => {
    const before = await versions();
    const configBefore = (await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } }))
      .healthConfig;
    await database.prisma.$executeRawUnsafe(`
      CREATE FUNCTION pulse_test_refuse_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'snapshot refused by the test'; END $$`);
    await database.prisma.$executeRawUnsafe(`
      CREATE TRIGGER pulse_test_refuse_snapshot BEFORE INSERT OR UPDATE ON "HealthSnapshot"
      FOR EACH ROW EXECUTE FUNCTION pulse_test_refuse_snapshot()`);
    try {
      await expect(
        changeHealthConfig(database, {
          workspaceId,
          config: parseHealthConfig({ bands: { green: 85, yellow: 40 } }),
          apiKeyId: null,
          now: NOW,
        }),
      ).rejects.toThrow(/snapshot refused by the test/);
    } finally {
      await database.prisma.$executeRawUnsafe(`DROP TRIGGER pulse_test_refuse_snapshot ON "HealthSnapshot"`);
      await database.prisma.$executeRawUnsafe("DROP FUNCTION pulse_test_refuse_snapshot()");
    }
    expect(await versions()).toEqual(before);
    const configAfter = (await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } }))
      .healthConfig;
    expect(configAfter).toEqual(configBefore);
  });

  it("pathToGreen: each used component's target reaches the green threshold alone, smallest change first", async () => {
    const result = await graphql<{
      accounts: {
        edges: {
          node: {
            health: {
              score: number | null;
              band: string | null;
              components: { key: string; value: number | null; used: boolean }[];
              pathToGreen: {
                key: string;
                value: number;
                target: number | null;
                change: number | null;
                reachable: boolean;
              }[];
            };
          };
        }[];
      };
    }>(
      yoga,
      key,
      `{ accounts(first: 12) { edges { node { health { score band components { key value used }
        pathToGreen { key value target change reachable } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const healths = result.data?.accounts.edges.map((edge) => edge.node.health) ?? [];
    const notGreen = healths.filter((health) => health.band !== null && health.band !== "GREEN");
    expect(notGreen.length).toBeGreaterThan(0);
    for (const health of healths) {
      if (health.band === "GREEN" || health.band === null) {
        expect(health.pathToGreen).toEqual([]);
        continue;
      }
      const used = health.components.filter((component) => component.used).map((component) => component.key);
      expect(health.pathToGreen.map((step) => step.key).sort()).toEqual([...used].sort());
      const changes = health.pathToGreen.filter((step) => step.reachable).map((step) => step.change ?? 0);
      expect(changes).toEqual([...changes].sort((a, b) => a - b));
    }
  });

  it("preview: distributions before and after, the accounts that change band (paged), nothing stored, constant statements", async () => {
    const versionsBefore = await versions();
    const snapshotsBefore = await database.prisma.healthSnapshot.count({ where: { workspaceId } });
    await graphql(yoga, key, "{ __typename }");
    // Changed facts before each measured request: both read the portfolio afresh.
    await addAccounts(database, workspaceId, 2, "small");
    database.statements.reset();
    const result = await graphql<{
      previewHealthScoreConfig: {
        __typename: string;
        data: {
          accounts: number;
          meanScoreChange: number | null;
          scoredByBoth: number;
          before: Record<string, number>;
          after: Record<string, number>;
          bandChanges: {
            pageInfo: { hasNextPage: boolean };
            edges: {
              node: { account: { externalId: string }; bandBefore: string | null; bandAfter: string | null };
            }[];
          };
        };
      };
    }>(yoga, key, PREVIEW, { config: { greenThreshold: 50, yellowThreshold: 20 }, first: 2 });
    const statements = database.statements.reset();
    expect(result.errors).toBeUndefined();
    const preview = result.data?.previewHealthScoreConfig;
    expect(preview?.__typename).toBe("QueryPreviewHealthScoreConfigSuccess");
    const data = preview?.data;
    expect(data?.accounts).toBe(Object.values(data?.before ?? {}).reduce((sum, count) => sum + count, 0));
    expect(Object.values(data?.after ?? {}).reduce((sum, count) => sum + count, 0)).toBe(data?.accounts);
    // Lower thresholds move accounts up only: no GREEN is lost, and the mean score is unchanged.
    expect(data?.after.green).toBeGreaterThanOrEqual(data?.before.green ?? 0);
    expect(data?.meanScoreChange).toBe(0);
    for (const edge of data?.bandChanges.edges ?? [])
      expect(edge.node.bandAfter).not.toBe(edge.node.bandBefore);
    expect(data?.bandChanges.edges.length).toBeLessThanOrEqual(2);
    expect(await database.prisma.healthSnapshot.count({ where: { workspaceId } })).toBe(snapshotsBefore);
    expect(await versions()).toEqual(versionsBefore);

    // The same request over three times the accounts costs the same statements.
    await addAccounts(database, workspaceId, 30, "large");
    database.statements.reset();
    const largeResult = await graphql(yoga, key, PREVIEW, {
      config: { greenThreshold: 50, yellowThreshold: 20 },
      first: 2,
    });
    expect(largeResult.errors).toBeUndefined();
    expect(database.statements.reset()).toBe(statements);
    // Settings, portfolio, accounts, one per fact family (four with the defaults), the band-change page.
    expect(statements).toBeLessThanOrEqual(9);
  });

  it("preview refuses an invalid proposal", async () => {
    const result = await graphql(yoga, key, PREVIEW, {
      config: { components: [{ key: "usage", weight: -1 }] },
    });
    expect(result.data).toMatchObject({ previewHealthScoreConfig: { __typename: "ValidationError" } });
  });

  it("point-in-time facts give the request's loaders' component values at one instant, without later usage", async () => {
    const settings = await loadWorkspaceSettings(database.primaryReader, workspaceId);
    const accounts = await database.prisma.account.findMany({
      where: { workspaceId },
      select: { id: true, seats: true, signedUpAt: true },
    });
    for (const instant of [NOW, new Date(NOW.getTime() - 45 * DAY)]) {
      const live = new AccountFacts(database.primaryReader, workspaceId);
      const pointInTime = new PointInTimeFacts(database.primaryReader, workspaceId);
      const keys = [...HEALTH_COMPONENT_KEYS];
      const expected = await Promise.all(
        accounts.map((account) => healthComponentValues(live, settings, account, instant, keys)),
      );
      const actual = await Promise.all(
        accounts.map((account) => healthComponentValues(pointInTime, settings, account, instant, keys)),
      );
      const firstUsage = await database.prisma.usageEvent.groupBy({
        by: ["accountId"],
        where: { workspaceId },
        _min: { occurredAt: true },
      });
      const usedBefore = new Set(
        firstUsage
          .filter((row) => (row._min.occurredAt?.getTime() ?? Number.POSITIVE_INFINITY) < instant.getTime())
          .map((row) => row.accountId),
      );
      for (const [index, values] of actual.entries()) {
        const account = accounts[index] as (typeof accounts)[number];
        const live = expected[index] ?? {};
        // The request's loader asks whether the account EVER had usage (it scores now); as of an
        // earlier instant, usage only after it means "no data yet", not 0.
        if (!usedBefore.has(account.id) && live.usage === 0) {
          expect(values, `account ${index}`).toEqual({ ...live, usage: null });
        } else {
          expect(values, `account ${index}`).toEqual(live);
        }
      }
    }
  });
});

describe.each(DATABASE_KINDS)("health backtest on a hand-built data set on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let backtestWorkspaceId: string;

  // Payment only: the score is 100 × invoices paid on time / invoices due in the trailing 365 days.
  const PAYMENT_ONLY = {
    components: HEALTH_COMPONENT_KEYS.map((component) => ({
      key: component,
      enabled: component === "payment",
      weight: 1,
    })),
  };
  const PERIOD = { from: "2026-01-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "backtest"));
    const workspace = await newWorkspace(database, "backtest");
    key = workspace.secretKey;
    backtestWorkspaceId = workspace.workspaceId;
    yoga = createPulseYoga({ database, clock: () => NOW });
    const signedUpAt = new Date("2025-06-01T00:00:00Z");
    const accounts: {
      externalId: string;
      churnedAt?: string;
      signedUpAt?: string;
      invoices: [string, string | null][];
    }[] = [
      // Churned 02-15, scored at 01-16: two late invoices (0). The on-time one due 02-01 is after.
      {
        externalId: "A",
        churnedAt: "2026-02-15",
        invoices: [
          ["2025-12-01", "2025-12-20"],
          ["2026-01-01", "2026-01-10"],
          ["2026-02-01", "2026-01-30"],
        ],
      },
      // Churned 03-10, scored at 02-08: one on time, one late (50); 30 days earlier 100 → a drop.
      {
        externalId: "B",
        churnedAt: "2026-03-10",
        invoices: [
          ["2026-01-05", "2026-01-01"],
          ["2026-02-01", "2026-02-05"],
        ],
      },
      // Retained, scored at 03-02: both on time (100); the late one due 03-15 is after.
      {
        externalId: "C",
        invoices: [
          ["2026-02-01", "2026-02-01"],
          ["2026-03-01", "2026-02-27"],
          ["2026-03-15", null],
        ],
      },
      // Retained: 50, and 100 thirty days before (a drop: at risk).
      {
        externalId: "D",
        invoices: [
          ["2026-01-10", "2026-01-09"],
          ["2026-02-10", "2026-02-20"],
        ],
      },
      // Retained: one late invoice (0, RED: at risk).
      { externalId: "E", invoices: [["2026-02-20", null]] },
      // Retained, signed up after its scoring instant.
      { externalId: "F", signedUpAt: "2026-03-10", invoices: [["2026-03-20", "2026-03-20"]] },
      // Retained, no invoice: too little data.
      { externalId: "G", invoices: [] },
      // Churned before the period: neither churned in it nor active at its end.
      { externalId: "H", churnedAt: "2025-12-01", invoices: [["2025-11-01", null]] },
    ];
    for (const [index, spec] of accounts.entries()) {
      const account = await database.prisma.account.create({
        data: {
          workspaceId: workspace.workspaceId,
          externalId: spec.externalId,
          name: `Account ${spec.externalId}`,
          seats: 5,
          signedUpAt: spec.signedUpAt ? new Date(`${spec.signedUpAt}T00:00:00Z`) : signedUpAt,
          churnedAt: spec.churnedAt ? new Date(`${spec.churnedAt}T00:00:00Z`) : null,
        },
      });
      for (const [invoice, [dueAt, paidAt]] of spec.invoices.entries()) {
        await database.prisma.invoice.create({
          data: {
            workspaceId: workspace.workspaceId,
            accountId: account.id,
            externalId: `inv-${index}-${invoice}`,
            amount: "100",
            dueAt: new Date(`${dueAt}T00:00:00Z`),
            paidAt: paidAt ? new Date(`${paidAt}T00:00:00Z`) : null,
          },
        });
      }
    }
  });
  afterAll(async () => {
    await drop?.();
  });

  it("gives the hand-computed churn per band, ROC AUC and at-risk precision and recall", async () => {
    const result = await graphql(yoga, key, BACKTEST, {
      config: PAYMENT_ONLY,
      period: PERIOD,
      horizonDays: 30,
    });
    expect(result.errors).toBeUndefined();
    // Scored: A 0 (churned), B 50 (churned), C 100, D 50, E 0. AUC pairs (churned, retained):
    // (0,100) 1, (0,50) 1, (0,0) ½, (50,100) 1, (50,50) ½, (50,0) 0 → 4 / 6.
    // At risk: A and E are RED, B and D dropped 50 points in 30 days → TP 2, FP 2, FN 0, TN 1.
    expect(result.data).toEqual({
      healthBacktest: {
        __typename: "QueryHealthBacktestSuccess",
        data: {
          from: PERIOD.from,
          to: PERIOD.to,
          horizonDays: 30,
          rocAuc: Number((4 / 6).toFixed(9)),
          churnedAccounts: 2,
          retainedAccounts: 5,
          scoredAccounts: 5,
          excludedNotYetSignedUp: 1,
          excludedInsufficientData: 1,
          bands: [
            { band: "GREEN", accounts: 1, churned: 0, churnRate: 0 },
            { band: "YELLOW", accounts: 2, churned: 1, churnRate: 50 },
            { band: "RED", accounts: 2, churned: 1, churnRate: 50 },
          ],
          atRisk: {
            precision: 50,
            recall: 100,
            truePositives: 2,
            falsePositives: 2,
            falseNegatives: 0,
            trueNegatives: 1,
          },
        },
      },
    });
  });

  it("costs the same statements whatever the number of accounts", async () => {
    await graphql(yoga, key, "{ __typename }");
    const measure = async (config?: typeof PAYMENT_ONLY) => {
      database.statements.reset();
      const result = await graphql(yoga, key, BACKTEST, { config, period: PERIOD, horizonDays: 30 });
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ healthBacktest: { __typename: "QueryHealthBacktestSuccess" } });
      return database.statements.reset();
    };
    const paymentOnly = await measure(PAYMENT_ONLY);
    const defaults = await measure();
    await addAccounts(database, backtestWorkspaceId, 30, "more");
    expect(await measure(PAYMENT_ONLY)).toBe(paymentOnly);
    expect(await measure()).toBe(defaults);
    // Settings, accounts, and the facts in one coalesced statement per turn of the event loop.
    expect(defaults).toBeLessThanOrEqual(6);
  });

  it("refuses a bad period or horizon with a clear error", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ period: PERIOD, horizonDays: 0 }, /horizonDays must be a whole number of days from 1 to 365/],
      [{ period: PERIOD, horizonDays: 400 }, /horizonDays must be a whole number of days from 1 to 365/],
      [
        { period: { from: PERIOD.to, to: PERIOD.from }, horizonDays: 30 },
        /`period.to` must be after `period.from`/,
      ],
      [{ period: { from: PERIOD.from, to: "2026-07-01T00:00:00.000Z" }, horizonDays: 30 }, /must end by now/],
      [{ period: { from: "2020-01-01T00:00:00.000Z", to: PERIOD.to }, horizonDays: 30 }, /at most 1098 days/],
      [{ config: { minimumCoverage: 120 }, period: PERIOD, horizonDays: 30 }, /minimumCoverage/],
    ];
    for (const [variables, message] of cases) {
      const result = await graphql<{ healthBacktest: { __typename: string; message: string } }>(
        yoga,
        key,
        BACKTEST,
        variables,
      );
      expect(result.data?.healthBacktest.__typename, JSON.stringify(variables)).toBe("ValidationError");
      expect(result.data?.healthBacktest.message).toMatch(message);
    }
  });
});
