// The `pulse` command line: start (migrate + demo seed + serve), serve, and the database commands
// (migrate, seed, workspace, keys, backup; commands.ts), which run through the server when one
// holds the embedded data folder; restore, which needs the folder to itself.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import {
  type Database,
  DataDirLockedError,
  type LockHolder,
  openDatabase,
  readLockHolder,
  restoreDataDir,
} from "@pulse/schema/database";
import { runThroughServer, startAdminSocket } from "./admin-socket.ts";
import { ApiKeyCache } from "./auth/api-keys.ts";
import { DEFAULT_RATE_LIMITS } from "./auth/rate-limiter.ts";
import {
  absoluteFileArguments,
  backfillDemoHistory,
  type CommandContext,
  type CommandOutput,
  databaseLabel,
  ensureDemo,
  isDatabaseCommand,
  parseCommandLine,
  runDatabaseCommand,
} from "./commands.ts";
import { isDevelopmentOnLoopback, type PulseConfig, readConfig } from "./config.ts";
import { recordAllTimedEvents } from "./events/timed-events.ts";
import { ensureTodaysSnapshots } from "./health/snapshots.ts";
import { startHttpServer } from "./http.ts";
import { JobScheduler } from "./jobs/scheduler.ts";
import { schedulePlaybooks } from "./playbooks/evaluator.ts";
import {
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  DEMO_SIGNING_SECRET,
  DEMO_SLUG,
  type DocumentedDemoCredentials,
  findDocumentedDemoCredentials,
} from "./seed/demo.ts";
import { cleanUpOutbox } from "./webhooks/outbox-cleanup.ts";
import { WebhookWorker } from "./webhooks/worker.ts";

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
  keys revoke --workspace <slug> <key prefix as listed, or id>
            Manage API keys (keys are stored hashed: a new key is printed once)
  backup <file>
            Write the embedded database to <file> (.tar.gz), also while a server runs
  restore <file>
            Replace the embedded database by a backup (the previous folder is kept);
            refused while a server holds the data folder
  keys create|list|revoke --admin [--name <name>] [<key prefix or id>]
            Administrator keys (ak_…): create, list and disable workspaces through the API, nothing else
  help      Show this help

An embedded data folder is used by one process at a time. While a server holds it, migrate,
seed, workspace, keys and backup run through that server; a second server is refused.

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

const COMMANDS = ["start", "serve", "migrate", "seed", "workspace", "keys", "backup", "restore"];

const consoleOutput: CommandOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  async writeFile(path, bytes) {
    // Written aside and renamed, so an interrupted backup never looks like a whole one.
    const partial = `${path}.partial`;
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, path);
  },
};

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  const { positionals, values } = parsed;
  const command = positionals[0] ?? "start";
  if (values.help || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const config = readConfig({
    ...process.env,
    PORT: values.port ?? process.env.PORT,
    HOST: values.host ?? process.env.HOST,
  });
  if (command === "restore") return restore(config, positionals.slice(1));
  const startedAt = Date.now();
  let database: Database;
  try {
    database = await openDatabase({
      url: config.DATABASE_URL,
      readUrl: config.DATABASE_READ_URL,
      directUrl: config.DATABASE_DIRECT_URL,
      preparedStatements: config.PULSE_DB_PREPARED_STATEMENTS === "true",
      dataDir: config.PULSE_DATA_DIR,
      poolSize: config.PULSE_DB_POOL_SIZE,
      // migrate applies (and reports) them itself; a backup copies the folder as it is.
      migrate: command !== "migrate" && command !== "backup",
      purpose: `pulse ${command}`,
      log: (message) => console.log(`[db] ${message}`),
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) return whenLocked(error, command, argv);
    throw error;
  }
  if (command !== "migrate") {
    console.log(
      `[db] ${databaseLabel(database, config)}; ` +
        `${database.migration.applied.length} migration(s) applied, ${database.migration.alreadyApplied.length} already applied`,
    );
  }
  if (isDatabaseCommand(command)) {
    try {
      return await runDatabaseCommand({ database, config, output: consoleOutput }, parsed);
    } finally {
      await database.close();
    }
  }
  return serve(database, config, command === "start", startedAt);
}

/**
 * Another process holds the embedded data folder. A database command goes through it when it
 * is a server (it takes commands on its admin socket); anything else is refused, naming it.
 */
async function whenLocked(error: DataDirLockedError, command: string, argv: string[]): Promise<number> {
  let holder: LockHolder | null = error.holder;
  if (isDatabaseCommand(command)) {
    // A server that is still starting (migrations, the demo seed) opens its socket in a moment.
    const deadline = Date.now() + 60_000;
    while (
      holder &&
      !holder.adminSocket &&
      /^pulse (start|serve)$/.test(holder.command) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      holder = readLockHolder(error.dataDir);
    }
    if (holder?.adminSocket) {
      console.error(
        `[pulse] process ${holder.pid} (\`${holder.command}\`) holds ${error.dataDir}: running the command through it`,
      );
      return runThroughServer(holder, absoluteFileArguments(argv, process.cwd()), consoleOutput);
    }
    if (!holder) {
      console.error(
        `[pulse] process ${error.holder.pid} let go of ${error.dataDir} meanwhile: run the command again`,
      );
      return 1;
    }
  }
  const held = new DataDirLockedError(error.dataDir, holder ?? error.holder);
  const holderServes = /^pulse (start|serve)$/.test(held.holder.command);
  const advice =
    command === "start" || command === "serve"
      ? holderServes
        ? `One process serves a data folder: stop that one first (kill ${held.holder.pid}), or give this server its own PULSE_DATA_DIR. ` +
          "While it runs, the CLI's commands (workspace, keys, seed, migrate, backup) go through it."
        : "Wait until that command has finished, then start again."
      : `It takes no commands: wait until it has finished (or stop it: kill ${held.holder.pid}), then run this again.`;
  console.error(`${held.message}\n${advice}`);
  return 1;
}

async function restore(config: PulseConfig, args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error(
      "usage: pulse restore <file>   (a backup made by `pulse backup`; replaces the embedded database)",
    );
    return 2;
  }
  if (config.DATABASE_URL || config.PULSE_DATA_DIR === ":memory:") {
    console.error(
      "pulse restore restores the embedded database into PULSE_DATA_DIR; for PostgreSQL (DATABASE_URL) use pg_restore",
    );
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  try {
    const restored = await restoreDataDir(config.PULSE_DATA_DIR, bytes);
    console.log(`restored ${config.PULSE_DATA_DIR} from ${file}`);
    if (restored.previous)
      console.log(
        `the folder it replaced is kept as ${restored.previous} (delete it when you no longer need it)`,
      );
    console.log("the next `pulse start` applies any migrations the backup predates");
    return 0;
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(
        `${error.message}\npulse restore replaces the whole data folder, so it never runs under a running server: ` +
          `stop process ${error.holder.pid} first, then run it again.`,
      );
      return 1;
    }
    console.error(`restore failed, nothing was changed: ${(error as Error).message}`);
    return 1;
  }
}

