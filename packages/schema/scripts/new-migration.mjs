// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the schema as it was
// at a git revision (default HEAD, whose migrations the drift test proves equal to its schema)
// to the schema in the working tree.
// Usage: pnpm --filter @pulse/schema migration:new <name> [--from <git-rev>|--from-empty]
// Needs a live PostgreSQL for Prisma's engine: PULSE_TOOLING_DATABASE_URL or
// postgresql://postgres@127.0.0.1:5432/postgres.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { diffSchemas, readSchemaText } from "../tools/schema-diff.mjs";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: migration:new <snake_case_name> [--from <git-rev>|--from-empty]");
  process.exit(2);
}
const fromIndex = args.indexOf("--from");
const rev = fromIndex >= 0 ? args[fromIndex + 1] : "HEAD";
const fromSchemaText = args.includes("--from-empty")
  ? null
  : execFileSync("git", ["show", `${rev}:./prisma/schema.prisma`], { cwd: packageRoot, encoding: "utf8" });
const sql = diffSchemas({
  fromSchemaText,
  toSchemaText: readSchemaText(),
  databaseUrl: process.env.PULSE_TOOLING_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
});
if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
  console.log("schema.prisma matches the migrations: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = join(packageRoot, "prisma", "migrations", `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, "migration.sql"), sql);
console.log(`wrote ${folder}/migration.sql`);
