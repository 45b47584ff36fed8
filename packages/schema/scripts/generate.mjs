// Generates the Prisma client and the Pothos types without Prisma's engine download.
// `prisma generate` never uses the native schema engine, but the CLI tries to fetch it
// first unless PRISMA_SCHEMA_ENGINE_BINARY points at an existing file. The variable is set
// for this child process only, so `prisma migrate deploy` elsewhere still finds the real engine.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = join(root, "node_modules", ".cache", "prisma-engine-placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(dirname(placeholder), { recursive: true });
  writeFileSync(placeholder, "placeholder: prisma generate does not run the schema engine\n");
}
const prismaCli = join(root, "node_modules", "prisma", "build", "index.js");
const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    // The Pothos generator is found by its bin name, as under `pnpm run`.
    PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
if (result.error) console.error(result.error);
process.exit(result.status ?? 1);
