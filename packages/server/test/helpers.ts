// Test helpers: a Pulse server on a real database (PGlite in memory or a fresh PostgreSQL
// database made for the test), with workspaces created through the same code as production.
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { seedDemoWorkspace } from "../src/seed/demo.ts";
import { type CreatedWorkspace, createWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";

export type DatabaseKind = "pglite" | "postgres";
export const DATABASE_KINDS: DatabaseKind[] = ["pglite", "postgres"];

export interface TestContext {
  database: Database;
  yoga: PulseYoga;
  close(): Promise<void>;
}

export async function openTestDatabase(
  kind: DatabaseKind,
  label = "server",
): Promise<{ database: Database; drop(): Promise<void> }> {
  if (kind === "pglite") {
    const database = await openDatabase({ dataDir: ":memory:" });
    return { database, drop: () => database.close() };
  }
  const pg: TestDatabase = await createTestDatabase(label);
  const database = await openDatabase({ url: pg.url, poolSize: 4 });
  return {
    database,
    async drop() {
      await database.close();
      await pg.drop();
    },
  };
}

/** A test database holding the demo workspace as of `today`, with its secret key. */
export async function openDemoDatabase(
  kind: DatabaseKind,
  label: string,
  options: { accounts: number; today: Date },
): Promise<{ database: Database; drop(): Promise<void>; key: string; workspaceId: string }> {
  const { database, drop } = await openTestDatabase(kind, label);
  const seeded = await seedDemoWorkspace(database.prisma, options);
  return { database, drop, key: seeded.secretKey, workspaceId: seeded.workspaceId };
}

export async function createTestContext(kind: DatabaseKind, label?: string): Promise<TestContext> {
  const { database, drop } = await openTestDatabase(kind, label);
  return { database, yoga: createPulseYoga({ database }), close: drop };
}

export async function newWorkspace(database: Database, slug: string): Promise<CreatedWorkspace> {
  return createWorkspace(database.prisma, { name: `Workspace ${slug}`, slug });
}

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  data?: Data;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Sends one GraphQL request through `yoga.fetch` (in-process) or to a URL (real HTTP). */
export async function graphql<Data = Record<string, unknown>>(
  target: PulseYoga | string,
  key: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<Data>> {
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  };
  const response =
    typeof target === "string"
      ? await fetch(`${target}/graphql`, init)
      : await target.fetch("http://pulse.test/graphql", init);
  const body = (await response.json()) as Omit<GraphQLResult<Data>, "status">;
  return { status: response.status, ...body };
}

export async function startTestServer(database: Database): Promise<StartedServer> {
  return startHttpServer({ database, port: 0, host: "127.0.0.1" });
}
