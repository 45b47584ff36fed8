// One fresh context per request: the authenticated workspace, the Prisma client, the request's
// clock and its dataloaders (created lazily, so a request pays only for what it uses).
import type { Database } from "@pulse/schema/database";
import type { PrismaClient } from "@pulse/schema/prisma";
import { GraphQLError } from "graphql";
import type { YogaInitialContext } from "graphql-yoga";
import type { AuthenticatedKey } from "./auth/api-keys.ts";
import { authenticatedKey } from "./plugins/use-api-key-auth.ts";

export interface Context {
  prisma: PrismaClient;
  database: Database;
  auth: AuthenticatedKey;
  /** The workspace every query and mutation of this request is scoped to. */
  workspaceId: string;
  /** One clock reading per request, so every metric of a response uses the same "now". */
  now: Date;
}

export interface ServerContext {
  database: Database;
}

export function createContext(initial: YogaInitialContext & ServerContext): Context {
  const auth = authenticatedKey(initial.request);
  if (!auth) {
    // useApiKeyAuth answers 401 before this point; reaching here is a wiring bug.
    throw new GraphQLError("Request was not authenticated.", { extensions: { code: "UNAUTHENTICATED" } });
  }
  return {
    prisma: initial.database.prisma,
    database: initial.database,
    auth,
    workspaceId: auth.workspaceId,
    now: new Date(),
  };
}
