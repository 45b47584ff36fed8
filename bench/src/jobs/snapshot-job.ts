// The daily health-snapshot job in a process of its own, as a Pulse server runs it: the database
// opened as `pulse start` opens it (pool of 10), then `ensureTodaysSnapshots` (what the
// "health-snapshots" job of cli.ts runs hourly) for the day of BENCH_JOB_NOW. Reports its wall
// time, CPU time and peak resident memory to the runner over IPC.
import { openDatabase } from "@pulse/schema/database";
import { ensureTodaysSnapshots } from "../lib/pulse.ts";

const url = process.env.BENCH_DATABASE_URL;
const now = process.env.BENCH_JOB_NOW;
if (!url || !now) throw new Error("BENCH_DATABASE_URL and BENCH_JOB_NOW must be set");
if (!process.send) throw new Error("run this through the benchmark runner (it needs an IPC channel)");

const rssBeforeMiB = process.memoryUsage().rss / 2 ** 20;
const database = await openDatabase({
  url,
  migrate: false,
  poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
});
try {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const written = await ensureTodaysSnapshots(database, new Date(now));
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  process.send({
    type: "result",
    written,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    statements: database.statements.count,
    rssBeforeMiB,
    // resourceUsage().maxRSS is the process's peak resident set, in KiB.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  });
} finally {
  await database.close();
}
process.disconnect();
