// J: the daily health-snapshot job's time and memory. The job runs in a child process as the
// server runs it (bench/src/jobs/snapshot-job.ts) for the day after the data set's "now", which
// has no snapshots yet, so it scores and writes every account, as the first run of a new day does.
// What it wrote (that day's snapshots and their domain events) is deleted afterwards, so the data
// set stays as seeded.
import pg from "pg";
import { serverCpu } from "../config.ts";
import { exited, nextMessage, spawnNode } from "../lib/processes.ts";
import type { Run } from "../lib/run.ts";

const DAY = 86_400_000;

export interface SnapshotJobResults {
  day: string;
  accounts: number;
  written: number;
  wallSeconds: number;
  cpuSeconds: number;
  statements: number;
  /** Resident memory of the job's process before it opened the database, and its peak. */
  rssBeforeMiB: number;
  peakRssMiB: number;
}

export async function snapshotJobScenario(run: Run): Promise<SnapshotJobResults> {
  const jobNow = new Date(run.data.now.getTime() + DAY);
  const day = jobNow.toISOString().slice(0, 10);
  const client = new pg.Client({ connectionString: run.data.url });
  await client.connect();
  try {
    const existing = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "HealthSnapshot" WHERE "workspaceId" = $1 AND day = $2::date`,
      [run.data.workspaceId, day],
    );
    if ((existing.rows[0]?.n ?? 0) > 0) {
      throw new Error(`${day} already has snapshots (a run stopped before cleaning up?); delete them first`);
    }
    const lastEvent = await client.query<{ position: string }>(
      `SELECT COALESCE(max(position), 0)::text AS position FROM "DomainEvent"`,
    );
    const eventsAfter = lastEvent.rows[0]?.position ?? "0";
    const accounts = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Account" WHERE "workspaceId" = $1 AND "signedUpAt" < $2`,
      [run.data.workspaceId, jobNow],
    );
    try {
      const child = spawnNode("jobs/snapshot-job.ts", {
        cpu: serverCpu,
        env: {
          NODE_ENV: "production",
          BENCH_DATABASE_URL: run.data.url,
          BENCH_JOB_NOW: jobNow.toISOString(),
        },
        nodeArgs: (process.env.BENCH_NODE_ARGS ?? "--max-semi-space-size=32").split(" ").filter(Boolean),
      });
      const result = await nextMessage<{
        type: "result";
        written: number;
        wallMs: number;
        cpuMs: number;
        statements: number;
        rssBeforeMiB: number;
        peakRssMiB: number;
      }>(child, "result");
      await exited(child);
      const figures: SnapshotJobResults = {
        day,
        accounts: accounts.rows[0]?.n ?? 0,
        written: result.written,
        wallSeconds: Math.round(result.wallMs / 100) / 10,
        cpuSeconds: Math.round(result.cpuMs / 100) / 10,
        statements: result.statements,
        rssBeforeMiB: Math.round(result.rssBeforeMiB),
        peakRssMiB: Math.round(result.peakRssMiB),
      };
      run.log(
        `J: snapshot job for ${day}: ${figures.written} snapshots of ${figures.accounts} accounts in ${figures.wallSeconds} s, ` +
          `${figures.cpuSeconds} s CPU, ${figures.statements} statements, peak RSS ${figures.peakRssMiB} MiB (${figures.rssBeforeMiB} MiB before)`,
      );
      return figures;
    } finally {
      // Back to the data set as seeded: the day's snapshots and the events they wrote.
      await client.query(`DELETE FROM "DomainEvent" WHERE position > $1::bigint`, [eventsAfter]);
      await client.query(`DELETE FROM "HealthSnapshot" WHERE "workspaceId" = $1 AND day = $2::date`, [
        run.data.workspaceId,
        day,
      ]);
      await client.query(`VACUUM ANALYZE "HealthSnapshot", "DomainEvent"`);
    }
  } finally {
    await client.end();
  }
}
