// D, P, Y and I: the real Pulse HTTP server (startHttpServer) on the benchmark database, with
// the clock pinned to the data set's "now" so every answer is comparable across contenders.
// BENCH_PROTOTYPE=cached-auth serves the same Pulse with API-key lookups cached for 30 s, a
// prototype of a proposed server change (see BENCHMARKS.md, findings), made from outside.
import { type Database, openDatabase } from "@pulse/schema/database";
import { startHttpServer } from "../lib/pulse.ts";
import { serveChild, type TracedStatement } from "./child.ts";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const now = new Date(process.env.BENCH_NOW ?? Date.now());
const KEY_CACHE_MS = 30_000;

/** The database with `apiKey.findUnique` answered from a cache of recent lookups. */
function withCachedKeyLookups(database: Database): Database {
  const cache = new Map<string, { at: number; row: Promise<unknown> }>();
  const prisma = database.prisma;
  const apiKey = new Proxy(prisma.apiKey, {
    get(target, property, receiver) {
      if (property !== "findUnique") return Reflect.get(target, property, receiver);
      return (args: Parameters<typeof prisma.apiKey.findUnique>[0]) => {
        const key = JSON.stringify(args);
        const hit = cache.get(key);
        if (hit && Date.now() - hit.at < KEY_CACHE_MS) return hit.row;
        const row = target.findUnique(args);
        cache.set(key, { at: Date.now(), row });
        return row;
      };
    },
  });
  const cached = new Proxy(prisma, {
    get(target, property) {
      if (property === "apiKey") return apiKey;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...database, prisma: cached, close: () => database.close() };
}

await serveChild(async () => {
  const opened = await openDatabase({
    url,
    migrate: false,
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
  });
  const database = process.env.BENCH_PROTOTYPE === "cached-auth" ? withCachedKeyLookups(opened) : opened;
  let trace: TracedStatement[] | null = null;
  // openDatabase's client is typed without log events, though it is created with the query event.
  const events = opened.prisma as unknown as {
    $on(event: "query", listener: (event: { query: string; duration: number | bigint }) => void): void;
  };
  events.$on("query", (event) => {
    trace?.push({ sql: event.query, ms: Number(event.duration) });
  });
  const started = await startHttpServer({ database, port: 0, host: "127.0.0.1", clock: () => now });
  return {
    url: started.url,
    server: started.server,
    statements: () => opened.statements.count,
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
      await opened.close();
    },
  };
});
