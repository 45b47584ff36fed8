// `nodes(ids:)`: at most 100 ids; an unknown or foreign id is a null entry with a NOT_FOUND error
// at its path while the others answer (and `node(id:)` of one is null with the same error); and
// list sizes count in the cost limit — `first`/`last` and list arguments multiply what is under
// them, whether written literally or sent as variables. Compiled and interpreted alike.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

describe.each(DATABASE_KINDS)("nodes and list costs on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let acme: CreatedWorkspace;
  let servers: PulseYoga[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "nodes"));
    acme = await newWorkspace(database, "acme");
    const other = await newWorkspace(database, "other");
    const mine = await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "a1",
        name: "Mine",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    const second = await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "a2",
        name: "Second",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    const foreign = await database.prisma.account.create({
      data: {
        workspaceId: other.workspaceId,
        externalId: "a1",
        name: "Foreign",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    ids.mine = globalId("Account", mine.id);
    ids.second = globalId("Account", second.id);
    ids.foreign = globalId("Account", foreign.id);
    ids.unknown = globalId("Account", "00000000-0000-4000-8000-00000000dead");
    servers = [createPulseYoga({ database }), createPulseYoga({ database, compiledQueries: false })];
  });
  afterAll(async () => {
    await drop?.();
  });

  const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { name } } }`;

  it("answers an unknown or foreign id as a null entry with its own error, the others as usual", async () => {
    for (const yoga of servers) {
      const answer = await graphql<{ nodes: ({ name: string } | null)[] }>(yoga, acme.secretKey, NODES, {
        ids: [ids.mine, ids.unknown, ids.second, ids.foreign],
      });
      expect(answer.data?.nodes).toEqual([
        { id: ids.mine, name: "Mine" },
        null,
        { id: ids.second, name: "Second" },
        null,
      ]);
      const errors = (answer.errors ?? []) as {
        path?: (string | number)[];
        extensions?: { code?: string };
      }[];
      expect(errors.map((error) => [error.path, error.extensions?.code])).toEqual([
        [["nodes", 1], "NOT_FOUND"],
        [["nodes", 3], "NOT_FOUND"],
      ]);
      expect(JSON.stringify(answer)).not.toContain("Foreign");
      const one = await graphql<{ node: null }>(
        yoga,
        acme.secretKey,
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: ids.unknown },
      );
      expect(one.data).toEqual({ node: null });
      expect(one.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
  });

  it("takes at most 100 ids, and refuses 16,000 at once", async () => {
    for (const yoga of servers) {
      const hundred = await graphql<{ nodes: unknown[] }>(yoga, acme.secretKey, NODES, {
        ids: Array.from({ length: 100 }, () => ids.mine),
      });
      expect(hundred.errors).toBeUndefined();
      expect(hundred.data?.nodes).toHaveLength(100);
      const tooMany = await graphql(yoga, acme.secretKey, NODES, {
        ids: Array.from({ length: 101 }, () => ids.mine),
      });
      expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(tooMany.errors?.[0]?.message).toBe("nodes takes at most 100 ids (got 101).");
      const started = Date.now();
      const flood = await graphql(
        yoga,
        acme.secretKey,
        `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { name segment } } }`,
        {
          ids: Array.from({ length: 16_000 }, () => ids.mine),
        },
      );
      expect(["BAD_USER_INPUT", "QUERY_TOO_COMPLEX"]).toContain(flood.errors?.[0]?.extensions?.code);
      expect(flood.data ?? null).toBeNull();
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });

  it("counts page sizes in the cost, from literals and from variables alike", async () => {
    const nested = (first: string) =>
      `query($first: Int) { accounts(first: ${first}) { edges { node { name contacts(first: ${first}) { edges { node { name } } } } } } }`;
    for (const yoga of servers) {
      for (const [query, variables] of [
        [nested("100"), {}],
        [nested("$first"), { first: 100 }],
      ] as const) {
        const refused = await graphql(yoga, acme.secretKey, query, variables);
        expect(refused.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
        expect(refused.errors?.[0]?.message).toMatch(/cost limit of 20000 exceeded/i);
        expect(refused.data ?? null).toBeNull();
      }
      const small = await graphql(yoga, acme.secretKey, nested("$first"), { first: 5 });
      expect(small.errors).toBeUndefined();
      expect(small.data).toBeTruthy();
    }
  });
});
