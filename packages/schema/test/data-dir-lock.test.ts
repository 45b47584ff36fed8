// The embedded data folder's lock: one process at a time, a dead holder's lock taken over, a
// live one's never; and backup / restore of a folder through PGlite's tarballs.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  acquireDataDirLock,
  DataDirLockedError,
  LOCK_FILE_NAME,
  readLockHolder,
} from "../src/data-dir-lock.ts";
import { openDatabase, restoreDataDir } from "../src/database.ts";

const here = dirname(fileURLToPath(import.meta.url));
const folders: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "pulse-lock-"));
  folders.push(folder);
  return folder;
}

function processStart(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] as string;
}

function writeForeignLock(folder: string, pid: number, start: string | null): void {
  const holder = {
    pid,
    hostname: hostname(),
    processStart: start,
    command: "pulse start",
    startedAt: "2026-12-01T00:00:00.000Z",
  };
  writeFileSync(join(folder, LOCK_FILE_NAME), JSON.stringify(holder));
}

function liveProcess(): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  children.push(child);
  return child;
}

describe("the data folder lock", () => {
  it("refuses a second holder while the first lives, naming it, and frees the folder on release", () => {
    const folder = newFolder();
    const first = acquireDataDirLock(folder, "pulse start");
    let refused: unknown;
    try {
      acquireDataDirLock(folder, "pulse keys");
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as DataDirLockedError).holder.pid).toBe(process.pid);
    expect((refused as Error).message).toContain(`process ${process.pid} (\`pulse start\``);
    first.release();
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
    acquireDataDirLock(folder, "pulse keys").release();
  });

  it("never takes over a live process's lock (another process, found by process.kill(pid, 0))", async () => {
    const folder = newFolder();
    const child = liveProcess();
    const pid = child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 200));
    writeForeignLock(folder, pid, processStart(pid));
    expect(() => acquireDataDirLock(folder, "pulse serve")).toThrow(new RegExp(`in use by process ${pid} `));
    expect(readLockHolder(folder)?.pid).toBe(pid);
    // Unknown start time (no /proc where it was written): still live, never taken over.
    writeForeignLock(folder, pid, null);
    expect(() => acquireDataDirLock(folder, "pulse serve")).toThrow(DataDirLockedError);
  });

  it("takes over the lock of a process that is gone, and of a reused pid (another start time)", async () => {
    const folder = newFolder();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    writeForeignLock(folder, gone, "12345");
    expect(readLockHolder(folder)).toBeNull();
    const lock = acquireDataDirLock(folder, "pulse start");
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE_NAME), "utf8")).pid).toBe(process.pid);
    lock.release();

    const child = liveProcess();
    await new Promise((resolve) => setTimeout(resolve, 200));
    writeForeignLock(folder, child.pid as number, "1");
    acquireDataDirLock(folder, "pulse start").release();
  });

  it("lets exactly one of several processes racing for a dead holder's lock have it", async () => {
    const folder = newFolder();
    writeForeignLock(folder, spawnSync(process.execPath, ["-e", ""]).pid, null);
    const racer = join(here, "fixtures", "lock-racer.ts");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(process.execPath, ["--import", "tsx", racer, folder], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        children.push(child);
        let output = "";
        child.stdout?.on("data", (chunk) => {
          output += chunk;
        });
        child.stderr?.on("data", (chunk) => {
          output += chunk;
        });
        return new Promise<string>((resolve) => child.once("exit", () => resolve(output.trim())));
      }),
    );
    expect(results.filter((result) => result === "acquired")).toHaveLength(1);
    expect(results.filter((result) => result === "refused")).toHaveLength(5);
  });

  it("is taken by openDatabase on a data folder, so a second open refuses until the first closes", async () => {
    const folder = newFolder();
    const first = await openDatabase({ dataDir: folder, purpose: "pulse start" });
    await expect(openDatabase({ dataDir: folder, purpose: "pulse keys" })).rejects.toThrow(
      DataDirLockedError,
    );
    await first.prisma.workspace.create({ data: { slug: "kept", name: "Kept", signingSecret: "s" } });
    await first.close();
    const second = await openDatabase({ dataDir: folder });
    expect(await second.prisma.workspace.count({ where: { slug: "kept" } })).toBe(1);
    await second.close();
  });
});

describe("backup and restore of the embedded database", () => {
  it("restores a backup over a folder, keeping the previous one; a bad file or a held folder changes nothing", async () => {
    const folder = newFolder();
    const database = await openDatabase({ dataDir: folder });
    await database.prisma.workspace.create({ data: { slug: "before", name: "Before", signingSecret: "s" } });
    const dumpDataDir = database.dumpDataDir as () => Promise<Uint8Array>;
    const backup = await dumpDataDir();
    await database.prisma.workspace.create({ data: { slug: "after", name: "After", signingSecret: "s" } });

    // While the folder is held, restore refuses and the folder stays as it is.
    await expect(restoreDataDir(folder, backup)).rejects.toThrow(DataDirLockedError);
    await database.close();

    await expect(restoreDataDir(folder, new TextEncoder().encode("not a tarball"))).rejects.toThrow(
      /not a backup of a Pulse data folder/,
    );
    const unchanged = await openDatabase({ dataDir: folder });
    expect(
      (await unchanged.prisma.workspace.findMany({ orderBy: { slug: "asc" } })).map((w) => w.slug),
    ).toEqual(["after", "before"]);
    await unchanged.close();

    const restored = await restoreDataDir(folder, backup);
    expect(restored.previous).toMatch(/\.before-restore-\d{14}$/);
    folders.push(restored.previous as string);
    expect(existsSync(join(restored.previous as string, LOCK_FILE_NAME))).toBe(false);
    // The backup carried the lock of the process that made it (this one): the restored folder does not.
    expect(existsSync(join(folder, LOCK_FILE_NAME))).toBe(false);
    const reopened = await openDatabase({ dataDir: folder });
    expect((await reopened.prisma.workspace.findMany()).map((w) => w.slug)).toEqual(["before"]);
    await reopened.close();
  });
});
