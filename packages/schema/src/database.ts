// Opens Pulse's database: PostgreSQL when a URL is given, otherwise embedded PGlite (in a data
// folder, or in memory for ":memory:"). Migrations are applied before the Prisma client is
// handed out, and every SQL statement the client sends is counted, so tests and benchmarks can
// assert that a request costs a fixed number of statements. A PGlite data folder is opened by
// one process at a time (see data-dir-lock.ts).
import { existsSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { acquireDataDirLock, type DataDirLock, LOCK_FILE_NAME } from "./data-dir-lock.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { applyMigrations, type MigrationConnection, type MigrationResult } from "./migrate.ts";
import {
  pgliteReader,
  pgliteWriter,
  postgresReader,
  postgresWriter,
  type SqlReader,
  type SqlWriter,
} from "./sql-reader.ts";

export { DataDirLockedError, type LockHolder, readLockHolder } from "./data-dir-lock.ts";
export {
  assertReadOnly,
  coalescingReader,
  joinSql,
  prismaReader,
  prismaWriter,
  type SqlReader,
  type SqlStatement,
  type SqlWriter,
  sql,
} from "./sql-reader.ts";

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  url?: string;
  /** PGlite data folder, or ":memory:". Ignored when `url` is set. */
  dataDir?: string;
  /** Maximum PostgreSQL pool size. */
  poolSize?: number;
  /**
   * A streaming replica's connection string: the driver-level reads of `reader` go there, while
   * Prisma, `writer` and `primaryReader` stay on `url` (so a request that wrote reads its own writes).
   */
  readUrl?: string;
  /**
   * Where migrations run (default `url`): the primary itself when `url` goes through a pooler in
   * transaction mode, where the session advisory lock that serializes migrations would not hold.
   */
  directUrl?: string;
  /**
   * Prepare each statement shape by name per connection (default true). Off for PgBouncer before
   * 1.21 in transaction mode, which cannot keep named statements; every statement is then unnamed.
   */
  preparedStatements?: boolean;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  log?: (message: string) => void;
  /** What opens a data folder, recorded in its lock for others to see (e.g. "pulse start"). */
  purpose?: string;
}

/**
 * Counts statements sent by the Prisma client and the driver reader; `reset()` returns the count
 * so far. Listeners also get each statement's parameters (tests run them again under EXPLAIN).
 */
export class StatementCounter {
  count = 0;
  readonly listeners = new Set<(sql: string, values: readonly unknown[]) => void>();
  record(sql: string, values: readonly unknown[] = []): void {
    this.count += 1;
    for (const listener of this.listeners) listener(sql, values);
  }
  reset(): number {
    const count = this.count;
    this.count = 0;
    return count;
  }
}

/**
 * After-commit signals of this database's writers in this process (the outbox's readers, e.g. the
 * event stream and the playbook evaluator, read at once instead of at their next poll). Only a
 * speed-up: a signal lost by a crash right after the commit delays events until that poll.
 */
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Called after a commit that wrote outbox events. */
  written(): void {
    for (const listener of this.listeners) listener();
  }
}

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /**
   * Reads through the driver, bypassing Prisma (see sql-reader.ts): on the replica when one is
   * configured, so it may lag the primary by the replication delay. It refuses statements that write.
   */
  reader: SqlReader;
  /** The same reads on the primary: for a request that wrote (it must see its own writes) and for jobs. */
  primaryReader: SqlReader;
  /** Statements that write, through the driver on the primary; each commits on its own. */
  writer: SqlWriter;
  /** Signals of this process's commits that wrote outbox events (one per opened database). */
  outboxSignal: OutboxSignal;
  statements: StatementCounter;
  migration: MigrationResult;
  /**
   * Registers background work on this database (a debounced snapshot refresh, a job): `close()`
   * awaits every registered drain before it closes the connection, so no work outlives the
   * database. Returns the function that unregisters it.
   */
  onClose(drain: () => Promise<void>): () => void;
  /** The connection pools' sizes now (primary and replica; none for PGlite), for metrics. */
  pools(): { name: "primary" | "replica"; total: number; idle: number; waiting: number }[];
  /** Drains the registered background work, then closes the connections. */
  /** Applies pending migrations now (they were applied on open unless `migrate: false`). */
  migrate(log?: (message: string) => void): Promise<MigrationResult>;
  /** The data folder's lock (embedded PGlite in a folder only). */
  lock?: DataDirLock;
  /** A gzipped tarball of the data folder, consistent (embedded PGlite only). */
  dumpDataDir?: () => Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The drains registered through `Database.onClose`, run once when the database closes. */
