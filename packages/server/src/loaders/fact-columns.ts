// The columns a batched fact loader selects, derived from the Prisma model itself: a loader
// answers with whole rows (every scalar column, as `node(id:)` reads them through Prisma), so a
// field added to a model or exposed on its GraphQL type can never be missing from a loader's
// rows. test/fact-loaders.test.ts compares every such field with `node(id:)`.
import type { SqlStatement } from "@pulse/schema/database";
import { getDatamodel } from "@pulse/schema/pothos-types";

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
  if (field.type === "DateTime") return `${column} AT TIME ZONE 'UTC' AS "${field.name}"`;
  // uuids, enums and numerics as text: every driver returns text the same way.
  if (
    field.kind === "enum" ||
    field.type === "String" ||
    field.type === "Decimal" ||
    field.type === "BigInt"
  ) {
    return `${column}::text AS "${field.name}"`;
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
      select: { text, values: [], parts: [text] },
      parse(row) {
        const parsed: Row = { ...row };
        for (const name of dates) {
          const value = row[name];
          parsed[name] = value === null || value === undefined ? null : new Date(value as string | Date);
        }
        return parsed;
      },
    };
    cache.set(key, columns);
  }
  return columns;
}
