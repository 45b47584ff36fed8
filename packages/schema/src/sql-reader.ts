// SQL straight through the database driver: a `SqlReader` for reads and a `SqlWriter` for
// statements that write, two interfaces so that a reader (a request's, perhaps on a replica) can
// never be handed a write. Prisma's raw queries cost about 0.75 ms of CPU more per statement than
// the driver itself (measured on the benchmark's dashboard loaders: 1.3 ms against 0.57 ms for
// the same statement), and a dashboard page sends ten of them. Inside a transaction the same
// interfaces go through the transaction's client (`prismaReader(tx)`, `prismaWriter(tx)`).
// Nothing here is looked up: whoever needs a reader or a writer is given one.
//
// Results are parsed the same way on PostgreSQL (pg) and PGlite: `timestamp` columns (Prisma's
// DateTime) and `date` columns are UTC instants, whatever the process's time zone. Queries cast
// numeric and bigint results to text or int, and uuids to text, so no other type needs parsing.

import { createHash } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { StatementCounter } from "./database.ts";

/** A statement with $1… placeholders and its values, built by the `sql` tag. */
export interface SqlStatement {
  text: string;
  values: unknown[];
  /** The text around the values, when built by `sql` (so it can be renumbered inside another statement). */
  parts?: readonly string[];
}

/** The statement's text with its placeholders numbered from `offset + 1`. */
function numbered(parts: readonly string[], offset: number): string {
  let text = parts[0] ?? "";
  for (let index = 1; index < parts.length; index += 1) text += `$${offset + index}${parts[index]}`;
  return text;
}

function isStatement(value: unknown): value is Required<SqlStatement> {
  return typeof value === "object" && value !== null && Array.isArray((value as SqlStatement).parts);
}

/**
 * `sql\`SELECT … WHERE id = ${id}::uuid\``: values become parameters, never SQL text. A value
 * that is itself a `sql` statement is spliced in as a fragment, with its own parameters.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  const parts = [strings[0] ?? ""];
  const parameters: unknown[] = [];
  for (const [index, value] of values.entries()) {
    if (isStatement(value)) {
      parts[parts.length - 1] += value.parts[0] ?? "";
      parameters.push(...value.values);
      parts.push(...value.parts.slice(1));
      parts[parts.length - 1] += strings[index + 1] ?? "";
    } else {
      parameters.push(toParameter(value));
      parts.push(strings[index + 1] ?? "");
    }
  }
  return { text: numbered(parts, 0), values: parameters, parts };
}

/** `sql` fragments joined by a separator (e.g. conditions by " AND "). */
export function joinSql(fragments: readonly SqlStatement[], separator: string): SqlStatement {
  const parts = [""];
  const values: unknown[] = [];
  for (const [index, fragment] of fragments.entries()) {
    if (!isStatement(fragment)) throw new Error("joinSql joins statements built by `sql` only.");
    parts[parts.length - 1] += (index > 0 ? separator : "") + (fragment.parts[0] ?? "");
    values.push(...fragment.values);
    parts.push(...fragment.parts.slice(1));
  }
  return { text: numbered(parts, 0), values, parts };
}

/** Dates are sent as UTC ISO strings: compared with `::timestamp`, the zone suffix is ignored. */
function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toParameter);
  return value;
}

/** Reads: a statement that writes is refused (see `assertReadOnly`). */
export interface SqlReader {
  read<Row>(statement: SqlStatement): Promise<Row[]>;
}

/** Statements that write (INSERT, UPDATE, DELETE…), on the primary or in a transaction. */
export interface SqlWriter {
  /** Runs the statement; returns how many rows it changed. */
  execute(statement: SqlStatement): Promise<number>;
  /** Runs a statement with `RETURNING` (or a CTE that writes and selects); returns its rows. */
  returning<Row>(statement: SqlStatement): Promise<Row[]>;
}