/** Serves until SIGTERM/SIGINT; `start` also seeds the demo workspace (only its well-known keys in development on loopback). */
async function serve(
  database: Database,
  config: PulseConfig,
  start: boolean,
  startedAt: number,
): Promise<number> {
  const keys = new ApiKeyCache();
  const context: CommandContext = { database, config, output: consoleOutput, keys };
  // Commands from the CLI go through this process from now on (the data folder is ours alone).
  const admin = database.lock ? await startAdminSocket({ database, config, keys }) : null;
  try {
    const developmentOnLoopback = isDevelopmentOnLoopback(config);
    let seeded: string | null = null;
    if (start && developmentOnLoopback) seeded = await ensureDemo(context, false);
    else if (
      start &&
      !(await database.prisma.workspace.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true } }))
    ) {
      console.log(
        `[seed] demo workspace not seeded: this server is not development on loopback (PULSE_ENV=${config.PULSE_ENV}, HOST=${config.HOST}), ` +
          "and the demo's keys are published in the README. `pulse seed` seeds it with random keys, printed once.",
      );
    }
    const written = await ensureTodaysSnapshots(database);
    if (written > 0) console.log(`[health] ${written} snapshot(s) recorded for today`);
    await recordAllTimedEvents(database);
    const documented = await findDocumentedDemoCredentials(database.prisma);
    if (!developmentOnLoopback) warnAboutDocumentedCredentials(documented, config);
    const demoKeyOpensGraphiql = developmentOnLoopback && documented.secretKey.includes(DEMO_SLUG);
    const production = config.PULSE_ENV === "production";
    const introspection = config.PULSE_INTROSPECTION ? config.PULSE_INTROSPECTION === "true" : !production;
    const started = await startHttpServer({
      database,
      keys,
      port: config.PORT,
      host: config.HOST,
      graphiqlHeaders:
        demoKeyOpensGraphiql && !production ? { Authorization: `Bearer ${DEMO_SECRET_KEY}` } : undefined,
      limits: {
        introspection,
        fieldSuggestions: !production,
        executionTimeoutMs: config.PULSE_EXECUTION_TIMEOUT_MS,
      },
      rateLimits:
        config.PULSE_RATE_LIMIT === "on"
          ? { ...DEFAULT_RATE_LIMITS, trustProxy: config.PULSE_TRUST_PROXY === "true" }
          : null,
      redisUrl: config.REDIS_URL,
      maxBodyBytes: config.PULSE_MAX_BODY_BYTES,
      metricsToken: config.PULSE_METRICS_TOKEN,
      tracing: config.PULSE_OTEL_TRACES === "true",
      allowPrivateWebhooks: config.PULSE_WEBHOOKS_ALLOW_PRIVATE === "true",
    });
    printBanner(started.url, startedAt, developmentOnLoopback ? documented : null);
    // Today's snapshot for every account, hourly, so history and health ordering stay current.
    // Once across every server on the database (jobs/scheduler.ts).
    // Ticks every 10 s: the playbook evaluator runs then at the latest (it is also woken after each
    // write of this server); the hourly jobs only check their last run.
    const jobs = new JobScheduler(database, { tickMs: 10_000 })
      .add({
        name: "health-snapshots",
        everyMs: 3_600_000,
        run: () => ensureTodaysSnapshots(database),
      })
      .add({
        // Milestone stalled and renewal window entered (deduplicated by key besides).
        name: "timed-events",
        everyMs: 3_600_000,
        run: () => recordAllTimedEvents(database),
      })
      .add({
        // Old outbox events that every consumer has read (webhooks/outbox-cleanup.ts).
        name: "outbox-cleanup",
        everyMs: 3_600_000,
        run: (signal) =>
          cleanUpOutbox(database, {
            now: new Date(),
            retentionDays: config.PULSE_OUTBOX_RETENTION_DAYS,
            signal,
          }),
      });
    // New outbox events against the workspaces' playbooks, once across servers (playbooks/evaluator.ts).
    schedulePlaybooks(jobs, database);
    started.metrics.watchJobs(() => jobs.ages());
    jobs.start();
    // Webhook deliveries from the outbox (each attempt by one server; webhooks/worker.ts).
    const webhooks = new WebhookWorker(database, {
      allowPrivate: config.PULSE_WEBHOOKS_ALLOW_PRIVATE === "true",
      timeoutMs: config.PULSE_WEBHOOK_TIMEOUT_MS,
      maxInFlightPerEndpoint: config.PULSE_WEBHOOK_MAX_IN_FLIGHT,
      disableAfterFailures: config.PULSE_WEBHOOK_DISABLE_AFTER,
    }).start();
    const backfill = new AbortController();
    const backfilling = seeded ? backfillDemoHistory(context, seeded, backfill.signal) : Promise.resolve();
    const shutdown = async (signal: string) => {
      backfill.abort();
      console.log(`${signal}: draining requests and closing`);
      await admin?.close();
      // Requests drain and the snapshot refresher flushes; then the background jobs end, and only
      // then does the database close (PGlite must not close under a running statement).
      await started.close();
      await backfilling;
      await webhooks.stop();
      await jobs.stop();
      await database.close();
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  } catch (error) {
    // A failed start (the port taken, say) leaves no socket behind, and lets go of the folder.
    await admin?.close();
    await database.close().catch(() => {});
    throw error;
  }
  return -1;
}

