// The `pulse` command line: start (migrate + demo seed + serve), serve, migrate, seed.
import { parseArgs } from "node:util";
import { type Database, openDatabase } from "@pulse/schema/database";
import { readConfig } from "./config.ts";
import { recordAllTimedEvents } from "./events/timed-events.ts";
import { backfillHealthSnapshots, ensureTodaysSnapshots } from "./health/snapshots.ts";
import { startHttpServer } from "./http.ts";
import { DEFAULT_RATE_LIMITS } from "./plugins/use-rate-limit.ts";
import { manage } from "./manage.ts";
import {
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  DEMO_SIGNING_SECRET,
  DEMO_SLUG,
  seedDemoWorkspace,
} from "./seed/demo.ts";

const HELP = `pulse — customer-success metrics server

Usage: pulse <command> [options]

Commands:
  start     Apply migrations, seed the demo workspace if it is missing, and serve (default)
  serve     Apply migrations and serve, without seeding
  migrate   Apply pending migrations and exit
  seed      Seed the demo workspace (--reset drops and re-creates it)
  workspace create --name <name> --slug <slug>
            Create a workspace; prints its secret and publishable keys and signing secret once
  keys list --workspace <slug>
  keys create --workspace <slug> --kind secret|publishable --name <name> [--read-only]
  keys revoke --workspace <slug> <key prefix or id>
            Manage API keys (keys are stored hashed: a new key is printed once)
  help      Show this help

Options:
  --port <n>       Port to listen on (env PORT, default 4000)
  --host <addr>    Address to bind (env HOST, default 127.0.0.1)
  --reset          With seed: delete the demo workspace first
  -h, --help       Show this help

Environment:
  DATABASE_URL     PostgreSQL connection string; without it Pulse uses embedded PGlite
  PULSE_DATA_DIR   PGlite data folder (default <repo>/.data/pglite; ":memory:" for a throwaway)
  PULSE_ENV        development (default) or production (no introspection, GraphiQL, suggestions)
  REDIS_URL        share rate limits between servers through Redis
  (see README.md, "Configuration", for the rest)
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      reset: { type: "boolean", default: false },
      name: { type: "string" },
      slug: { type: "string" },
      workspace: { type: "string" },
      kind: { type: "string" },
      "read-only": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0] ?? "start";
  if (values.help || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (!["start", "serve", "migrate", "seed", "workspace", "keys"].includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const config = readConfig({ ...process.env, PORT: values.port ?? process.env.PORT, HOST: values.host ?? process.env.HOST });
  const startedAt = Date.now();
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.PULSE_DATA_DIR,
    poolSize: config.PULSE_DB_POOL_SIZE,
    log: (message) => console.log(`[db] ${message}`),
  });
  console.log(
    `[db] ${database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite at ${config.PULSE_DATA_DIR}`}; ` +
      `${database.migration.applied.length} migration(s) applied, ${database.migration.alreadyApplied.length} already applied`,
  );
  if (command === "migrate") {
    await database.close();
    return 0;
  }
  if (command === "workspace" || command === "keys") {
    try {
      return await manage(database, command, positionals.slice(1), values);
    } finally {
      await database.close();
    }
  }
  const seeded = command === "seed" || command === "start" ? await ensureDemo(database, command === "seed" && values.reset) : null;
  if (command === "seed") {
    if (seeded) await backfillDemoHistory(database, seeded);
    await database.close();
    return 0;
  }
  const written = await ensureTodaysSnapshots(database.prisma);
  if (written > 0) console.log(`[health] ${written} snapshot(s) recorded for today`);
  await recordAllTimedEvents(database.prisma);
  const demo = await database.prisma.workspace.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true } });
  const production = config.PULSE_ENV === "production";
  const introspection = config.PULSE_INTROSPECTION ? config.PULSE_INTROSPECTION === "true" : !production;
  const started = await startHttpServer({
    database,
    port: config.PORT,
    host: config.HOST,
    graphiqlHeaders: demo && !production ? { Authorization: `Bearer ${DEMO_SECRET_KEY}` } : undefined,
    limits: { introspection, fieldSuggestions: !production, executionTimeoutMs: config.PULSE_EXECUTION_TIMEOUT_MS },
    rateLimits: config.PULSE_RATE_LIMIT === "on" ? { ...DEFAULT_RATE_LIMITS, trustProxy: config.PULSE_TRUST_PROXY === "true" } : null,
    redisUrl: config.REDIS_URL,
    maxBodyBytes: config.PULSE_MAX_BODY_BYTES,
  });
  console.log(`\nPulse is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  console.log(`  GraphQL + GraphiQL  ${started.url}/graphql`);
  if (demo) {
    console.log(`  Widgets demo page   ${started.url}/demo/`);
    console.log(`  Demo secret key       ${DEMO_SECRET_KEY}`);
    console.log(`  Demo publishable key  ${DEMO_PUBLISHABLE_KEY}`);
    console.log(`  Demo signing secret   ${DEMO_SIGNING_SECRET}`);
  }
  console.log(`\nTry: curl -s ${started.url}/graphql -H 'authorization: Bearer ${DEMO_SECRET_KEY}' \\`);
  console.log(`       -H 'content-type: application/json' -d '{"query":"{ accounts(first: 5) { edges { node { name } } } }"}'\n`);
  // Today's snapshot for every account, hourly, so history and health ordering stay current.
  const snapshotTimer = setInterval(() => {
    ensureTodaysSnapshots(database.prisma).catch((error: unknown) => console.error("[health] snapshot job failed:", error));
    recordAllTimedEvents(database.prisma).catch((error: unknown) => console.error("[events] timed events scan failed:", error));
  }, 3_600_000);
  snapshotTimer.unref();
  const backfill = new AbortController();
  const backfilling = seeded ? backfillDemoHistory(database, seeded, backfill.signal) : Promise.resolve();
  const shutdown = async (signal: string) => {
    clearInterval(snapshotTimer);
    backfill.abort();
    console.log(`${signal}: draining requests and closing`);
    await started.close();
    await backfilling;
    await database.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return -1;
}

/** Seeds the demo workspace unless present; returns its id when it was just seeded. */
async function ensureDemo(database: Database, reset: boolean): Promise<string | null> {
  const existing = await database.prisma.workspace.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true } });
  if (existing && !reset) {
    console.log("[seed] demo workspace present");
    return null;
  }
  if (existing) await database.prisma.workspace.delete({ where: { id: existing.id } });
  const startedAt = Date.now();
  const result = await seedDemoWorkspace(database.prisma);
  const summary = Object.entries(result.counts).map(([table, count]) => `${count} ${table}`).join(", ");
  console.log(`[seed] demo workspace seeded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${summary}`);
  return result.workspaceId;
}

/** 90 days of daily health snapshots, so trends and sparklines have a history. */
async function backfillDemoHistory(database: Database, workspaceId: string, signal?: AbortSignal): Promise<void> {
  const startedAt = Date.now();
  try {
    const written = await backfillHealthSnapshots(database.prisma, workspaceId, 90, new Date(), signal);
    if (signal?.aborted) return;
    console.log(`[seed] ${written} daily health snapshots (90 days) recorded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error("[seed] health history backfill failed:", error);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
