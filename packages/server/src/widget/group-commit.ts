// Group commit: items submitted concurrently are written together by one statement, and each
// submitter is answered only after that statement has committed. A few batches are written at a
// time; whatever arrives while they run forms the next ones, so batches grow with the load and
// the commits per second stay low.
//
// Two items that share a key (the same response, the same contact) are never written together,
// in one batch or in two at once: the later one waits for the earlier one's commit, so both
// resolve as they would one after the other. When a batch fails, nothing in it is acknowledged:
// each item is retried alone, so one bad item fails only its own submitter.

export interface GroupCommitOptions {
  /** How long the first item of a batch waits for others (ms). */
  windowMs?: number;
  /** At most this many items per statement. */
  maxBatch?: number;
  /** At most this many statements at once. */
  maxConcurrent?: number;
  /** Whether a failed batch is retried item by item (not when the database is unreachable). */
  retryAlone?: (error: unknown) => boolean;
}

interface Pending<Item, Result> {
  item: Item;
  keys: string[];
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class GroupCommit<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing = 0;
  /** The keys of the batches being written. */
  private readonly claimed = new Set<string>();
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private readonly retryAlone: (error: unknown) => boolean;
  /** Callers of drain() waiting for the queue to empty and the last batch to commit. */
  private idle: (() => void)[] = [];

  /**
   * @param write stores the items in one transaction and returns one result per item, in order
   * @param keysOf the keys two items written at once must not share
   */
  constructor(
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly keysOf: (item: Item) => string[],
    options: GroupCommitOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 2;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.retryAlone = options.retryAlone ?? (() => true);
  }

  /** Resolves with the item's result once the batch holding it has committed. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, keys: this.keysOf(item), resolve, reject });
      if (!this.timer && this.writing < this.maxConcurrent) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.startBatches();
        }, this.windowMs);
      }
    });
  }

  /**
   * Resolves once every item submitted so far is answered: the waiting window is cut short and
   * the last batch has committed (or failed). Whoever closes the database awaits it first.
   */
  drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.startBatches();
    }
    if (this.queue.length === 0 && this.writing === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private startBatches(): void {
    while (this.writing < this.maxConcurrent) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.writing += 1;
      const keys = batch.flatMap((pending) => pending.keys);
      for (const key of keys) this.claimed.add(key);
      void this.writeBatch(batch).finally(() => {
        for (const key of keys) this.claimed.delete(key);
        this.writing -= 1;
        // Items that arrived or waited meanwhile go now: they have waited long enough.
        this.startBatches();
        if (this.writing === 0 && this.queue.length === 0 && !this.timer) {
          const idle = this.idle;
          this.idle = [];
          for (const resolve of idle) resolve();
        }
      });
    }
  }

  /** The oldest items that share no key with a batch being written or an item before them. */
  private takeBatch(): Pending<Item, Result>[] {
    const taken: Pending<Item, Result>[] = [];
    const left: Pending<Item, Result>[] = [];
    const seen = new Set<string>();
    for (const pending of this.queue) {
      const free =
        taken.length < this.maxBatch && pending.keys.every((key) => !seen.has(key) && !this.claimed.has(key));
      (free ? taken : left).push(pending);
      // A left item's keys stay claimed too, so items with one key keep their order.
      for (const key of pending.keys) seen.add(key);
    }
    this.queue = left;
    return taken;
  }

  private async writeBatch(batch: Pending<Item, Result>[]): Promise<void> {
    let results: Result[];
    try {
      results = await this.write(batch.map((pending) => pending.item));
      if (results.length !== batch.length)
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
    } catch (error) {
      if (batch.length === 1 || !this.retryAlone(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) await this.writeBatch([pending]);
      return;
    }
    for (const [index, pending] of batch.entries()) pending.resolve(results[index] as Result);
  }
}
