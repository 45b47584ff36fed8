// Background work belongs to its database: closing the database first finishes (or stops) every
// refresh still pending, so none runs against a closed connection and nothing scheduled is lost.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@pulse/schema/database";
import { afterAll, describe, expect, it } from "vitest";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { newWorkspace } from "./helpers.ts";

describe("background work and the database's lifecycle", () => {
  const folder = mkdtempSync(join(tmpdir(), "pulse-background-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("runs a pending snapshot refresh when the database closes, not after it", async () => {
    const dataDir = join(folder, "pglite");
    const database = await openDatabase({ dataDir });
    const workspace = await newWorkspace(database, "background");
    const account = await database.prisma.account.create({
      data: {
        workspaceId: workspace.workspaceId,
        externalId: "acct-1",
        name: "Acme",
        signedUpAt: new Date(),
      },
    });
    const errors: unknown[] = [];
    // An hour's debounce: without the database's drain the refresh would fire long after close.
    const refresher = new SnapshotRefresher(database, 3_600_000, (error) => errors.push(error));
    refresher.schedule(workspace.workspaceId, [account.id]);
    await database.close();
    expect(errors).toEqual([]);

    const reopened = await openDatabase({ dataDir });
    try {
      const snapshots = await reopened.prisma.healthSnapshot.count({ where: { accountId: account.id } });
      expect(snapshots).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
