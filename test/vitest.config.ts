import { defineProject } from "vitest/config";
import { singleGraphqlInstance } from "../vitest.shared.ts";

export default defineProject({
  resolve: { alias: singleGraphqlInstance },
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 180_000,
    globalSetup: ["./global-setup.ts"],
    hookTimeout: 180_000,
  },
});
