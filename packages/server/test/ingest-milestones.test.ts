// The firstValueAt rule: achieving the first-value milestone sets an account's firstValueAt to
// the earliest such achievement, never later than it was; moving the flag backfills it.
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace } from "./helpers.ts";
import {
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  ingestOne,
  seedAccounts,
} from "./ingest-helpers.ts";

const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();

describe.each(DATABASE_KINDS)("firstValueAt on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_milestones");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    await seedAccounts(prisma, acme.workspaceId, 6);
    for (const input of [
      { key: "kickoff", name: "Kickoff call", targetDays: 7 },
      { key: "first-report", name: "First report", targetDays: 14, isFirstValue: true },
    ]) {
      const result = await graphql<{ upsertMilestone: { __typename: string } }>(
        ctx.yoga,
        acme.secretKey,
        `mutation($input: MilestoneInput!) { upsertMilestone(input: $input) { __typename } }`,
        { input },
      );
      expect(result.data?.upsertMilestone.__typename).toBe("MutationUpsertMilestoneSuccess");
    }
  });

  afterAll(async () => {
    await ctx?.close();
  });

  async function firstValueAt(externalId: string): Promise<string | null> {
    const account = await prisma.account.findUniqueOrThrow({
      where: { workspaceId_externalId: { workspaceId: acme.workspaceId, externalId } },
    });
    return account.firstValueAt?.toISOString() ?? null;
  }

  const achieve = (accountExternalId: string, milestone: string, achievedAt: string) =>
    ingestOne(ctx.yoga, acme.secretKey, "upsertMilestoneAchievement", "MilestoneAchievementInput", {
      accountExternalId,
      milestone,
      achievedAt,
    });

  it("is set by the first-value milestone only, and only ever moves earlier", async () => {
    await achieve("acc-0", "kickoff", day(3));
    expect(await firstValueAt("acc-0")).toBeNull();

    await achieve("acc-0", "first-report", day(10));
    expect(await firstValueAt("acc-0")).toBe(day(10));

    const later = await achieve("acc-0", "first-report", day(20));
    expect(later.outcome).toBe("UPDATED");
    expect(await firstValueAt("acc-0")).toBe(day(10));

    await achieve("acc-0", "first-report", day(5));
    expect(await firstValueAt("acc-0")).toBe(day(5));
  });

  it("is set for every account of a batch, in the same transaction", async () => {
    const result = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "upsertMilestoneAchievements",
      "UpsertMilestoneAchievementsInput",
      [
        { accountExternalId: "acc-1", milestone: "first-report", achievedAt: day(11) },
        { accountExternalId: "acc-2", milestone: "first-report", achievedAt: day(12) },
        { accountExternalId: "acc-2", milestone: "kickoff", achievedAt: day(2) },
      ],
    );
    expect(result).toMatchObject({ created: 3 });
    expect([await firstValueAt("acc-1"), await firstValueAt("acc-2")]).toEqual([day(11), day(12)]);

    const refused = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "upsertMilestoneAchievements",
      "UpsertMilestoneAchievementsInput",
      [
        { accountExternalId: "acc-5", milestone: "first-report", achievedAt: day(4) },
        { accountExternalId: "acc-5", milestone: "no-such-milestone", achievedAt: day(4) },
      ],
    );
    expect(refused.fields).toEqual([
      { path: "items.1.milestone", message: 'names no milestone of this workspace: "no-such-milestone"' },
    ]);
    expect(await firstValueAt("acc-5")).toBeNull();
  });

  it("is backfilled when the flag moves to a milestone accounts achieved earlier", async () => {
    await achieve("acc-3", "kickoff", day(3));
    await achieve("acc-3", "first-report", day(8));
    await achieve("acc-4", "kickoff", day(6));
    expect([await firstValueAt("acc-3"), await firstValueAt("acc-4")]).toEqual([day(8), null]);

    const moved = await graphql<{ upsertMilestone: { data: { key: string; isFirstValue: boolean } } }>(
      ctx.yoga,
      acme.secretKey,
      `mutation { upsertMilestone(input: { key: "kickoff", isFirstValue: true }) {
        ... on MutationUpsertMilestoneSuccess { data { key isFirstValue } } } }`,
    );
    expect(moved.data?.upsertMilestone.data).toEqual({ key: "kickoff", isFirstValue: true });
    const flagged = await prisma.milestone.findMany({
      where: { workspaceId: acme.workspaceId, isFirstValue: true },
    });
    expect(flagged.map((milestone) => milestone.key)).toEqual(["kickoff"]);
    // acc-3 reached the new first-value milestone earlier; acc-4 reaches first value now;
    // acc-0 achieved kickoff on day 3, earlier than its day-5 first report.
    expect([await firstValueAt("acc-3"), await firstValueAt("acc-4"), await firstValueAt("acc-0")]).toEqual([
      day(3),
      day(6),
      day(3),
    ]);
  });

  it("refuses an achievement before sign-up, and a sign-up after first value", async () => {
    const early = await achieve("acc-5", "kickoff", "2025-12-31T00:00:00.000Z");
    expect(early.fields).toEqual([
      {
        path: "achievedAt",
        message: "must not be before the account's signedUpAt (2026-01-01T00:00:00.000Z)",
      },
    ]);
    const moved = await ingestOne(ctx.yoga, acme.secretKey, "upsertAccount", "AccountInput", {
      externalId: "acc-1",
      name: "Account 1",
      signedUpAt: day(15),
    });
    expect(moved.fields).toEqual([
      { path: "signedUpAt", message: `must not be after the account reached first value (${day(11)})` },
    ]);
  });
});
