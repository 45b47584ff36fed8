// Read-only SQL straight through the database driver, for the hot batched reads behind account
// metrics. Prisma's raw queries cost about 0.75 ms of CPU more per statement than the driver
// itself (measured on the benchmark's dashboard loaders: 1.3 ms against 0.57 ms for the same
// statement), and a dashboard page sends ten of them. Writes, and reads that need Prisma's
// models, stay on Prisma.
//
// Results are parsed the same way on PostgreSQL (pg) and PGlite: `timestamp` columns (Prisma's
// DateTime) and `date` columns are UTC instants, whatever the process's time zone. Queries cast
// numeric and bigint results to text or int, and uuids to text, so no other type needs parsing.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { StatementCounter } from "./database.ts";

/** A statement with $1… placeholders and its values, built by the `sql` tag. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** `sql\`SELECT … WHERE id = ${id}::uuid\``: values become parameters, never SQL text. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  let text = strings[0] ?? "";
  for (let index = 0; index < values.length; index += 1) text += `$${index + 1}${strings[index + 1] ?? ""}`;
  return { text, values: values.map(toParameter) };
}

/** Dates are sent as UTC ISO strings: compared with `::timestamp`, the zone suffix is ignored. */
function toParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toParameter);
  return value;
}

export interface SqlReader {
  read<Row>(statement: SqlStatement): Promise<Row[]>;
}

const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;

function parseTimestamp(value: string): Date {
  return new Date(`${value.replace(" ", "T")}Z`);
}

function parseDate(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}

export function postgresReader(pool: pg.Pool, statements: StatementCounter): SqlReader {
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === TIMESTAMP_OID) return parseTimestamp;
      if (oid === DATE_OID) return parseDate;
      return format === "binary"
        ? pg.types.getTypeParser(oid, "binary")
        : pg.types.getTypeParser(oid, "text");
    },
  };
  return {
    async read<Row>(statement: SqlStatement): Promise<Row[]> {
      statements.record(statement.text);
      const result = await pool.query({
        text: statement.text,
        values: statement.values,
        types,
      } as pg.QueryConfig);
      return result.rows as Row[];
    },
  };
}

export function pgliteReader(pglite: PGlite, statements: StatementCounter): SqlReader {
  const parsers = { [TIMESTAMP_OID]: parseTimestamp, [DATE_OID]: parseDate };
  return {
    async read<Row>(statement: SqlStatement): Promise<Row[]> {
      statements.record(statement.text);
      return (await pglite.query<Row>(statement.text, statement.values, { parsers })).rows;
    },
  };
}

interface RawQueryClient {
  $queryRawUnsafe<Row>(query: string, ...values: unknown[]): Promise<Row>;
}

/** Through Prisma (e.g. inside a transaction, whose uncommitted rows the driver would not see). */
export function prismaReader(client: RawQueryClient): SqlReader {
  return {
    read<Row>(statement: SqlStatement): Promise<Row[]> {
      return client.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);
    },
  };
}

const readers = new WeakMap<object, SqlReader>();

/** Registers the driver-level reader of a client opened by `openDatabase`. */
export function registerReader(client: object, reader: SqlReader): void {
  readers.set(client, reader);
}

/** The driver-level reader of this client, or one through the client itself. */
export function readerFor(client: RawQueryClient): SqlReader {
  return readers.get(client) ?? prismaReader(client);
}
