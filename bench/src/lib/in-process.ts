// Pulse's Yoga in this process over the bench's data set (no HTTP, no load generator), at the
// data set's own clock: for the in-process measurements and comparisons of bench/src.
import { type Database, openDatabase } from "@pulse/schema/database";
import pg from "pg";
import { createPulseYoga, type PulseYoga } from "../../../packages/server/src/yoga.ts";
import { databaseUrl } from "../config.ts";

export interface InProcessPulse {
  dataset: { secretKey: string; now: string };
  now: Date;
  database: Database;
  yoga: PulseYoga;
}

/** Opens the seeded data set (run `pnpm bench --seed-only` first) and a Yoga on it, without rate limits. */
export async function openInProcessPulse(): Promise<InProcessPulse> {
  const meta = new pg.Client({ connectionString: databaseUrl });
  await meta.connect();
  const row = (await meta.query<{ value: string }>("SELECT value FROM bench_meta WHERE key = 'dataset'"))
    .rows[0];
  await meta.end();
  if (!row) throw new Error("no data set: run `pnpm bench --seed-only` first");
  const dataset = JSON.parse(row.value) as { secretKey: string; now: string };
  const now = new Date(dataset.now);
  const database = await openDatabase({ url: databaseUrl, migrate: false, poolSize: 10 });
  const yoga = createPulseYoga({ database, clock: () => now, rateLimits: null });
  return { dataset, now, database, yoga };
}
