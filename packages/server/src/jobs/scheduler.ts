// Periodic background jobs (today's health snapshots, and later renewal-window scans, stalled
// milestones, outbox delivery), run once across every server on one database. Each run takes its
// job's JobRun row with `FOR UPDATE SKIP LOCKED` in a transaction that lasts as long as the run:
// another server's tick skips a job that is running, or that ran less than its interval ago; a run
// whose server dies is rolled back with its transaction, so the next tick anywhere runs it again.
// The lock is a row lock of a transaction (not a session advisory lock), so it holds through
// PgBouncer in transaction mode. Embedded PGlite has one process per data folder (and one
// connection, which a held transaction would block), so there a run only records its times.
import { type Database, prismaReader, prismaWriter } from "@pulse/schema/database";
import { ensureJobRun, lockJobRun, markJobFinished, markJobStarted } from "../data/job-runs.ts";
import { logger } from "../operations/logger.ts";

export interface PeriodicJob {
  name: string;
  /** Least time between the starts of two runs, across all servers. */
  everyMs: number;
  run(signal: AbortSignal): Promise<unknown>;
  /** Longest a run may take before its transaction (and lock) is given up (default 1 hour). */
  timeoutMs?: number;
}

export interface JobSchedulerOptions {
  /** How often each server looks for due jobs (default 1 minute). */
  tickMs?: number;
  clock?: () => Date;
}

export class JobScheduler {
  private readonly jobs: PeriodicJob[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly clock: () => Date;
  /** Jobs woken (see wake) and running now in this process, and those woken again meanwhile. */
  private readonly woken = new Map<string, Promise<void>>();
  private readonly wokenAgain = new Set<string>();
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly options: JobSchedulerOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    database.onClose(() => this.stop());
  }

  add(job: PeriodicJob): this {
    this.jobs.push(job);
    return this;
  }

  /** Looks for due jobs now and every tick from now on. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.running
        .then(() => this.runDue())
        .catch((error: unknown) => logger.error("job tick failed", { error }));
    };
    this.timer = setInterval(tick, this.options.tickMs ?? 60_000);
    this.timer.unref();
    tick();
  }

  /**
   * Runs a job now, whatever its interval (after a write it should see at once). Still once across
   * servers: a run elsewhere is not doubled, and since that run may have read before the write,
   * the job is tried again after `retryMs`. Wakes while it runs here coalesce into one more run.
   */
  wake(name: string, retryMs = 1_000): void {
    const job = this.jobs.find((candidate) => candidate.name === name);
    if (!job || this.stopped || this.abort.signal.aborted) return;
    if (this.woken.has(name)) {
      this.wokenAgain.add(name);
      return;
    }
    const run = this.runIfDue(job, true)
      .then((ran) => {
        if (ran || this.stopped) return;
        // Busy on another server: look again shortly (unref'd: it never holds the process open).
        const timer = setTimeout(() => this.wake(name, retryMs), retryMs);
        timer.unref();
      })
      .catch((error: unknown) => logger.error("job wake failed", { job: name, error }))
      .finally(() => {
        this.woken.delete(name);
        if (this.wokenAgain.delete(name)) this.wake(name, retryMs);
      });
    this.woken.set(name, run);
  }

  /** Stops ticking, asks a running job to stop, and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    this.wokenAgain.clear();
    await this.running;
    await Promise.all(this.woken.values());
  }

  /** Runs every job that is due and not running elsewhere; returns the names of those it ran. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      if (this.abort.signal.aborted) break;
      if (await this.runIfDue(job)) ran.push(job.name);
    }
    return ran;
  }

  private async runIfDue(job: PeriodicJob, force = false): Promise<boolean> {
    const prisma = this.database.prisma;
    // The row exists before anyone locks it, so two first runs skip each other instead of waiting.
    // (Only when missing: an INSERT that conflicts with a row locked FOR UPDATE waits for the lock.)
    if (!(await prisma.jobRun.findUnique({ where: { name: job.name }, select: { name: true } }))) {
      await ensureJobRun(this.database.writer, job.name);
    }
    const now = this.clock();
    const due = (startedAt: Date | null) => !startedAt || now.getTime() - startedAt.getTime() >= job.everyMs;
    if (this.database.kind === "pglite") {
      const row = await prisma.jobRun.findUnique({ where: { name: job.name } });
      if (!force && !due(row?.startedAt ?? null)) return false;
      await prisma.jobRun.update({ where: { name: job.name }, data: { startedAt: now } });
      const lastError = await this.execute(job);
      await prisma.jobRun.update({
        where: { name: job.name },
        data: { finishedAt: this.clock(), lastError },
      });
      return true;
    }
    return prisma.$transaction(
      async (tx) => {
        const row = await lockJobRun(prismaReader(tx), job.name);
        if (!row || (!force && !due(row.startedAt))) return false;
        const writer = prismaWriter(tx);
        await markJobStarted(writer, job.name, now);
        const lastError = await this.execute(job);
        await markJobFinished(writer, job.name, this.clock(), lastError);
        return true;
      },
      { timeout: job.timeoutMs ?? 3_600_000, maxWait: 10_000 },
    );
  }

  /** Runs the job; a failure is logged and recorded (the run still counts, so it is not retried at once). */
  private async execute(job: PeriodicJob): Promise<string | null> {
    const startedAt = Date.now();
    try {
      await job.run(this.abort.signal);
      // A quick run (a woken playbook or outbox pass) is routine: debug; a long one is news.
      const ms = Date.now() - startedAt;
      if (ms >= 1_000) logger.info("job finished", { job: job.name, ms });
      else logger.debug("job finished", { job: job.name, ms });
      return null;
    } catch (error) {
      logger.error("job failed", { job: job.name, error });
      return error instanceof Error ? error.message.slice(0, 1000) : String(error);
    }
  }

  /** Seconds since each job last finished (its lag), for metrics. */
  async ages(): Promise<{ job: string; seconds: number }[]> {
    const rows = await this.database.prisma.jobRun.findMany({
      where: { name: { in: this.jobs.map((job) => job.name) } },
    });
    const now = this.clock().getTime();
    return this.jobs.map((job) => {
      const finished = rows.find((row) => row.name === job.name)?.finishedAt;
      return {
        job: job.name,
        seconds: finished ? (now - finished.getTime()) / 1000 : Number.POSITIVE_INFINITY,
      };
    });
  }
}
