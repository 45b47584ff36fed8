// Recomputes today's health snapshot of accounts whose facts changed. Changes are collected and
// flushed a second later (debounced), so a burst of writes costs one recomputation per account
// and the write path stays fast; `flush()` lets tests and shutdown wait for it. The refresher
// belongs to its database: closing the database flushes what is pending first, so no refresh
// outlives it.
import type { Database } from "@pulse/schema/database";
import { logger } from "../operations/logger.ts";
import { recordHealthSnapshots } from "./snapshots.ts";

export class SnapshotRefresher {
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly delayMs = 1_000,
    private readonly onError: (error: unknown) => void = (error) =>
      logger.error("snapshot refresh failed", { error }),
  ) {
    database.onClose(() => this.flush());
  }

  schedule(workspaceId: string, accountIds: Iterable<string>): void {
    const set = this.pending.get(workspaceId) ?? new Set<string>();
    for (const id of accountIds) set.add(id);
    if (set.size === 0) return;
    this.pending.set(workspaceId, set);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Recomputes everything scheduled so far and resolves when done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.entries()];
    this.pending.clear();
    this.running = this.running.then(async () => {
      for (const [workspaceId, ids] of batch) {
        try {
          await recordHealthSnapshots(this.database, workspaceId, { accountIds: [...ids] });
        } catch (error) {
          this.onError(error);
        }
      }
    });
    return this.running;
  }
}
