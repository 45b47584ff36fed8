// Usage by the workspace's calendar: the rollup-based usage read (whole days from UsageDaily,
// partial days from raw events) against a count over the raw events by local calendar day, for
// random events around daylight-saving changes in several zones; the rollup's rows against a
// hand count after a zone change; bad zone names refused; period dates and series buckets at
// local midnights.
import type { Database } from "@pulse/schema/database";
import {
  addDays,
  localDate,
  localMidnight,
  type UsageWindow,
  usageAggregatesFromEvents,
  usageWindow,
} from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addToUsageDaily } from "../src/ingest/usage-rollup.ts";
import { AccountFacts } from "../src/loaders/facts.ts";
import { PointInTimeFacts } from "../src/loaders/point-in-time-facts.ts";
import { SeededRandom } from "../src/seed/random.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace } from "./helpers.ts";
import {
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  seedAccounts,
} from "./ingest-helpers.ts";

const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"] as const;
/** Daylight-saving changes of 2026: US, EU and Lord Howe, spring and autumn. */
const CHANGES = ["2026-03-08", "2026-03-29", "2026-04-05", "2026-10-04", "2026-10-25", "2026-11-01"];
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CONTACTS = ["ann", "bob", "cyd", "dan"];
const FEATURES = ["reports", "alerts", "exports"];

interface EventItem {
  externalId: string;
  accountExternalId: string;
  contactExternalId?: string;
  kind: "LOGIN" | "FEATURE" | "SESSION";
  featureKey?: string;
  durationSeconds?: number;
  occurredAt: string;
}

/** Random events within ±4 days of each change, some exactly at or 1 ms before a local midnight. */
function randomEvents(random: SeededRandom, zone: string, count: number): EventItem[] {
  return Array.from({ length: count }, (_, index) => {
    const change = random.pick(CHANGES);
    const day = addDays(change, random.int(-4, 4));
    const midnight = localMidnight(day, zone).getTime();
    const at = random.chance(0.15)
      ? midnight - random.int(0, 1)
      : midnight + random.int(0, 26 * 60) * 60_000 + random.int(0, 59_999);
    const contact = random.chance(0.15) ? undefined : random.pick(CONTACTS);
    const kind = random.pick(["LOGIN", "FEATURE", "SESSION"] as const);
    return {
      externalId: `e-${index}`,
      accountExternalId: contact ? (CONTACTS.indexOf(contact) < 2 ? "acc-0" : "acc-1") : `acc-${index % 2}`,
      ...(contact ? { contactExternalId: contact } : {}),
      kind,
      ...(kind === "FEATURE" ? { featureKey: random.pick(FEATURES) } : {}),
      ...(kind === "SESSION" ? { durationSeconds: random.int(1, 7200) } : {}),
      occurredAt: new Date(at).toISOString(),
    };
  });
}

/** Trailing windows ending around each change, and periods of instants across them. */
function windowsOf(random: SeededRandom, zone: string): UsageWindow[] {
  const windows: UsageWindow[] = [];
  for (const change of CHANGES) {
    const midnight = localMidnight(change, zone).getTime();
    for (const now of [midnight + random.int(0, 30 * HOUR), midnight + 3 * DAY + random.int(0, DAY)]) {
      windows.push(usageWindow(new Date(now), random.pick([1, 2, 7, 30]), zone));
    }
    const from = midnight - random.int(0, 4 * DAY);
    windows.push({ from: new Date(from), to: new Date(from + random.int(1, 8 * DAY)), timeZone: zone });
    // A period of whole local days (what `{ from: "…", to: "…" }` dates resolve to).
    windows.push({
      from: localMidnight(addDays(change, -2), zone),
      to: localMidnight(addDays(change, 3), zone),
      timeZone: zone,
    });
  }
  return windows;
}

async function rawEvents(prisma: PrismaClient, workspaceId: string) {
  return prisma.usageEvent.findMany({
    where: { workspaceId },
    select: {
      accountId: true,
      contactId: true,
      kind: true,
      featureKey: true,
      durationSeconds: true,
      occurredAt: true,
    },
  });
}

