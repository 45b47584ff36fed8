import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// graphql 16 ships CommonJS (`main`) and ESM (`module`) builds. Node (and so graphql-yoga,
// loaded from node_modules) takes the CommonJS one, while Vite's resolver would take the ESM
// one for our sources: two GraphQLError classes, and Yoga would mask our typed errors. Pin
// every import of "graphql" to the build Node uses.
const requireFromServer = createRequire(
  fileURLToPath(new URL("./packages/server/package.json", import.meta.url)),
);

export const singleGraphqlInstance = [
  { find: /^graphql$/, replacement: requireFromServer.resolve("graphql") },
];
