// The daily snapshot job hands every account of a workspace to recordHealthSnapshots at once.
// Past 65,535 ids the account lookup went over PostgreSQL's bind-parameter limit and the job
// failed at 100,000 accounts (found by `pnpm bench` at 10x): the ids are now looked up in chunks.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { DATABASE_KINDS, openDemoDatabase } from "./helpers.ts";

const TODAY = new Date("2026-06-15T12:00:00Z");

describe.each(DATABASE_KINDS)(
  "the snapshot job with more account ids than one statement takes, on %s",
  (kind) => {
    let opened: Awaited<ReturnType<typeof openDemoDatabase>>;

    beforeAll(async () => {
      opened = await openDemoDatabase(kind, "snapshot_scale", { accounts: 6, today: TODAY });
    });
    afterAll(async () => {
      await opened?.drop();
    });

    it("snapshots every account it is given among 70,000 ids, in the order of one lookup", async () => {
      const { prisma } = opened.database;
      const accounts = await prisma.account.findMany({
        where: { workspaceId: opened.workspaceId, signedUpAt: { lt: TODAY } },
        select: { id: true },
      });
      expect(accounts.length).toBeGreaterThan(0);
      // Unknown ids around the real ones: the statement limit is about how many ids are sent.
      const ids = [
        ...Array.from({ length: 35_000 }, () => randomUUID()),
        ...accounts.map((account) => account.id),
        ...Array.from({ length: 35_000 }, () => randomUUID()),
      ];
      const day = new Date("2026-06-16T12:00:00Z");
      const written = await recordHealthSnapshots(opened.database, opened.workspaceId, {
        accountIds: ids,
        now: day,
      });
      expect(written).toBe(accounts.length);
      const stored = await prisma.healthSnapshot.findMany({
        where: { workspaceId: opened.workspaceId, day: new Date("2026-06-16T00:00:00Z") },
        select: { accountId: true },
      });
      expect(stored.map((row) => row.accountId).sort()).toEqual(accounts.map((account) => account.id).sort());
    }, 120_000);
  },
);