/** The rollup-based read against a count over the raw events by `window.timeZone`'s days. */
async function expectReadEqualsRaw(
  database: Pick<Database, "prisma" | "primaryReader">,
  workspaceId: string,
  accountIds: string[],
  windows: UsageWindow[],
): Promise<void> {
  const events = await rawEvents(database.prisma, workspaceId);
  const facts = new AccountFacts(database.primaryReader, workspaceId);
  // The backtest's windowed read (each account at its own window) counts the same calendar days.
  const pointInTime = new PointInTimeFacts(database.primaryReader, workspaceId);
  let active = 0;
  for (const window of windows) {
    const read = await facts.usageOf(window, accountIds);
    const atTimes = await Promise.all(accountIds.map((id) => pointInTime.usage(window).load(id)));
    accountIds.forEach((accountId, index) => {
      const expected = usageAggregatesFromEvents({
        events: events.filter((event) => event.accountId === accountId),
        period: window,
        seats: 0,
        keyFeatures: [],
        timeZone: window.timeZone,
      });
      const { everHadUsage, sessionSeconds, ...got } = read[index] ?? expect.fail("no row");
      const label = `${window.timeZone} ${window.from.toISOString()}–${window.to.toISOString()}`;
      expect(everHadUsage, label).toBe(true);
      expect({ ...got, sessionSeconds: Number(sessionSeconds) }, label).toEqual({
        days: expected.days,
        activeUsers: expected.activeUsers,
        loginEvents: expected.loginEvents,
        sessionCount: expected.sessionCount,
        sessionSeconds: Number(expected.sessionSeconds),
        userDays: expected.userDays,
        featureCounts: expected.featureCounts,
      });
      const {
        everHadUsage: _ever,
        sessionSeconds: atTimeSeconds,
        ...atTime
      } = atTimes[index] ?? expect.fail("no point-in-time row");
      expect({ ...atTime, sessionSeconds: Number(atTimeSeconds) }, `point in time ${label}`).toEqual({
        activeUsers: expected.activeUsers,
        loginEvents: expected.loginEvents,
        sessionCount: expected.sessionCount,
        sessionSeconds: Number(expected.sessionSeconds),
        userDays: expected.userDays,
        featureCounts: expected.featureCounts,
      });
      if (expected.userDays > 0) active += 1;
    });
  }
  // The windows are not vacuous: most hold activity.
  expect(active).toBeGreaterThan(windows.length);
}

/** UsageDaily as a person would count it from the raw events: by account, local day and contact. */
async function expectRollupByDaysOf(prisma: PrismaClient, workspaceId: string, zone: string): Promise<void> {
  const events = await rawEvents(prisma, workspaceId);
  const expected = new Map<string, { logins: number; sessions: number; seconds: number; features: number }>();
  for (const event of events) {
    const key = `${event.accountId}|${localDate(event.occurredAt, zone)}|${event.contactId ?? "-"}`;
    const day = expected.get(key) ?? { logins: 0, sessions: 0, seconds: 0, features: 0 };
    if (event.kind === "LOGIN") day.logins += 1;
    if (event.kind === "SESSION") {
      day.sessions += 1;
      day.seconds += event.durationSeconds ?? 0;
    }
    if (event.kind === "FEATURE") day.features += 1;
    expected.set(key, day);
  }
  const rows = await prisma.usageDaily.findMany({ where: { workspaceId } });
  const actual = new Map(
    rows.map((row) => [
      `${row.accountId}|${row.day.toISOString().slice(0, 10)}|${row.contactKey}`,
      {
        logins: row.logins,
        sessions: row.sessions,
        seconds: Number(row.sessionSeconds),
        features: row.featureEvents,
      },
    ]),
  );
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
}

