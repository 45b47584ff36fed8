// One process per PGlite data folder. PGlite is a single-user PostgreSQL inside this process: a
// second process opening the same folder writes the same files with no coordination, and
// whatever it writes is lost or corrupts the first one's. So the folder carries a lock file,
// `pulse.lock`, naming the process that holds it.
//
// Why a pid file and not proper-lockfile: proper-lockfile decides a lock is stale when its
// holder has not touched it for some seconds. PGlite runs its queries on the main thread, so a
// live holder stuck in a long statement (a migration, the demo seed) or a paused process
// (SIGSTOP, a debugger, a laptop asleep) would have its lock taken over while it still writes.
// Here a lock is taken over only when its holder is provably gone: `process.kill(pid, 0)` says
// no such process, or (on Linux) the process with that pid started at another time than the
// holder did (the pid was reused). A holder on another host is never taken over.
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";

export const LOCK_FILE_NAME = "pulse.lock";

export interface LockHolder {
  pid: number;
  hostname: string;
  /** Start time of the process in clock ticks since boot (Linux /proc), to detect pid reuse. */
  processStart: string | null;
  /** What holds the folder, e.g. "pulse start". */
  command: string;
  startedAt: string;
  /** Where the holder takes CLI commands (a unix socket or named pipe), once it does. */
  adminSocket?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where =
      holder.hostname === hostname()
        ? `process ${holder.pid}`
        : `process ${holder.pid} on host ${holder.hostname}`;
    super(
      `The data folder ${dataDir} is in use by ${where} (\`${holder.command}\`, since ${holder.startedAt}).`,
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly path: string;
  readonly holder: LockHolder;
  /** Records where this process takes CLI commands, for other processes to find. */
  advertise(adminSocket: string | undefined): void;
  /** The locked folder was renamed to `dataDir` (a restore swapping folders). */
  relocate(dataDir: string): void;
  release(): void;
}

/** Start time of a process (field 22 of /proc/<pid>/stat), or null where /proc is missing. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the recorded holder may still be running (unknown counts as running). */
export function holderIsAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (holder.processStart !== null) {
    const now = processStartOf(holder.pid);
    if (now !== null && now !== holder.processStart) return false;
  }
  return true;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.hostname !== "string") return null;
    return {
      pid: value.pid,
      hostname: value.hostname,
      processStart: typeof value.processStart === "string" ? value.processStart : null,
      command: typeof value.command === "string" ? value.command : "unknown",
      startedAt: typeof value.startedAt === "string" ? value.startedAt : "an unknown time",
      ...(typeof value.adminSocket === "string" ? { adminSocket: value.adminSocket } : {}),
    };
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The process holding `dataDir` now, or null when it is free (or its holder is gone). */
export function readLockHolder(dataDir: string): LockHolder | null {
  const text = readText(join(dataDir, LOCK_FILE_NAME));
  const holder = text === null ? null : parseHolder(text);
  return holder && holderIsAlive(holder) ? holder : null;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the lock file at `path` if it still reads `staleText`. Takeovers are serialised by a
 * second exclusive file, so two processes that both found the same dead holder cannot both
 * remove a lock (the second would remove the first one's fresh lock).
 */
function removeStaleLock(path: string, staleText: string): void {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // A takeover takes microseconds; a guard older than 10 s was left by a crash.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
    } catch {}
    sleepSync(20);
    return;
  }
  try {
    if (readText(path) === staleText) unlinkSync(path);
  } finally {
    unlinkSync(guard);
  }
}

/**
 * Takes the data folder's lock or throws DataDirLockedError naming its live holder. The lock
 * file appears complete and atomically (written aside, then hard-linked into place, which fails
 * if it exists), so a reader never sees a half-written holder.
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  let path = join(dataDir, LOCK_FILE_NAME);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    processStart: processStartOf(process.pid),
    command,
    startedAt: new Date().toISOString(),
  };
  const pending = `${path}.${process.pid}.${Date.now()}`;
  let text = JSON.stringify(holder);
  writeFileSync(pending, text, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(pending, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 100) throw error;
      }
      const existingText = readText(path);
      if (existingText === null) continue;
      const existing = parseHolder(existingText);
      // An unreadable lock file is left by a crash mid-write of an older version: stale.
      if (existing && holderIsAlive(existing)) throw new DataDirLockedError(dataDir, existing);
      removeStaleLock(path, existingText);
    }
  } finally {
    unlinkSync(pending);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    // Remove only our own lock (a restore may have replaced the folder under it).
    if (readText(path) === text) unlinkSync(path);
  };
  // process.exit() skips finally blocks and close(): the lock still goes.
  process.on("exit", release);
  return {
    get dataDir() {
      return dirname(path);
    },
    get path() {
      return path;
    },
    holder,
    relocate(newDataDir) {
      path = join(newDataDir, LOCK_FILE_NAME);
    },
    advertise(adminSocket) {
      const next = { ...holder, ...(adminSocket ? { adminSocket } : {}) };
      const nextText = JSON.stringify(next);
      const aside = `${path}.${process.pid}.advertise`;
      writeFileSync(aside, nextText, { mode: 0o600 });
      // rename() replaces the file atomically; we hold the lock, so nobody else writes it.
      renameSync(aside, path);
      text = nextText;
      if (adminSocket) holder.adminSocket = adminSocket;
      else delete holder.adminSocket;
    },
    release,
  };
}
