// Bulk loading through PostgreSQL COPY (text format): rows are encoded as they are generated and
// streamed in chunks, so a million rows never sit in memory as one string.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Progress, type SeedDeadline } from "./progress.ts";

export type CopyValue = string | number | boolean | Date | null | undefined;

function encode(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === "\\" ? "\\\\" : character === "\t" ? "\\t" : character === "\n" ? "\\n" : "\\r",
  );
}

export interface CopyOptions {
  /** Rows expected (for the progress bar's share); null or absent when not known in advance. */
  expected?: number | null;
  /** Label of the progress bar or lines; no progress is shown without one. */
  label?: string;
  /** Generation stops with a SeedTimeLimitError past it (checked at every chunk). */
  deadline?: SeedDeadline;
}

function* chunks(
  rows: Iterable<CopyValue[]>,
  counter: { rows: number },
  progress: Progress | null,
  options: CopyOptions,
  table: string,
): Generator<string> {
  let buffer = "";
  for (const row of rows) {
    buffer += `${row.map(encode).join("\t")}\n`;
    counter.rows += 1;
    if (buffer.length > 256 * 1024) {
      options.deadline?.check(`the COPY of ${table} (${counter.rows} rows sent)`);
      progress?.update(counter.rows);
      yield buffer;
      buffer = "";
    }
  }
  if (buffer) yield buffer;
}

/** COPYs the rows into `table` and returns how many were sent. */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<CopyValue[]>,
  options: CopyOptions = {},
): Promise<number> {
  const counter = { rows: 0 };
  const progress = options.label ? new Progress(options.label, options.expected ?? null) : null;
  const target = client.query(
    copyFrom(`COPY "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) FROM STDIN`),
  );
  try {
    await pipeline(Readable.from(chunks(rows, counter, progress, options, table)), target);
  } finally {
    progress?.done();
  }
  return counter.rows;
}
