// Configuration writes validate the whole resulting configuration before anything is stored,
// at the precision it is stored with, and no stored configuration makes a read fail.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { ingestOne } from "./ingest-helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

const UPDATE_HEALTH = `mutation($input: UpdateHealthScoreConfigInput!) {
  updateHealthScoreConfig(input: $input) {
    __typename
    ... on MutationUpdateHealthScoreConfigSuccess { data { minimumCoverage components { key enabled weight } } }
    ... on ValidationError { code message fields { path message } }
  }
}`;

interface HealthUpdate {
  updateHealthScoreConfig: {
    __typename: string;
    code?: string;
    message?: string;
    fields?: { path: string; message: string }[];
    data?: { minimumCoverage: number; components: { key: string; enabled: boolean; weight: number }[] };
  };
}

const HEALTH_READ = `{ workspace { healthScoreConfig { components { key enabled weight } } }
  accounts(first: 10) { edges { node { externalId health { score band insufficientData } risk { atRisk } } } } }`;

describe.each(DATABASE_KINDS)("configuration writes on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let snapshots: SnapshotRefresher;
  let key: string;
  let workspaceId: string;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "cfgwrites"));
    ({ secretKey: key, workspaceId } = await newWorkspace(database, "cfg"));
    // Snapshot refreshes run when flushed only, so none outlives the database.
    snapshots = new SnapshotRefresher(database, 3_600_000);
    yoga = createPulseYoga({ database, clock: () => NOW, snapshots });
    for (const externalId of ["a", "b"]) {
      const created = await ingestOne(yoga, key, "upsertAccount", "AccountInput", {
        externalId,
        name: externalId.toUpperCase(),
        signedUpAt: "2026-01-01",
        seats: 5,
      });
      expect(created.__typename).toBe("MutationUpsertAccountSuccess");
    }
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  const storedConfig = async () =>
    (await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).healthConfig;

  it("updateHealthScoreConfig with weights of 1e308 is a BAD_USER_INPUT naming the fields, stores nothing, and reads still work", async () => {
    const before = await storedConfig();
    const result = await graphql<HealthUpdate>(yoga, key, UPDATE_HEALTH, {
      input: {
        components: [
          { key: "usage", weight: 1e308 },
          { key: "feedback", weight: 1e308 },
        ],
      },
    });
    expect(result.errors).toBeUndefined();
    const answer = result.data?.updateHealthScoreConfig;
    expect(answer?.__typename).toBe("ValidationError");
    expect(answer?.code).toBe("BAD_USER_INPUT");
    expect(answer?.fields?.map((field) => field.path)).toEqual(
      expect.arrayContaining(["components.usage.weight", "components.feedback.weight"]),
    );
    expect(await storedConfig()).toEqual(before);
    const read = await graphql(yoga, key, HEALTH_READ);
    expect(read.errors).toBeUndefined();
  });

  it("refuses every weight that could not normalise (above 1,000,000) and thresholds or coverage outside 0–100", async () => {
    const before = await storedConfig();
    for (const input of [
      { components: [{ key: "usage", weight: 1_000_001 }] },
      { components: [{ key: "usage", weight: -1 }] },
      { minimumCoverage: 150 },
      { greenThreshold: 1e308 },
    ]) {
      const result = await graphql<HealthUpdate>(yoga, key, UPDATE_HEALTH, { input });
      expect(result.data?.updateHealthScoreConfig.__typename, JSON.stringify(input)).toBe("ValidationError");
    }
    expect(await storedConfig()).toEqual(before);
  });

  it("a stored configuration that does not validate (written before the rule) never makes a read throw", async () => {
    await database.prisma.workspace.update({
      where: { id: workspaceId },
      data: { healthConfig: { components: { usage: { weight: 1e308 }, feedback: { weight: 1e308 } } } },
    });
    try {
      const read = await graphql<{
        accounts: { edges: { node: { health: { insufficientData: boolean } } }[] };
      }>(yoga, key, HEALTH_READ);
      expect(read.errors).toBeUndefined();
      expect(read.data?.accounts.edges).toHaveLength(2);
      // The next valid write replaces it, merged over what reads use (the defaults).
      const fixed = await graphql<HealthUpdate>(yoga, key, UPDATE_HEALTH, {
        input: { components: [{ key: "usage", weight: 50 }] },
      });
      expect(fixed.data?.updateHealthScoreConfig.__typename).toBe("MutationUpdateHealthScoreConfigSuccess");
      expect(
        fixed.data?.updateHealthScoreConfig.data?.components.find((c) => c.key === "feedback")?.weight,
      ).toBe(30);
    } finally {
      await database.prisma.workspace.update({ where: { id: workspaceId }, data: { healthConfig: {} } });
    }
  });

  it("stored workspace settings the formulas would refuse (gross margin 1.5, lifetime cap 0) never make a read throw", async () => {
    await ingestOne(yoga, key, "upsertAccount", "AccountInput", {
      externalId: "old",
      name: "Old",
      signedUpAt: "2025-01-01",
    });
    await ingestOne(yoga, key, "upsertRevenueEvent", "RevenueEventInput", {
      externalId: "old-new",
      accountExternalId: "old",
      kind: "NEW",
      mrrDelta: "100",
      occurredAt: "2025-01-02",
    });
    await database.prisma.workspace.update({
      where: { id: workspaceId },
      data: { grossMargin: "1.5", lifetimeCapMonths: 0 },
    });
    try {
      const read = await graphql<{
        account: { lifetimeValue: { value: { amount: string }; lifetimeMonths: number } | null };
      }>(
        yoga,
        key,
        `{ portfolio { averageLifetimeValue { amount } } account(externalId: "old") { lifetimeValue { value { amount } lifetimeMonths } } }`,
      );
      expect(read.errors).toBeUndefined();
      // The defaults are used: no churn in the trailing year gives the 60-month cap, 100 × 0.8 × 60.
      expect(read.data?.account.lifetimeValue).toEqual({ value: { amount: "4800" }, lifetimeMonths: 60 });
    } finally {
      await database.prisma.workspace.update({
        where: { id: workspaceId },
        data: { grossMargin: "0.8", lifetimeCapMonths: 60 },
      });
      await database.prisma.revenueEvent.deleteMany({ where: { workspaceId } });
    }
  });

  it("a weight above 0 given without `enabled` enables the component; `enabled: false` keeps it off", async () => {
    const result = await graphql<HealthUpdate>(yoga, key, UPDATE_HEALTH, {
      input: {
        components: [
          { key: "sentiment", weight: 25 },
          { key: "ebr", enabled: false, weight: 15 },
        ],
      },
    });
    const components = result.data?.updateHealthScoreConfig.data?.components ?? [];
    expect(components.find((c) => c.key === "sentiment")).toEqual({
      key: "sentiment",
      enabled: true,
      weight: 25,
    });
    expect(components.find((c) => c.key === "ebr")).toEqual({ key: "ebr", enabled: false, weight: 15 });
    const read = await graphql<{ accounts: { edges: { node: { health: { score: number | null } } }[] } }>(
      yoga,
      key,
      `{ accounts(first: 1) { edges { node { health { components { key } } } } } }`,
    );
    expect(JSON.stringify(read.data)).toContain("sentiment");
    await graphql(yoga, key, UPDATE_HEALTH, {
      input: { components: [{ key: "sentiment", enabled: false }] },
    });
  });

  it("minimumCoverage is a setting of the health configuration", async () => {
    const result = await graphql<HealthUpdate>(yoga, key, UPDATE_HEALTH, { input: { minimumCoverage: 20 } });
    expect(result.data?.updateHealthScoreConfig.data?.minimumCoverage).toBe(20);
    const read = await graphql<{
      accounts: { edges: { node: { health: { score: number | null; insufficientData: boolean } } }[] };
    }>(yoga, key, `{ accounts(first: 10) { edges { node { health { score insufficientData } } } } }`);
    // Support (20 of 100) is all these accounts have: enough at 20 %.
    for (const edge of read.data?.accounts.edges ?? [])
      expect(edge.node.health).toEqual({ score: 100, insufficientData: false });
    await graphql(yoga, key, UPDATE_HEALTH, { input: { minimumCoverage: 50 } });
  });

  it('updateWorkspace(grossMargin: "0.00001") is refused at the stored precision (4 decimals), not stored as 0', async () => {
    const before = await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const result = await graphql<{
      updateWorkspace: { __typename: string; code?: string; fields?: { path: string; message: string }[] };
    }>(
      yoga,
      key,
      `mutation { updateWorkspace(input: { grossMargin: "0.00001" }) {
        __typename ... on ValidationError { code fields { path message } } } }`,
    );
    expect(result.data?.updateWorkspace.__typename).toBe("ValidationError");
    expect(result.data?.updateWorkspace.code).toBe("BAD_USER_INPUT");
    expect(result.data?.updateWorkspace.fields?.[0]?.path).toBe("grossMargin");
    expect(result.data?.updateWorkspace.fields?.[0]?.message).toMatch(/at most 4 decimal places/);
    const after = await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    expect(after.grossMargin.toString()).toBe(before.grossMargin.toString());
    const ok = await graphql<{ updateWorkspace: { data?: { grossMargin: string } } }>(
      yoga,
      key,
      `mutation { updateWorkspace(input: { grossMargin: "0.0001" }) { ... on MutationUpdateWorkspaceSuccess { data { grossMargin } } } }`,
    );
    expect(ok.data?.updateWorkspace.data?.grossMargin).toBe("0.0001");
    await graphql(yoga, key, `mutation { updateWorkspace(input: { grossMargin: "0.8" }) { __typename } }`);
  });

  it("every decimal input with a stored scale is checked at it: MRR delta, contract value, invoice amount", async () => {
    const cases: [string, string, object][] = [
      [
        "upsertRevenueEvent",
        "RevenueEventInput",
        { accountExternalId: "a", kind: "NEW", mrrDelta: "10.00001", occurredAt: "2026-02-01" },
      ],
      [
        "upsertContract",
        "ContractInput",
        { accountExternalId: "a", startsAt: "2026-01-01", endsAt: "2027-01-01", value: "1200.12345" },
      ],
      ["upsertInvoice", "InvoiceInput", { accountExternalId: "a", amount: "99.99999", dueAt: "2026-02-01" }],
      [
        "upsertInvoice",
        "InvoiceInput",
        { accountExternalId: "a", amount: "100000000000000", dueAt: "2026-02-01" },
      ],
    ];
    for (const [mutation, inputType, input] of cases) {
      const result = await ingestOne(yoga, key, mutation, inputType, input);
      expect(result.__typename, `${mutation} ${JSON.stringify(input)}`).toBe("ValidationError");
    }
    expect(await database.prisma.revenueEvent.count({ where: { workspaceId } })).toBe(0);
    expect(await database.prisma.contract.count({ where: { workspaceId } })).toBe(0);
    expect(await database.prisma.invoice.count({ where: { workspaceId } })).toBe(0);
    const exact = await ingestOne(yoga, key, "upsertRevenueEvent", "RevenueEventInput", {
      accountExternalId: "a",
      kind: "NEW",
      mrrDelta: "10.0001",
      occurredAt: "2026-02-01",
    });
    expect(exact.__typename).toBe("MutationUpsertRevenueEventSuccess");
  });
});
