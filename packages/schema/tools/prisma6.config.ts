// Configuration for Prisma 6.19's CLI, used only by the migration tooling (new migrations and
// the drift check): its WebAssembly schema engine runs where Prisma 7's native engine cannot
// be downloaded. It connects through @prisma/adapter-pg to PULSE_TOOLING_DATABASE_URL.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma6/config";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => new PrismaPg({ connectionString: process.env.PULSE_TOOLING_DATABASE_URL ?? "" }),
});