describe.each(DATABASE_KINDS)("usage by the workspace's calendar on %s", (kind) => {
  let ctx: IngestTestContext;
  let prisma: PrismaClient;
  const workspaces = new Map<string, { workspace: CreatedWorkspace; accountIds: string[] }>();

  async function setZone(key: string, timeZone: string, name?: string) {
    const result = await graphql<{
      updateWorkspace: {
        __typename: string;
        code?: string;
        fields?: { path: string }[];
        data?: { timeZone: string };
      };
    }>(
      ctx.yoga,
      key,
      `mutation ($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) { __typename
        ... on MutationUpdateWorkspaceSuccess { data { timeZone } }
        ... on ValidationError { code fields { path message } } } }`,
      { input: { timeZone, ...(name ? { name } : {}) } },
    );
    expect(result.errors).toBeUndefined();
    return result.data?.updateWorkspace;
  }

  async function workspaceWithEvents(slug: string, zone: string, seed: number, count: number) {
    const workspace = await newWorkspace(ctx.database, slug);
    const accountIds = await seedAccounts(prisma, workspace.workspaceId, 2);
    await prisma.contact.createMany({
      data: CONTACTS.map((externalId, index) => ({
        workspaceId: workspace.workspaceId,
        accountId: accountIds[index < 2 ? 0 : 1] ?? "",
        externalId,
      })),
    });
    if (zone !== "UTC")
      expect(await setZone(workspace.secretKey, zone)).toMatchObject({ data: { timeZone: zone } });
    const events = randomEvents(new SeededRandom(seed), zone, count);
    for (let offset = 0; offset < events.length; offset += 500) {
      const batch = events.slice(offset, offset + 500);
      expect(
        await ingestBatch(
          ctx.yoga,
          workspace.secretKey,
          "recordUsageEvents",
          "RecordUsageEventsInput",
          batch,
        ),
      ).toMatchObject({ created: batch.length });
    }
    return { workspace, accountIds };
  }

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "usage_zones");
    prisma = ctx.database.prisma;
    for (const [index, zone] of ZONES.entries()) {
      workspaces.set(zone, await workspaceWithEvents(`zone-${index}`, zone, 100 + index, 600));
    }
  }, 240_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it.each(ZONES)("reads usage from the rollup exactly as the raw events count it in %s", async (zone) => {
    const { workspace, accountIds } = workspaces.get(zone) ?? expect.fail(zone);
    await expectRollupByDaysOf(prisma, workspace.workspaceId, zone);
    await expectReadEqualsRaw(
      ctx.database,
      workspace.workspaceId,
      accountIds,
      windowsOf(new SeededRandom(7), zone),
    );
  });

  it("rebuilds the rollup by the new zone's days when the zone changes, and refuses a bad zone changing nothing", async () => {
    const { workspace, accountIds } = await workspaceWithEvents("zone-change", "UTC", 42, 400);
    await expectRollupByDaysOf(prisma, workspace.workspaceId, "UTC");
    expect(await setZone(workspace.secretKey, "Asia/Kolkata")).toMatchObject({
      data: { timeZone: "Asia/Kolkata" },
    });
    await expectRollupByDaysOf(prisma, workspace.workspaceId, "Asia/Kolkata");
    await expectReadEqualsRaw(
      ctx.database,
      workspace.workspaceId,
      accountIds,
      windowsOf(new SeededRandom(8), "Asia/Kolkata"),
    );
    // Events ingested after the change land on the new zone's days too.
    const later = randomEvents(new SeededRandom(43), "Asia/Kolkata", 50).map((event, index) => ({
      ...event,
      externalId: `later-${index}`,
    }));
    await ingestBatch(ctx.yoga, workspace.secretKey, "recordUsageEvents", "RecordUsageEventsInput", later);
    await expectRollupByDaysOf(prisma, workspace.workspaceId, "Asia/Kolkata");

    const before = await prisma.usageDaily.findMany({
      where: { workspaceId: workspace.workspaceId },
      orderBy: [{ accountId: "asc" }, { day: "asc" }, { contactKey: "asc" }],
    });
    for (const bad of ["Mars/Olympus_Mons", "+05:30", "EST5", "", "asia/kolkata"]) {
      const refused = await setZone(workspace.secretKey, bad, "Renamed");
      expect(refused?.__typename, bad).toBe("ValidationError");
      expect(refused?.code).toBe("BAD_USER_INPUT");
      expect(refused?.fields?.map((field) => field.path)).toEqual(["timeZone"]);
    }
    const stored = await prisma.workspace.findUniqueOrThrow({ where: { id: workspace.workspaceId } });
    expect(stored.timeZone).toBe("Asia/Kolkata");
    expect(stored.name).not.toBe("Renamed");
    expect(
      await prisma.usageDaily.findMany({
        where: { workspaceId: workspace.workspaceId },
        orderBy: [{ accountId: "asc" }, { day: "asc" }, { contactKey: "asc" }],
      }),
    ).toEqual(before);
  }, 120_000);

  if (kind === "postgres")
    it("a zone change waits for a usage ingestion in flight, then rebuilds with its events", async () => {
      const { workspace, accountIds } = await workspaceWithEvents("zone-race", "UTC", 77, 100);
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let ingested = () => {};
      const inFlight = new Promise<void>((resolve) => {
        ingested = resolve;
      });
      // An ingestion that has inserted its event and rolled it up (by UTC, the zone it sees) but
      // not committed yet; 23:30 UTC is already the next day in Berlin.
      const ingestion = prisma.$transaction(
        async (tx) => {
          const event = await tx.usageEvent.create({
            data: {
              workspaceId: workspace.workspaceId,
              accountId: accountIds[0] ?? "",
              kind: "LOGIN",
              occurredAt: new Date("2026-03-28T23:30:00Z"),
            },
          });
          await addToUsageDaily(tx, [event.id]);
          ingested();
          await gate;
        },
        { timeout: 30_000 },
      );
      await inFlight;
      let settled = false;
      const change = setZone(workspace.secretKey, "Europe/Berlin").finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      release();
      await ingestion;
      expect(await change).toMatchObject({ data: { timeZone: "Europe/Berlin" } });
      await expectRollupByDaysOf(prisma, workspace.workspaceId, "Europe/Berlin");
    });

  it("reads period dates as local midnights and aligns series buckets to the zone", async () => {
    const { workspace } = workspaces.get("America/New_York") ?? expect.fail("no workspace");
    const series = async (interval: string, period: string) => {
      const result = await graphql<{ metricSeries: { from: string; to: string }[] }>(
        ctx.yoga,
        workspace.secretKey,
        `{ metricSeries(metric: NPS, interval: ${interval}, period: ${period}) { from to } }`,
      );
      expect(result.errors).toBeUndefined();
      return result.data?.metricSeries.map((point) => [point.from, point.to]);
    };
    // Dates are midnight in New York: UTC−5 in winter, UTC−4 from 2026-03-08.
    expect(await series("MONTH", `{ from: "2026-01-01", to: "2026-04-01" }`)).toEqual([
      ["2026-01-01T05:00:00.000Z", "2026-02-01T05:00:00.000Z"],
      ["2026-02-01T05:00:00.000Z", "2026-03-01T05:00:00.000Z"],
      ["2026-03-01T05:00:00.000Z", "2026-04-01T04:00:00.000Z"],
    ]);
    // Weeks start on Monday at local midnight; instants with an offset stay as given.
    expect(await series("WEEK", `{ from: "2026-03-04T12:00:00Z", to: "2026-03-18" }`)).toEqual([
      ["2026-03-04T12:00:00.000Z", "2026-03-09T04:00:00.000Z"],
      ["2026-03-09T04:00:00.000Z", "2026-03-16T04:00:00.000Z"],
      ["2026-03-16T04:00:00.000Z", "2026-03-18T04:00:00.000Z"],
    ]);
    expect(await series("QUARTER", `{ from: "2026-02-15T00:00:00+01:00", to: "2026-11-15" }`)).toEqual([
      ["2026-02-14T23:00:00.000Z", "2026-04-01T04:00:00.000Z"],
      ["2026-04-01T04:00:00.000Z", "2026-07-01T04:00:00.000Z"],
      ["2026-07-01T04:00:00.000Z", "2026-10-01T04:00:00.000Z"],
      ["2026-10-01T04:00:00.000Z", "2026-11-15T05:00:00.000Z"],
    ]);
    // An account's usage over dates counts the local days of the period.
    const usage = await graphql<{ account: { usage: { activeUsers: number } } }>(
      ctx.yoga,
      workspace.secretKey,
      `{ account(externalId: "acc-0") { usage(period: { from: "2026-03-07", to: "2026-03-09" }) { activeUsers } } }`,
    );
    expect(usage.errors).toBeUndefined();
    const events = await rawEvents(prisma, workspace.workspaceId);
    const [accountId] = workspaces.get("America/New_York")?.accountIds ?? [];
    const from = localMidnight("2026-03-07", "America/New_York");
    const to = localMidnight("2026-03-09", "America/New_York");
    const expected = new Set(
      events
        .filter((e) => e.accountId === accountId && e.contactId && e.occurredAt >= from && e.occurredAt < to)
        .map((e) => e.contactId),
    );
    expect(usage.data?.account.usage.activeUsers).toBe(expected.size);
  });
});
