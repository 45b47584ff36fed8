import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema, schemaFile } from "../src/print-schema.ts";

describe("schema.graphql", () => {
  it("is the schema the code defines (run `pnpm --filter @pulse/server print-schema` after changing the API)", () => {
    expect(readFileSync(schemaFile, "utf8")).toBe(printedSchema());
  });
});
