// The per-server cache of workspace-wide reads that depend on the instant they are read at (the
// latest snapshots, the pending renewals, the milestones achieved so far) or on nothing but the
// data (the contract outcomes), each checked against the revisions of what it reads.

/** What a cached read returns: its value, how long it holds, and its size (for the bound). */
export interface InstantRead<Value> {
  value: Value;
  /**
   * The first instant after the read at which the answer may differ (a snapshot day, a contract's
   * end, an achievement), or null: with the same revision, the answer read at instant t is the
   * answer at every instant from t up to (not including) this one.
   */
  validUntil: Date | null;
  /** Rows held (what the cache's bound counts). */
  rows: number;
}

interface Entry {
  read: string;
  revision: string;
  /** The instant the entry was read at. */
  from: number;
  pending: Promise<InstantRead<unknown>>;
  /** Set once the read has succeeded. */
  settled?: InstantRead<unknown>;
}

interface WorkspaceEntries {
  entries: Entry[];
  rows: number;
}

/** Whether an answer read at `entry.from` is the answer at `at`. */
function holdsAt(entry: Entry, result: InstantRead<unknown>, at: number): boolean {
  return entry.from <= at && (result.validUntil === null || at < result.validUntil.getTime());
}

export interface WorkspaceReadCacheLimits {
  maxWorkspaces: number;
  /** Entries of one read (instants or parameters asked of one revision). */
  maxEntriesPerRead: number;
  maxEntriesPerWorkspace: number;
  maxRows: number;
}

/**
 * Workspace-wide reads kept between requests while the revision of what they read stays the same
 * (the workspace's facts revision, which every change of its accounts bumps, with its snapshots,
 * contracts or milestones revision: see the snapshots_revision and read_revisions migrations).
 * Exact: with the same data, an answer read at instant t holds from t up to the instant its read
 * names (`validUntil`, read with it), and for no other instant; an entry is used only for the
 * revision it was read at, so a reader that sees another revision (a lagging replica) reads again.
 *
 * A dashboard's requests ask for "now", which moves: an entry for "now" holds until the data
 * changes or the next instant that matters comes (a snapshot day, a renewal date), so the reads
 * cost once per such change instead of once per request. One per server; bounded in workspaces,
 * entries per workspace and rows in all (the least recently used go first).
 */
export class WorkspaceReadCache {
  private readonly workspaces = new Map<string, WorkspaceEntries>();
  private rows = 0;

  constructor(
    private readonly limits: WorkspaceReadCacheLimits = {
      maxWorkspaces: 32,
      maxEntriesPerRead: 4,
      maxEntriesPerWorkspace: 32,
      maxRows: 2_000_000,
    },
  ) {}

  /** Rows held (for tests). */
  get size(): number {
    return this.rows;
  }

  /**
   * The answer of `read` (a name with every parameter but the instant) at `at`: cached, or
   * loaded. `revision` names the state of every table the read depends on.
   */
  async get<Value>(
    workspaceId: string,
    read: string,
    revision: string,
    at: Date,
    load: () => Promise<InstantRead<Value>>,
  ): Promise<Value> {
    const instant = at.getTime();
    let workspace = this.workspaces.get(workspaceId);
    this.workspaces.delete(workspaceId);
    workspace ??= { entries: [], rows: 0 };
    this.workspaces.set(workspaceId, workspace);
    // Entries of this read at another revision are stale for good.
    for (let index = workspace.entries.length - 1; index >= 0; index--) {
      const entry = workspace.entries[index] as Entry;
      if (entry.read === read && entry.revision !== revision) this.drop(workspace, index);
    }
    const mine = workspace.entries.filter((entry) => entry.read === read);
    for (const entry of mine) {
      if (entry.settled && holdsAt(entry, entry.settled, instant)) return entry.settled.value as Value;
    }
    // A read still under way from an instant at or before this one may hold here too.
    for (const entry of mine) {
      if (entry.settled || entry.from > instant) continue;
      const result = await entry.pending.catch(() => null);
      if (result && holdsAt(entry, result, instant)) return result.value as Value;
    }
    return (await this.load(workspaceId, workspace, { read, revision, from: instant }, load)).value;
  }

  private load<Value>(
    workspaceId: string,
    workspace: WorkspaceEntries,
    key: { read: string; revision: string; from: number },
    load: () => Promise<InstantRead<Value>>,
  ): Promise<InstantRead<Value>> {
    const pending = load();
    const entry: Entry = { ...key, pending };
    // The oldest entry of the same read goes first (a read asked with a new parameter on every
    // request must not push out the others), then the oldest of all.
    const same = workspace.entries.filter((other) => other.read === key.read);
    if (same.length >= this.limits.maxEntriesPerRead)
      this.drop(workspace, workspace.entries.indexOf(same[0] as Entry));
    workspace.entries.push(entry);
    while (workspace.entries.length > this.limits.maxEntriesPerWorkspace) this.drop(workspace, 0);
    const current = () => this.workspaces.get(workspaceId) === workspace && workspace.entries.includes(entry);
    pending.then(
      (result) => {
        if (!current()) return;
        entry.settled = result;
        workspace.rows += result.rows;
        this.rows += result.rows;
        this.trim();
      },
      // A failed read is not kept.
      () => {
        if (current()) workspace.entries.splice(workspace.entries.indexOf(entry), 1);
      },
    );
    while (this.workspaces.size > this.limits.maxWorkspaces) this.evictOldest();
    return pending;
  }

  /** Drops an entry of a workspace the cache holds. */
  private drop(workspace: WorkspaceEntries, index: number): void {
    const [entry] = workspace.entries.splice(index, 1);
    const rows = entry?.settled?.rows ?? 0;
    workspace.rows -= rows;
    this.rows -= rows;
  }

  private evictOldest(): void {
    const oldest = this.workspaces.keys().next().value;
    if (oldest === undefined) return;
    this.rows -= this.workspaces.get(oldest)?.rows ?? 0;
    this.workspaces.delete(oldest);
  }

  /** Drops the least recently used workspaces (then the oldest entries) past maxRows. */
  private trim(): void {
    while (this.rows > this.limits.maxRows && this.workspaces.size > 1) this.evictOldest();
    const [only] = this.workspaces.values();
    while (this.rows > this.limits.maxRows && only && only.entries.length > 0) this.drop(only, 0);
  }
}
