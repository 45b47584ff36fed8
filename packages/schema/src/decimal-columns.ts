// The precision and scale of every Decimal column, read from the Prisma schema itself: input
// checks compare against what the column stores, so a value PostgreSQL would round (0.00001
// into Decimal(6, 4) is 0) is refused instead, and a new Decimal column is covered by the rule.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Decimal } from "decimal.js";

export interface DecimalColumn {
  model: string;
  field: string;
  /** Total significant digits. */
  precision: number;
  /** Digits after the decimal point. */
  scale: number;
}

const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), "..", "prisma", "schema.prisma");

/** Every `Decimal @db.Decimal(p, s)` field of the schema text, by model. */
export function parseDecimalColumns(schema: string): DecimalColumn[] {
  const columns: DecimalColumn[] = [];
  let model: string | null = null;
  for (const line of schema.split("\n")) {
    const start = /^model\s+(\w+)\s*\{/.exec(line);
    if (start) {
      model = start[1] ?? null;
      continue;
    }
    if (/^\}/.test(line)) {
      model = null;
      continue;
    }
    const field = /^\s+(\w+)\s+Decimal\??\s.*@db\.Decimal\((\d+),\s*(\d+)\)/.exec(line);
    if (model && field) {
      columns.push({
        model,
        field: field[1] as string,
        precision: Number(field[2]),
        scale: Number(field[3]),
      });
    }
  }
  return columns;
}

let cached: DecimalColumn[] | null = null;

export function decimalColumns(): DecimalColumn[] {
  cached ??= parseDecimalColumns(readFileSync(SCHEMA_PATH, "utf8"));
  return cached;
}

export function decimalColumn(model: string, field: string): DecimalColumn {
  const column = decimalColumns().find((c) => c.model === model && c.field === field);
  if (!column)
    throw new Error(`${model}.${field} is not a Decimal column with a declared precision and scale`);
  return column;
}

/**
 * Why `value` cannot be stored exactly in the column (null when it can): more decimals than the
 * scale, or more integer digits than precision − scale.
 */
export function decimalColumnProblem(column: DecimalColumn, value: Decimal): string | null {
  if (!value.isFinite()) return "must be a finite number";
  if (value.decimalPlaces() > column.scale) {
    return `must have at most ${column.scale} decimal places (it is stored with ${column.scale}; ${value.toString()} would be stored as ${value.toDecimalPlaces(column.scale, Decimal.ROUND_HALF_UP).toFixed(column.scale)})`;
  }
  const integerDigits = column.precision - column.scale;
  if (value.abs().gte(new Decimal(10).pow(integerDigits))) {
    return `must be less than ${new Decimal(10).pow(integerDigits).toFixed()} in absolute value`;
  }
  return null;
}
