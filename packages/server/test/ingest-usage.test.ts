// The UsageDaily rollup against a count by hand: after two batches and a retry, every
// (account, UTC day, contact) row holds exactly the events stored once.
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, newWorkspace } from "./helpers.ts";
import {
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  seedAccounts,
} from "./ingest-helpers.ts";

interface UsageEventItem {
  externalId?: string;
  accountExternalId: string;
  contactExternalId?: string;
  kind: "LOGIN" | "FEATURE" | "SESSION";
  featureKey?: string;
  durationSeconds?: number;
  occurredAt: string;
}

interface DailyUsage {
  logins: number;
  sessions: number;
  sessionSeconds: number;
  featureEvents: number;
  features: Record<string, number>;
}

const CONTACTS: Record<string, string> = { ann: "acc-0", bob: "acc-0", cyd: "acc-1" };
const FEATURES = ["reports", "alerts", "exports"];

/** Deterministic events spread over three days, with and without contact. */
function generatedEvents(prefix: string, count: number, seed: number): UsageEventItem[] {
  let state = seed;
  const next = (modulo: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % modulo;
  };
  return Array.from({ length: count }, (_, index) => {
    const contact = [undefined, "ann", "bob", "cyd"][next(4)];
    const account = contact ? (CONTACTS[contact] ?? "acc-0") : `acc-${next(2)}`;
    const kind = (["LOGIN", "FEATURE", "SESSION"] as const)[next(3)] ?? "LOGIN";
    return {
      externalId: `${prefix}-${index}`,
      accountExternalId: account,
      ...(contact ? { contactExternalId: contact } : {}),
      kind,
      ...(kind === "FEATURE" ? { featureKey: FEATURES[next(3)] } : {}),
      ...(kind === "SESSION" ? { durationSeconds: 60 + next(3600) } : {}),
      occurredAt: new Date(Date.UTC(2026, 2, 1) + next(3 * 24 * 3600) * 1000).toISOString(),
    };
  });
}

/** The rollup as a person would count it: events grouped by account, UTC date and contact. */
function countByHand(events: readonly UsageEventItem[]): Map<string, DailyUsage> {
  const days = new Map<string, DailyUsage>();
  for (const event of events) {
    const key = `${event.accountExternalId}|${event.occurredAt.slice(0, 10)}|${event.contactExternalId ?? "-"}`;
    const day = days.get(key) ?? {
      logins: 0,
      sessions: 0,
      sessionSeconds: 0,
      featureEvents: 0,
      features: {},
    };
    if (event.kind === "LOGIN") day.logins += 1;
    if (event.kind === "SESSION") {
      day.sessions += 1;
      day.sessionSeconds += event.durationSeconds ?? 0;
    }
    if (event.kind === "FEATURE" && event.featureKey) {
      day.featureEvents += 1;
      day.features[event.featureKey] = (day.features[event.featureKey] ?? 0) + 1;
    }
    days.set(key, day);
  }
  return days;
}

describe.each(DATABASE_KINDS)("UsageDaily rollup on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_usage");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    await seedAccounts(prisma, acme.workspaceId, 2);
    const accounts = await prisma.account.findMany({ where: { workspaceId: acme.workspaceId } });
    const accountId = new Map(accounts.map((account) => [account.externalId, account.id]));
    await prisma.contact.createMany({
      data: Object.entries(CONTACTS).map(([externalId, account]) => ({
        workspaceId: acme.workspaceId,
        accountId: accountId.get(account) ?? "",
        externalId,
      })),
    });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** The stored rollup, keyed like countByHand's. */
  async function storedRollup(): Promise<Map<string, DailyUsage>> {
    const rows = await prisma.usageDaily.findMany({ where: { workspaceId: acme.workspaceId } });
    const accounts = new Map(
      (await prisma.account.findMany({ where: { workspaceId: acme.workspaceId } })).map((a) => [
        a.id,
        a.externalId,
      ]),
    );
    const contacts = new Map(
      (await prisma.contact.findMany({ where: { workspaceId: acme.workspaceId } })).map((c) => [
        c.id,
        c.externalId,
      ]),
    );
    return new Map(
      rows.map((row) => [
        `${accounts.get(row.accountId)}|${row.day.toISOString().slice(0, 10)}|${contacts.get(row.contactKey) ?? row.contactKey}`,
        {
          logins: row.logins,
          sessions: row.sessions,
          sessionSeconds: Number(row.sessionSeconds),
          featureEvents: row.featureEvents,
          features: row.features as Record<string, number>,
        },
      ]),
    );
  }

  it("equals a hand count after two batches and a retry", async () => {
    // Hand-picked edges: both sides of UTC midnight, and an event without externalId.
    const edges: UsageEventItem[] = [
      {
        externalId: "edge-1",
        accountExternalId: "acc-0",
        contactExternalId: "ann",
        kind: "LOGIN",
        occurredAt: "2026-03-01T23:59:59.999Z",
      },
      {
        externalId: "edge-2",
        accountExternalId: "acc-0",
        contactExternalId: "ann",
        kind: "LOGIN",
        occurredAt: "2026-03-02T00:00:00.000Z",
      },
      {
        accountExternalId: "acc-1",
        kind: "FEATURE",
        featureKey: "reports",
        occurredAt: "2026-03-02T12:00:00.000Z",
      },
    ];
    const first = [...generatedEvents("first", 400, 7), ...edges];
    // The second batch repeats 100 events of the first (skipped) and adds 300 new ones that
    // land on the same days, so rows and feature counts are merged, not replaced.
    const second = [...first.slice(0, 100), ...generatedEvents("second", 300, 11)];

    const one = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "recordUsageEvents",
      "RecordUsageEventsInput",
      first,
    );
    expect(one).toMatchObject({ created: 403, unchanged: 0 });
    const two = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "recordUsageEvents",
      "RecordUsageEventsInput",
      second,
    );
    expect(two).toMatchObject({ created: 300, unchanged: 100 });
    expect(two.ids?.slice(0, 100)).toEqual(one.ids?.slice(0, 100));
    // A retry of the second batch adds nothing.
    const retry = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "recordUsageEvents",
      "RecordUsageEventsInput",
      second,
    );
    expect(retry).toMatchObject({ created: 0, unchanged: 400, ids: two.ids });

    const stored = [...first, ...second.slice(100)];
    expect(await prisma.usageEvent.count({ where: { workspaceId: acme.workspaceId } })).toBe(stored.length);
    const expected = countByHand(stored);
    const actual = await storedRollup();
    expect(actual.size).toBe(expected.size);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(actual.get("acc-0|2026-03-01|ann")?.logins).toBeGreaterThanOrEqual(1);
    expect(actual.get("acc-0|2026-03-02|ann")?.logins).toBeGreaterThanOrEqual(1);
    expect(actual.get("acc-1|2026-03-02|-")?.features.reports).toBeGreaterThanOrEqual(1);
  });

  it("adds nothing to the rollup when a batch is refused", async () => {
    const before = Object.fromEntries(await storedRollup());
    const result = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "recordUsageEvents",
      "RecordUsageEventsInput",
      [
        { accountExternalId: "acc-0", kind: "LOGIN", occurredAt: "2026-03-01T10:00:00Z" },
        { accountExternalId: "acc-0", kind: "SESSION", occurredAt: "2026-03-01T10:00:00Z" },
      ],
    );
    expect(result.fields).toEqual([
      { path: "items.1.durationSeconds", message: "is required for SESSION events" },
    ]);
    expect(Object.fromEntries(await storedRollup())).toEqual(before);
  });
});