function backgroundWork() {
  const drains = new Set<() => Promise<void>>();
  return {
    onClose(drain: () => Promise<void>) {
      drains.add(drain);
      return () => void drains.delete(drain);
    },
    async drain() {
      const pending = [...drains];
      drains.clear();
      await Promise.allSettled(pending.map((drain) => drain()));
    },
  };
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? (() => {});
  const statements = new StatementCounter();
  if (options.url) {
    const migration =
      options.migrate === false
        ? emptyResult()
        : await migratePostgres(options.directUrl ?? options.url, log);
    const openPool = (connectionString: string) => {
      const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 });
      // A broken idle connection (e.g. the server restarted) must not crash the process;
      // the pool drops it and the next query opens a new one.
      pool.on("error", (error) => log(`postgres pool: ${error.message}`));
      return pool;
    };
    const pool = openPool(options.url);
    const replicaPool = options.readUrl ? openPool(options.readUrl) : null;
    const prepared = options.preparedStatements ?? true;
    const prisma = createClient(new PrismaPg(pool), statements);
    const reader = postgresReader(pool, statements, { prepared });
    const replicaReader = replicaPool ? postgresReader(replicaPool, statements, { prepared }) : reader;
    const background = backgroundWork();
    return {
      kind: "postgres",
      prisma,
      reader: replicaReader,
      primaryReader: reader,
      writer: postgresWriter(pool, statements, { prepared }),
      outboxSignal: new OutboxSignal(),
      statements,
      migration,
      onClose: background.onClose,
      pools: () =>
        [
          { name: "primary" as const, pool },
          ...(replicaPool ? [{ name: "replica" as const, pool: replicaPool }] : []),
        ].map(({ name, pool: each }) => ({
          name,
          total: each.totalCount,
          idle: each.idleCount,
          waiting: each.waitingCount,
        })),
      migrate: (migrateLog = log) =>
        migratePostgres(options.directUrl ?? (options.url as string), migrateLog),
      async close() {
        await background.drain();
        await prisma.$disconnect();
        await pool.end().catch(() => {});
        await replicaPool?.end().catch(() => {});
      },
    };
  }
  const dataDir = options.dataDir ?? ":memory:";
  const lock = dataDir === ":memory:" ? undefined : acquireDataDirLock(dataDir, options.purpose ?? "pulse");
  let pglite: PGlite | undefined;
  try {
    pglite = dataDir === ":memory:" ? new PGlite() : new PGlite(dataDir);
    await pglite.waitReady;
    const connection = pgliteConnection(pglite);
    const migration = options.migrate === false ? emptyResult() : await applyMigrations(connection, { log });
    const prisma = createClient(new PrismaPGlite(pglite), statements);
    const reader = pgliteReader(pglite, statements);
    const background = backgroundWork();
    const opened = pglite;
    return {
      kind: "pglite",
      prisma,
      reader,
      primaryReader: reader,
      writer: pgliteWriter(pglite, statements),
      outboxSignal: new OutboxSignal(),
      statements,
      migration,
      onClose: background.onClose,
      pools: () => [],
      migrate: (migrateLog = log) => applyMigrations(connection, { log: migrateLog }),
      lock,
      dumpDataDir: async () => new Uint8Array(await (await opened.dumpDataDir("gzip")).arrayBuffer()),
      async close() {
        try {
          await background.drain();
          await prisma.$disconnect();
          await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => {});
    lock?.release();
    throw error;
  }
}

/**
 * Replaces a PGlite data folder by the contents of a `dumpDataDir` tarball. The folder must be
 * free (its lock is taken for the whole restore). The tarball is unpacked into a new folder
 * beside it and opened there first, so a bad file changes nothing; then the folders are
 * swapped, and the previous one is kept as `<folder>.before-restore-<time>`.
 */
export async function restoreDataDir(
  dataDir: string,
  tarball: Uint8Array,
  purpose = "pulse restore",
): Promise<{ previous: string | null }> {
  const target = resolve(dataDir);
  const lock = acquireDataDirLock(target, purpose);
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const staging = join(dirname(target), `.${basename(target)}.restoring-${process.pid}`);
  let stagingLock: DataDirLock | undefined;
  try {
    rmSync(staging, { recursive: true, force: true });
    let pglite: PGlite | undefined;
    try {
      pglite = new PGlite({ dataDir: staging, loadDataDir: new Blob([tarball as Uint8Array<ArrayBuffer>]) });
      await pglite.waitReady;
      await pglite.query(`SELECT count(*) FROM "_prisma_migrations"`);
    } catch (error) {
      throw new Error(
        `not a backup of a Pulse data folder (made by \`pulse backup\`): ${(error as Error).message}`,
      );
    } finally {
      await pglite?.close().catch(() => {});
    }
    // The backup holds the lock file of the process that made it: not ours, and not live here.
    if (existsSync(join(staging, LOCK_FILE_NAME))) unlinkSync(join(staging, LOCK_FILE_NAME));
    stagingLock = acquireDataDirLock(staging, purpose);
    const hadDatabase = existsSync(join(target, "PG_VERSION"));
    const previous = `${target}.before-restore-${stamp}`;
    renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (error) {
      renameSync(previous, target);
      throw error;
    }
    stagingLock.relocate(target);
    // The previous folder keeps the lock we took on it: remove it, or the whole folder when it
    // held no database (a restore into a new folder).
    if (hadDatabase) unlinkSync(join(previous, LOCK_FILE_NAME));
    else rmSync(previous, { recursive: true, force: true });
    return { previous: hadDatabase ? previous : null };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    stagingLock?.release();
    lock.release();
  }
}

function emptyResult(): MigrationResult {
  return { applied: [], alreadyApplied: [] };
}

function createClient(adapter: PrismaPg | PrismaPGlite, statements: StatementCounter): PrismaClient {
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => statements.record(event.query, parseParams(event.params)));
  return prisma;
}

/** Prisma's query event gives the parameters as a JSON array. */
function parseParams(params: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(params);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function pgliteConnection(pglite: PGlite): MigrationConnection {
  return {
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pglite.query<Row>(sql, params)).rows;
    },
  };
}

export function postgresConnection(client: pg.Client): MigrationConnection {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as Row[];
    },
  };
}

export async function migratePostgres(url: string, log: (message: string) => void = () => {}) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyMigrations(postgresConnection(client), { log });
  } finally {
    await client.end();
  }
}
