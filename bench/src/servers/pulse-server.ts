// D, P, Y and I: the real Pulse HTTP server (startHttpServer) on the benchmark database, with
// the clock pinned to the data set's "now" so every answer is comparable across contenders.
// BENCH_PREPARED_STATEMENTS=false and BENCH_REDIS_URL: as a server behind PgBouncer in transaction
// mode that shares Redis with others (the several-servers scenario).
import { openDatabase } from "@pulse/schema/database";
import { startHttpServer } from "../lib/pulse.ts";
import { serveChild, type TracedStatement } from "./child.ts";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const now = new Date(process.env.BENCH_NOW ?? Date.now());
await serveChild(async () => {
  const database = await openDatabase({
    url,
    migrate: false,
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
    preparedStatements: process.env.BENCH_PREPARED_STATEMENTS !== "false",
  });
  let trace: TracedStatement[] | null = null;
  // Every statement, whether sent through Prisma or through the driver-level reader (which
  // Prisma's query log does not see); durations are not known at this level.
  database.statements.listeners.add((sql) => {
    trace?.push({ sql, ms: null });
  });
  const started = await startHttpServer({
    database,
    port: 0,
    host: "127.0.0.1",
    clock: () => now,
    ...(process.env.BENCH_REDIS_URL ? { redisUrl: process.env.BENCH_REDIS_URL } : {}),
  });
  return {
    url: started.url,
    server: started.server,
    statements: () => database.statements.count,
    startTrace: () => {
      trace = [];
    },
    stopTrace: () => {
      const statements = trace ?? [];
      trace = null;
      return statements;
    },
    async close() {
      await started.close();
      await database.close();
    },
  };
});
