// The `pulse` commands that work on a database without serving it (migrate, seed, workspace,
// keys, backup). Each runs against a Database and writes to a CommandOutput, so the same code
// runs in the CLI's own process or, when a server holds the embedded data folder, inside that
// server (admin-socket.ts): the command line is parsed once, here, in both places.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Database } from "@pulse/schema/database";
import { AdminKeyUsageError, adminKeysCommand } from "./admin-keys.ts";
import type { ApiKeyCache } from "./auth/api-keys.ts";
import { isDevelopmentOnLoopback, type PulseConfig } from "./config.ts";
import { backfillHealthSnapshots } from "./health/snapshots.ts";
import { manage } from "./manage.ts";
import { DEMO_SLUG, seedDemoWorkspace } from "./seed/demo.ts";

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
  /** Writes a file the command produces (a backup) where the user asked for it. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
}

export interface CommandContext {
  database: Database;
  config: PulseConfig;
  output: CommandOutput;
  /** The running server's key cache, when the command runs inside it. */
  keys?: ApiKeyCache;
}

export const COMMAND_OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  reset: { type: "boolean", default: false },
  name: { type: "string" },
  slug: { type: "string" },
  workspace: { type: "string" },
  kind: { type: "string" },
  "read-only": { type: "boolean", default: false },
  admin: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: COMMAND_OPTIONS });
}

export type ParsedCommandLine = ReturnType<typeof parseCommandLine>;

/** Commands that need the database but not the HTTP server; they may run through a server. */
export const DATABASE_COMMANDS = ["migrate", "seed", "workspace", "keys", "backup"] as const;
export type DatabaseCommand = (typeof DATABASE_COMMANDS)[number];

export function isDatabaseCommand(command: string): command is DatabaseCommand {
  return (DATABASE_COMMANDS as readonly string[]).includes(command);
}

/**
 * Makes relative file arguments absolute against the caller's working directory, before a
 * command line is sent to a server that runs elsewhere.
 */
export function absoluteFileArguments(argv: string[], cwd: string): string[] {
  const { tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: COMMAND_OPTIONS,
    tokens: true,
  });
  const positionals = tokens.filter((token) => token.kind === "positional");
  const file = positionals[0]?.value === "backup" ? positionals[1] : undefined;
  if (!file) return argv;
  return argv.map((arg, index) => (index === file.index ? resolve(cwd, arg) : arg));
}

export function databaseLabel(database: Database, config: PulseConfig): string {
  return database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite at ${config.PULSE_DATA_DIR}`;
}

export async function runDatabaseCommand(
  context: CommandContext,
  parsed: ParsedCommandLine,
): Promise<number> {
  const { database, output } = context;
  const [command, ...args] = parsed.positionals;
  switch (command) {
    case "migrate": {
      const result = await database.migrate((message) => output.out(`[db] ${message}`));
      output.out(
        `[db] ${databaseLabel(database, context.config)}; ${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied`,
      );
      return 0;
    }
    case "seed": {
      const seeded = await ensureDemo(context, parsed.values.reset);
      if (seeded) await backfillDemoHistory(context, seeded);
      return 0;
    }
    case "keys":
      if (parsed.values.admin) return adminKeys(context, args, parsed.values.name);
      return manage(database, command, args, parsed.values, output, context.keys);
    case "workspace":
      return manage(database, command, args, parsed.values, output, context.keys);
    case "backup":
      return backup(context, args);
    default:
      output.err(`"${command}" is not a database command`);
      return 2;
  }
}

async function adminKeys(context: CommandContext, args: string[], name: string | undefined): Promise<number> {
  try {
    context.output.out(await adminKeysCommand(context.database, args, { name }));
    return 0;
  } catch (error) {
    if (!(error instanceof AdminKeyUsageError)) throw error;
    context.output.err(error.message);
    return 2;
  }
}

async function backup(context: CommandContext, args: string[]): Promise<number> {
  const { database, output } = context;
  const file = args[0];
  if (!file || args.length > 1) {
    output.err("usage: pulse backup <file>   (a .tar.gz of the embedded database)");
    return 2;
  }
  if (!database.dumpDataDir) {
    output.err("pulse backup copies the embedded database; for PostgreSQL (DATABASE_URL) use pg_dump");
    return 2;
  }
  const startedAt = Date.now();
  const bytes = await database.dumpDataDir();
  await output.writeFile(file, bytes);
  output.out(
    `backup written to ${file} (${(bytes.byteLength / 1e6).toFixed(1)} MB) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  return 0;
}

/**
 * Seeds the demo workspace unless present; returns its id when it was just seeded. Its keys are
 * the README's well-known ones only in development on loopback; anywhere else anyone could use
 * them, so the demo gets random keys, printed once.
 */
export async function ensureDemo(context: CommandContext, reset: boolean): Promise<string | null> {
  const { database, output } = context;
  const existing = await database.prisma.workspace.findUnique({
    where: { slug: DEMO_SLUG },
    select: { id: true },
  });
  if (existing && !reset) {
    output.out("[seed] demo workspace present");
    return null;
  }
  if (existing) {
    await database.prisma.workspace.delete({ where: { id: existing.id } });
    context.keys?.evictWorkspace(existing.id);
  }
  const documented = isDevelopmentOnLoopback(context.config);
  const startedAt = Date.now();
  const result = await seedDemoWorkspace(database.prisma, {
    credentials: documented ? "documented" : "random",
  });
  const summary = Object.entries(result.counts)
    .map(([table, count]) => `${count} ${table}`)
    .join(", ");
  output.out(`[seed] demo workspace seeded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${summary}`);
  if (!documented) {
    output.out("[seed] this server is not development on loopback, so the demo has its own random keys.");
    output.out("[seed] Store these now; they are not shown again:");
    output.out(`  secret key       ${result.secretKey}`);
    output.out(`  publishable key  ${result.publishableKey}`);
    output.out(`  signing secret   ${result.signingSecret}`);
  }
  return result.workspaceId;
}

/** 90 days of daily health snapshots, so trends and sparklines have a history. */
export async function backfillDemoHistory(
  context: CommandContext,
  workspaceId: string,
  signal?: AbortSignal,
): Promise<void> {
  const startedAt = Date.now();
  try {
    const written = await backfillHealthSnapshots(context.database, workspaceId, 90, new Date(), signal);
    if (signal?.aborted) return;
    context.output.out(
      `[seed] ${written} daily health snapshots (90 days) recorded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    context.output.err(
      `[seed] health history backfill failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
