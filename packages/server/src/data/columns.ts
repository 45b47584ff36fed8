// The column rules of every statement in data/, written once. A request's reader coalesces the
// reads that start together into one statement whose rows come back as JSON (see
// packages/schema/src/sql-reader.ts), and JSON has no timestamp, numeric or uuid type, so every
// statement read here follows these rules, whichever reader runs it:
// - timestamps are selected `AT TIME ZONE 'UTC'` (`utcColumn`: an exact instant in JSON and as a
//   column alike) and read back with `instant()`;
// - uuids, enums, text that may be compared as text, numerics and bigints are selected as text
//   (`textColumn`); decimals stay strings (money is never a float), counts are cast `::int`;
// - dates come back as `YYYY-MM-DD` (JSON) or a UTC-midnight Date (the driver): `instant()` reads both.
// Fact loaders that answer with whole model rows select `factColumns(model)`: derived from the
// Prisma model itself, so a field added to a model or exposed on its GraphQL type can never be
// missing from a loader's rows (test/fact-loaders.test.ts compares every such field with `node(id:)`).
import type { SqlStatement } from "@pulse/schema/database";
import { getDatamodel } from "@pulse/schema/pothos-types";

/** A fragment of SQL text with no values (column names from code, never from a request). */
function fragment(text: string): SqlStatement {
  return { text, values: [], parts: [text] };
}

/** `<column> AT TIME ZONE 'UTC' AS "<as>"`: a timestamp column, read back with `instant()`. */
export function utcColumn(column: string, as: string): SqlStatement {
  return fragment(`${column} AT TIME ZONE 'UTC' AS "${as}"`);
}

/** `<column>::text AS "<as>"`: a uuid, enum, numeric or bigint column as text. */
export function textColumn(column: string, as: string): SqlStatement {
  return fragment(`${column}::text AS "${as}"`);
}

/** The `"accountId"` of a fact row, as text (rows are grouped by it). */
export const ACCOUNT_ID = textColumn('"accountId"', "accountId");

/** A timestamp or date read by the rules above (an ISO string from JSON, or a Date from the driver). */
export function instant(value: string | Date): Date {
  return new Date(value);
}

/** As `instant`, for a nullable column. */
export function optionalInstant(value: string | Date | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value);
}

/** A numeric column read as text (e.g. a snapshot's score), as a number; null stays null. */
export function optionalNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/** Rows of many accounts, grouped by account in the order of `ids` (an empty list for none). */
export function groupByAccount<Row extends { accountId: string }, Value>(
  ids: readonly string[],
  rows: Row[],
  map: (row: Row) => Value,
): Value[][] {
  const byAccount = new Map<string, Value[]>(ids.map((id) => [id, []]));
  for (const row of rows) byAccount.get(row.accountId)?.push(map(row));
  return ids.map((id) => byAccount.get(id) ?? []);
}

interface ModelField {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
}

type Row = Record<string, unknown>;

export interface FactColumns {
  /** The SELECT list (and "accountId"), each column cast so the driver returns it as Prisma types it. */
  select: SqlStatement;
  /** Turns a driver row into the model's row (timestamps become Dates; decimals stay strings). */
  parse(row: Row): Row;
}

const cache = new Map<string, FactColumns>();

function scalarFields(model: string): ModelField[] {
  const models = (
    getDatamodel() as unknown as {
      datamodel: { models: Record<string, { fields: ModelField[] } | undefined> };
    }
  ).datamodel.models;
  const found = models[model];
  if (!found) throw new Error(`${model} is not a model of the Prisma schema`);
  return found.fields.filter((field) => field.kind === "scalar" || field.kind === "enum");
}

function columnExpression(field: ModelField, alias: string): string {
  const column = `${alias}."${field.name}"`;
  if (field.type === "DateTime") return utcColumn(column, field.name).text;
  // uuids, enums and numerics as text: every driver returns text the same way.
  if (
    field.kind === "enum" ||
    field.type === "String" ||
    field.type === "Decimal" ||
    field.type === "BigInt"
  ) {
    return textColumn(column, field.name).text;
  }
  return `${column} AS "${field.name}"`;
}

/** Every scalar column of `model` (read from table alias `alias`). */
export function factColumns(model: string, alias = model.charAt(0).toLowerCase()): FactColumns {
  const key = `${model}|${alias}`;
  let columns = cache.get(key);
  if (!columns) {
    const fields = scalarFields(model);
    if (!fields.some((field) => field.name === "accountId"))
      throw new Error(`${model} has no accountId: not a fact of an account`);
    // Column names come from the Prisma schema, never from a request: safe to splice as text.
    const text = fields.map((field) => columnExpression(field, alias)).join(", ");
    const dates = fields.filter((field) => field.type === "DateTime").map((field) => field.name);
    columns = {
      select: fragment(text),
      parse(row) {
        const parsed: Row = { ...row };
        for (const name of dates) {
          parsed[name] = optionalInstant(row[name] as string | Date | null | undefined);
        }
        return parsed;
      },
    };
    cache.set(key, columns);
  }
  return columns;
}
