// The Yoga server, testable in-process with `yoga.fetch(...)`. It is a factory (not a module
// constant) because the database is opened at start-up and injected.
import type { Database } from "@pulse/schema/database";
import { createYoga } from "graphql-yoga";
import { type Context, createContext, type ServerContext } from "./context.ts";
import { SnapshotRefresher } from "./health/refresher.ts";
import { useApiKeyAuth } from "./plugins/use-api-key-auth.ts";
import { useKeyScope } from "./plugins/use-key-scope.ts";
import { schema } from "./schema/index.ts";

export interface PulseYogaOptions {
  database: Database;
  /** Headers pre-filled in GraphiQL (the demo puts its secret key here). */
  graphiqlHeaders?: Record<string, string>;
  logging?: boolean;
  /** The clock every request reads once (tests pin it). */
  clock?: () => Date;
  /** Recomputes snapshots after writes; one per database (tests flush it). */
  snapshots?: SnapshotRefresher;
}

export function createPulseYoga(options: PulseYogaOptions) {
  const snapshots = options.snapshots ?? new SnapshotRefresher(options.database.prisma);
  return createYoga<ServerContext, Context>({
    schema,
    context: (initial) => createContext({ ...initial, database: options.database, clock: options.clock, snapshots }),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging: options.logging ?? false,
    graphiql: {
      title: "Pulse",
      headers: options.graphiqlHeaders ? JSON.stringify(options.graphiqlHeaders) : undefined,
      defaultQuery: "{\n  workspace { name }\n  accounts(first: 5) {\n    edges { node { name segment plan } }\n  }\n}\n",
    },
    plugins: [useApiKeyAuth({ database: options.database, graphqlEndpoint: "/graphql" }), useKeyScope()],
  });
}

export type PulseYoga = ReturnType<typeof createPulseYoga>;
