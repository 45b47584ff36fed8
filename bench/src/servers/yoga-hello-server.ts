// Y's middle point: graphql-yoga alone (one-field schema, no key check, no database) answering
// `{ __typename }`, to split Pulse's overhead into the framework's and Pulse's own.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import { serveChild } from "./child.ts";

await serveChild(async () => {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: false,
    logging: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    statements: () => 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