/** A statement that changes data or schema: a write keyword at its start, or right after a parenthesis (a CTE's). */
const WRITES = /(?:^|[()])\s*(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|DROP|ALTER|COPY|GRANT)\b/i;
const readOnly = new Map<string, boolean>();

/** Refuses a statement that writes: readers read (a replica would fail it, the primary must not run it). */
export function assertReadOnly(statement: SqlStatement): void {
  let ok = readOnly.get(statement.text);
  if (ok === undefined) {
    // Comments and string literals may hold any word.
    const code = statement.text.replace(/--[^\n]*|'(?:[^']|'')*'/g, " ");
    ok = !WRITES.test(code);
    if (readOnly.size < MAX_NAMED_STATEMENTS) readOnly.set(statement.text, ok);
  }
  if (!ok) throw new Error("A SqlReader reads only: send statements that write through a SqlWriter.");
}

const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;

function parseTimestamp(value: string): Date {
  return new Date(`${value.replace(" ", "T")}Z`);
}

function parseDate(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

/**
 * Statements are prepared by name on each connection, so PostgreSQL plans each shape once and
 * reuses the plan (a page's facts statement took 2.5 ms to plan, each time). The names of at
 * most MAX_NAMED_STATEMENTS texts are kept; any text beyond them is sent unnamed.
 */
const MAX_NAMED_STATEMENTS = 1_000;
const names = new Map<string, string>();
function namedStatement(text: string): { name?: string } {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMED_STATEMENTS) return {};
    name = `pulse_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return { name };
}

function postgresTypes() {
  return {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === TIMESTAMP_OID) return parseTimestamp;
      if (oid === DATE_OID) return parseDate;
      return format === "binary"
        ? pg.types.getTypeParser(oid, "binary")
        : pg.types.getTypeParser(oid, "text");
    },
  };
}

function postgresQuery(pool: pg.Pool, statements: StatementCounter, prepared: boolean) {
  const types = postgresTypes();
  return (statement: SqlStatement) => {
    statements.record(statement.text, statement.values);
    return pool.query({
      ...(prepared ? namedStatement(statement.text) : {}),
      text: statement.text,
      values: statement.values,
      types,
    } as pg.QueryConfig);
  };
}

export function postgresReader(
  pool: pg.Pool,
  statements: StatementCounter,
  options: { prepared: boolean } = { prepared: true },
): SqlReader {
  const query = postgresQuery(pool, statements, options.prepared);
  return {
    async read<Row>(statement: SqlStatement): Promise<Row[]> {
      assertReadOnly(statement);
      return (await query(statement)).rows as Row[];
    },
  };
}

export function postgresWriter(
  pool: pg.Pool,
  statements: StatementCounter,
  options: { prepared: boolean } = { prepared: true },
): SqlWriter {
  const query = postgresQuery(pool, statements, options.prepared);
  return {
    async execute(statement: SqlStatement): Promise<number> {
      return (await query(statement)).rowCount ?? 0;
    },
    async returning<Row>(statement: SqlStatement): Promise<Row[]> {
      return (await query(statement)).rows as Row[];
    },
  };
}

function pgliteQuery(pglite: PGlite, statements: StatementCounter) {
  const parsers = { [TIMESTAMP_OID]: parseTimestamp, [DATE_OID]: parseDate };
  return <Row>(statement: SqlStatement) => {
    statements.record(statement.text, statement.values);
    return pglite.query<Row>(statement.text, statement.values, { parsers });
  };
}

export function pgliteReader(pglite: PGlite, statements: StatementCounter): SqlReader {
  const query = pgliteQuery(pglite, statements);
  return {
    async read<Row>(statement: SqlStatement): Promise<Row[]> {
      assertReadOnly(statement);
      return (await query<Row>(statement)).rows;
    },
  };
}

export function pgliteWriter(pglite: PGlite, statements: StatementCounter): SqlWriter {
  const query = pgliteQuery(pglite, statements);
  return {
    async execute(statement: SqlStatement): Promise<number> {
      return (await query(statement)).affectedRows ?? 0;
    },
    async returning<Row>(statement: SqlStatement): Promise<Row[]> {
      return (await query<Row>(statement)).rows;
    },
  };
}

interface RawQueryClient {
  $queryRawUnsafe<Row>(query: string, ...values: unknown[]): Promise<Row>;
}

interface RawExecuteClient extends RawQueryClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Reads through a Prisma client: a transaction's (`tx`), whose uncommitted rows the driver would not see. */
export function prismaReader(client: RawQueryClient): SqlReader {
  return {
    read<Row>(statement: SqlStatement): Promise<Row[]> {
      try {
        assertReadOnly(statement);
      } catch (error) {
        return Promise.reject(error);
      }
      return client.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);
    },
  };
}

/** Writes through a Prisma client: a transaction's (`tx`), so they commit or roll back with it. */
export function prismaWriter(client: RawExecuteClient): SqlWriter {
  return {
    execute(statement: SqlStatement): Promise<number> {
      return client.$executeRawUnsafe(statement.text, ...statement.values);
    },
    returning<Row>(statement: SqlStatement): Promise<Row[]> {
      return client.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);
    },
  };
}

/**
 * Reads asked for in the same turn of the event loop go to the database as ONE statement: each
 * query becomes a `json_agg` column of a single row, and its rows come back as parsed JSON (the
 * batched fact loaders of a page all start together, so a page of accounts costs one statement
 * for all of its facts instead of one per fact family). JSON has no timestamp type, so queries
 * read through it select timestamps `AT TIME ZONE 'UTC'` (a zoned instant, exact in JSON and as a
 * column alike), and numeric values as text; dates come back as `YYYY-MM-DD` strings, which
 * `new Date()` reads as UTC midnight. Every query read through it must have been built by `sql`.
 * `onFirstRead` runs once, just before the first read is queued: reads it starts join that
 * read's statement (a request's context starts the settings every metric needs).
 */
export function coalescingReader(reader: SqlReader, options: { onFirstRead?: () => void } = {}): SqlReader {
  // Already coalescing (e.g. a request's reader handed to a workspace-wide evaluation): wrapping
  // it again would hand it a combined statement, which is not built by `sql`.
  if (coalescing.has(reader)) return reader;
  type Waiting = { statement: SqlStatement; resolve(rows: unknown[]): void; reject(error: unknown): void };
  let waiting: Waiting[] = [];
  let onFirstRead = options.onFirstRead;
  const flush = () => {
    const batch = waiting;
    waiting = [];
    const values: unknown[] = [];
    const columns = batch.map(({ statement }, index) => {
      const text = numbered(statement.parts ?? [], values.length);
      values.push(...statement.values);
      return `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${text}) q) AS "${index}"`;
    });
    reader.read<Record<string, unknown[]>>({ text: `SELECT ${columns.join(",\n")}`, values }).then(
      ([row]) => {
        for (const [index, { resolve }] of batch.entries()) resolve(row?.[String(index)] ?? []);
      },
      (error: unknown) => {
        for (const { reject } of batch) reject(error);
      },
    );
  };
  const coalesced: SqlReader = {
    read<Row>(statement: SqlStatement): Promise<Row[]> {
      if (!statement.parts)
        return Promise.reject(new Error("coalescingReader reads statements built by `sql` only."));
      try {
        assertReadOnly(statement);
      } catch (error) {
        return Promise.reject(error);
      }
      if (onFirstRead) {
        const first = onFirstRead;
        onFirstRead = undefined;
        first();
      }
      return new Promise<Row[]>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ statement, resolve: resolve as (rows: unknown[]) => void, reject });
      });
    },
  };
  coalescing.add(coalesced);
  return coalesced;
}

const coalescing = new WeakSet<SqlReader>();
