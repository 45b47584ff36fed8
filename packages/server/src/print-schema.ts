// Writes schema.graphql from the code (`pnpm --filter @pulse/server print-schema`). The file is
// committed; a test fails when it drifts from the code.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./graphql/index.ts";

export const schemaFile = join(dirname(fileURLToPath(import.meta.url)), "..", "schema.graphql");

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(schemaFile, printedSchema());
  console.log(`wrote ${schemaFile}`);
}
