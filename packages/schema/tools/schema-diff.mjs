// SQL that turns one Prisma schema into another, computed by Prisma 6.19's WebAssembly
// schema engine (see TOOLCHAIN: Prisma 7's CLI needs a native engine we cannot download).
// Prisma 6 wants `url = env(...)` in the datasource while Prisma 7 rejects it, so each
// schema is diffed from a temporary copy with that line added.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const prisma6Cli = join(packageRoot, "node_modules", "prisma6", "build", "index.js");
const config = join(packageRoot, "tools", "prisma6.config.ts");

/** Rewrites a Prisma 7 schema text so that Prisma 6's CLI accepts it. */
function toPrisma6Schema(text) {
  return text
    .replace(/generator\s+pothos\s*\{[^}]*\}/, "")
    .replace(/generator\s+client\s*\{[^}]*\}/, 'generator client {\n  provider = "prisma-client-js"\n}')
    .replace(
      /datasource\s+db\s*\{[^}]*\}/,
      'datasource db {\n  provider = "postgresql"\n  url      = env("PULSE_TOOLING_DATABASE_URL")\n}',
    );
}

/**
 * Runs Prisma 6's CLI with `args` in a scratch folder holding a Prisma-6 copy of each schema in
 * `schemas` (file name → Prisma 7 schema text) and a copy of the committed migrations.
 * `databaseUrl` must reach a live PostgreSQL: the engine connects through the adapter.
 */
export function runPrisma6({ args, schemas = {}, databaseUrl }) {
  const work = mkdtempSync(join(tmpdir(), "pulse-prisma6-"));
  try {
    const placeholder = join(work, "engine-placeholder");
    writeFileSync(placeholder, "placeholder\n");
    for (const [name, text] of Object.entries(schemas))
      writeFileSync(join(work, name), toPrisma6Schema(text));
    cpSync(join(packageRoot, "prisma", "migrations"), join(work, "migrations"), { recursive: true });
    const resolved = args.map((arg) => (arg in schemas ? join(work, arg) : arg));
    const result = spawnSync(process.execPath, [prisma6Cli, ...resolved, "--config", config], {
      cwd: packageRoot,
      encoding: "utf8",
      env: {
        ...process.env,
        PULSE_TOOLING_DATABASE_URL: databaseUrl,
        PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
        PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`prisma ${args.join(" ")} failed (${result.status}): ${result.stderr}${result.stdout}`);
    }
    return result.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The SQL script from `fromSchemaText` (null = empty database) to `toSchemaText`. */
export function diffSchemas({ fromSchemaText, toSchemaText, databaseUrl }) {
  const from = fromSchemaText === null ? ["--from-empty"] : ["--from-schema-datamodel", "from.prisma"];
  const schemas = { "to.prisma": toSchemaText };
  if (fromSchemaText !== null) schemas["from.prisma"] = fromSchemaText;
  return runPrisma6({
    args: ["migrate", "diff", "--script", ...from, "--to-schema-datamodel", "to.prisma"],
    schemas,
    databaseUrl,
  });
}

export function readSchemaText(path = join(packageRoot, "prisma", "schema.prisma")) {
  return readFileSync(path, "utf8");
}
