// The per-server cache of each workspace's latest health snapshots (the statement:
// data/snapshots.ts, latestWorkspaceSnapshots).
import type { SnapshotFact, WorkspaceSnapshots } from "../data/snapshots.ts";

interface Entry {
  /** The instant the entry was read at. */
  from: number;
  read: Promise<WorkspaceSnapshots>;
  /** Set once the read has succeeded. */
  settled?: WorkspaceSnapshots;
}

interface WorkspaceEntries {
  revision: string;
  entries: Entry[];
  rows: number;
}

/** Whether an answer read at `entry.from` is the answer at `at`. */
function holdsAt(entry: Entry, result: WorkspaceSnapshots, at: number): boolean {
  return entry.from <= at && (result.nextDay === null || at < result.nextDay.getTime());
}

/**
 * Each workspace's "latest snapshot of every account at or before an instant", kept between
 * requests while the workspace's revision (its facts revision, which every change of its accounts
 * bumps, and its snapshots revision, which every statement that writes its snapshots bumps: see
 * the snapshots_revision migration) stays the same. Exact: with the same accounts and snapshots,
 * the answer read at instant t holds for every instant from t up to the workspace's next snapshot
 * day after t (read in the same statement), and for no other; an entry is used only for the
 * revision it was read at, so a reader that sees another revision (a lagging replica) reads again.
 *
 * A request asks for "now" (valid until a new snapshot is written) and for the health trend's
 * reference instant a month back (valid until the next day's snapshots begin), so a dashboard
 * reads each once per day and revision instead of twice per request. One per server; bounded in
 * workspaces, entries per workspace, and snapshot rows in all (the least recently used go first).
 */
export class LatestSnapshotCache {
  private readonly workspaces = new Map<string, WorkspaceEntries>();
  private rows = 0;

  constructor(
    private readonly limits: { maxWorkspaces: number; maxEntriesPerWorkspace: number; maxRows: number } = {
      maxWorkspaces: 32,
      maxEntriesPerWorkspace: 4,
      maxRows: 1_000_000,
    },
  ) {}

  /** Snapshot rows held (for tests and the operations gauges). */
  get size(): number {
    return this.rows;
  }

  async get(
    workspaceId: string,
    revision: string,
    at: Date,
    load: () => Promise<WorkspaceSnapshots>,
  ): Promise<Map<string, SnapshotFact>> {
    const instant = at.getTime();
    let workspace = this.workspaces.get(workspaceId);
    this.workspaces.delete(workspaceId);
    if (workspace && workspace.revision !== revision) {
      this.rows -= workspace.rows;
      workspace = undefined;
    }
    workspace ??= { revision, entries: [], rows: 0 };
    this.workspaces.set(workspaceId, workspace);
    for (const entry of workspace.entries) {
      if (entry.settled && holdsAt(entry, entry.settled, instant)) return entry.settled.snapshots;
    }
    // A read still under way from an instant at or before this one may hold here too.
    for (const entry of workspace.entries) {
      if (entry.settled || entry.from > instant) continue;
      const result = await entry.read.catch(() => null);
      if (result && holdsAt(entry, result, instant)) return result.snapshots;
    }
    return (await this.read(workspaceId, workspace, instant, load)).snapshots;
  }

  private read(
    workspaceId: string,
    workspace: WorkspaceEntries,
    instant: number,
    load: () => Promise<WorkspaceSnapshots>,
  ): Promise<WorkspaceSnapshots> {
    const entry: Entry = { from: instant, read: load() };
    workspace.entries.push(entry);
    while (workspace.entries.length > this.limits.maxEntriesPerWorkspace) this.drop(workspace, 0);
    const current = () => this.workspaces.get(workspaceId) === workspace && workspace.entries.includes(entry);
    entry.read.then(
      (result) => {
        if (!current()) return;
        entry.settled = result;
        workspace.rows += result.snapshots.size;
        this.rows += result.snapshots.size;
        this.trim();
      },
      // A failed read is not kept.
      () => {
        if (current()) workspace.entries.splice(workspace.entries.indexOf(entry), 1);
      },
    );
    while (this.workspaces.size > this.limits.maxWorkspaces) this.evictOldest();
    return entry.read;
  }

  /** Drops an entry of a workspace the cache holds. */
  private drop(workspace: WorkspaceEntries, index: number): void {
    const [entry] = workspace.entries.splice(index, 1);
    const size = entry?.settled?.snapshots.size ?? 0;
    workspace.rows -= size;
    this.rows -= size;
  }

  private evictOldest(): void {
    const oldest = this.workspaces.keys().next().value;
    if (oldest === undefined) return;
    this.rows -= this.workspaces.get(oldest)?.rows ?? 0;
    this.workspaces.delete(oldest);
  }

  /** Drops the least recently used workspaces' entries (then the oldest entries) past maxRows. */
  private trim(): void {
    while (this.rows > this.limits.maxRows && this.workspaces.size > 1) this.evictOldest();
    const [only] = this.workspaces.values();
    while (this.rows > this.limits.maxRows && only && only.entries.length > 0) this.drop(only, 0);
  }
}
