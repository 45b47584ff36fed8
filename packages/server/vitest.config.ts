import { defineProject } from "vitest/config";
import { singleGraphqlInstance } from "../../vitest.shared.ts";

export default defineProject({
  resolve: { alias: singleGraphqlInstance },
  test: {
    name: "server",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
