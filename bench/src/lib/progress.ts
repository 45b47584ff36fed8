// Seeding's progress and time limit. On a terminal a bar is redrawn in place; otherwise (CI logs,
// a file) a plain line is printed at every tenth of the rows (or every 30 s when the total is not
// known). The limit is checked as rows are generated and bounds every long statement.

const BAR_WIDTH = 28;
const PLAIN_EVERY_MS = 30_000;

export class SeedTimeLimitError extends Error {
  constructor(
    readonly database: string,
    readonly limitSeconds: number,
    readonly during: string,
  ) {
    super(
      `seeding ${database} went past its limit of ${limitSeconds} s during ${during}; ` +
        "it was stopped and the database is left without bench_meta (the next run seeds it again). " +
        "Raise BENCH_SEED_LIMIT_SECONDS on a slower or busier machine.",
    );
    this.name = "SeedTimeLimitError";
  }
}

/** The time left for one data set's seeding. */
export class SeedDeadline {
  private readonly endsAt: number;

  constructor(
    readonly database: string,
    readonly limitSeconds: number,
  ) {
    this.endsAt = performance.now() + limitSeconds * 1000;
  }

  remainingMs(): number {
    return Math.max(0, Math.floor(this.endsAt - performance.now()));
  }

  /** Throws once the limit has passed. */
  check(during: string): void {
    if (performance.now() > this.endsAt)
      throw new SeedTimeLimitError(this.database, this.limitSeconds, during);
  }
}

const integer = new Intl.NumberFormat("en-US");

/** Progress of one COPY (or other counted step): `update(rows)` as rows go out, `done()` at the end. */
export class Progress {
  private readonly startedAt = performance.now();
  private lastDrawAt = 0;
  private lastPlainAt = performance.now();
  private lastTenth = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly total: number | null,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly tty: boolean = Boolean(process.stdout.isTTY),
  ) {}

  update(rows: number): void {
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDrawAt < 100) return;
      this.lastDrawAt = now;
      this.out.write(`\r${this.line(rows, now)}\u001b[K`);
      this.drawn = true;
      return;
    }
    // Plain lines only for steps that take a while (the small tables would only add noise).
    if (now - this.startedAt < 2_000) return;
    if (this.total) {
      const tenth = Math.floor((rows / this.total) * 10);
      if (tenth > this.lastTenth && tenth < 10) {
        this.lastTenth = tenth;
        this.out.write(`  ${this.line(rows, now)}\n`);
      }
    } else if (now - this.lastPlainAt >= PLAIN_EVERY_MS) {
      this.lastPlainAt = now;
      this.out.write(`  ${this.line(rows, now)}\n`);
    }
  }

  /** Clears the bar; the caller logs the step's result line. */
  done(): void {
    if (this.tty && this.drawn) this.out.write("\r\u001b[K");
  }

  private line(rows: number, now: number): string {
    const seconds = (now - this.startedAt) / 1000;
    if (!this.total) return `${this.label}: ${integer.format(rows)} rows, ${seconds.toFixed(0)} s`;
    const share = Math.min(1, rows / this.total);
    const eta = share > 0 ? seconds / share - seconds : Number.NaN;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = this.tty ? `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ` : "";
    return (
      `${this.label}: ${bar}${(share * 100).toFixed(0).padStart(3)} % ` +
      `(${integer.format(rows)} / ${integer.format(this.total)} rows, ${seconds.toFixed(0)} s` +
      `${Number.isFinite(eta) ? `, about ${eta.toFixed(0)} s left` : ""})`
    );
  }
}