/** What a new user can use now: the demo's keys only where they exist (and may exist). */
function printBanner(url: string, startedAt: number, documented: DocumentedDemoCredentials | null): void {
  const secret = documented?.secretKey.includes(DEMO_SLUG) ?? false;
  const publishable = documented?.publishableKey.includes(DEMO_SLUG) ?? false;
  const signing = documented?.signingSecret.includes(DEMO_SLUG) ?? false;
  console.log(`\nPulse is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  console.log(`  GraphQL + GraphiQL  ${url}/graphql`);
  // The demo page signs in with the demo's publishable key.
  if (publishable) console.log(`  Widgets demo page   ${url}/demo/`);
  if (publishable) console.log(`  Reference dashboard ${url}/demo/dashboard/`);
  if (secret) console.log(`  Demo secret key       ${DEMO_SECRET_KEY}`);
  if (publishable) console.log(`  Demo publishable key  ${DEMO_PUBLISHABLE_KEY}`);
  if (signing) console.log(`  Demo signing secret   ${DEMO_SIGNING_SECRET}`);
  if (!secret)
    console.log(
      "\nNo demo keys here: `pulse workspace create --name <name> --slug <slug>` prints a workspace's keys once.",
    );
  console.log(
    `\nTry: curl -s ${url}/graphql -H 'authorization: Bearer ${secret ? DEMO_SECRET_KEY : "<secret key>"}' \\`,
  );
  console.log(
    `       -H 'content-type: application/json' -d '{"query":"{ accounts(first: 5) { edges { node { name } } } }"}'\n`,
  );
}

/** Outside development on loopback the README's demo credentials open a workspace to anyone. */
function warnAboutDocumentedCredentials(documented: DocumentedDemoCredentials, config: PulseConfig): void {
  const lines = [
    ...documented.secretKey.map(
      (slug) =>
        `  workspace "${slug}": active secret key ${DEMO_SECRET_KEY.slice(0, 11)}… (reads and writes it)`,
    ),
    ...documented.publishableKey.map(
      (slug) => `  workspace "${slug}": active publishable key ${DEMO_PUBLISHABLE_KEY.slice(0, 11)}…`,
    ),
    ...documented.signingSecret.map(
      (slug) => `  workspace "${slug}": widget tokens signed with the README's signing secret`,
    ),
  ];
  if (lines.length === 0) return;
  console.warn(
    [
      `WARNING: this server is not development on loopback (PULSE_ENV=${config.PULSE_ENV}, HOST=${config.HOST}), and it holds the`,
      "demo credentials published in the README, so anyone who reaches it can use them:",
      ...lines,
      "Re-create the demo with random keys (`pulse seed --reset`, printed once), or revoke those keys",
      "(`pulse keys revoke --workspace <slug> <prefix>`) and rotate the signing secret (rotateSigningSecret).",
    ].join("\n"),
  );
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
