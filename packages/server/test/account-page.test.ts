// The name-ordered accounts page is read through the database driver when the selection needs no
// relation, and through Prisma's client when it does. Both must give exactly what Prisma's own
// read gives: same accounts, order, keyset pages and columns, for every base filter (including
// search text with LIKE wildcards and mixed case) and both directions, on PGlite and PostgreSQL.
// The third strategy, a derived order cut from the workspace-wide index, must match the same
// accounts and count for every filter too (one filter, data/accounts.ts, for all of them).
import type { Database } from "@pulse/schema/database";
import type { Prisma } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const FIELDS =
  "id externalId name segment plan seats csmOwner lifecycleStage signedUpAt firstValueAt churnedAt";

interface Filter {
  segment?: string[];
  plan?: string[];
  csmOwner?: string[];
  lifecycleStage?: string[];
  search?: string;
}

interface Page {
  edges: { cursor: string; node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe.each(DATABASE_KINDS)("accounts page by name on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let workspaceId: string;

  beforeAll(async () => {
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "page", {
      accounts: 40,
      today: NOW,
    }));
    // Names that LIKE would treat as patterns, mixed case, and equal names (the keyset's id part).
    const odd = [
      "100% Cotton",
      "Under_score Ltd",
      "Back\\slash AG",
      "ACME corp",
      "acme Corp",
      "Twin",
      "Twin",
      "Twin",
    ];
    await database.prisma.account.createMany({
      data: odd.map((name, index) => ({
        workspaceId,
        externalId: `odd-${index}`,
        name,
        segment: index % 2 ? "SMB" : "Enterprise",
        plan: index % 3 ? "Growth" : null,
        signedUpAt: new Date("2026-01-01T00:00:00Z"),
        lifecycleStage: index % 2 ? "ADOPTION" : "ONBOARDING",
      })),
    });
    yoga = createPulseYoga({ database, clock: () => NOW });
  });

  afterAll(async () => {
    await drop(); // closes the database too
  });

  /** Every page of the connection, `first` at a time, following the cursors. */
  async function pages(filter: Filter, direction: "ASC" | "DESC", fields = FIELDS, order = "NAME") {
    const nodes: Record<string, unknown>[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard += 1) {
      const result = await graphql<{ accounts: Page }>(
        yoga,
        key,
        `query($filter: AccountFilter, $after: String, $direction: OrderDirection, $order: AccountOrderField!) {
          accounts(first: 7, after: $after, filter: $filter, orderBy: { field: $order, direction: $direction }) {
            edges { cursor node { ${fields} } } pageInfo { hasNextPage endCursor }
          }
        }`,
        { filter, after, direction, order },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data?.accounts as Page;
      nodes.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
    throw new Error("too many pages");
  }

  /** What Prisma's client reads for the same filter and order, shaped as the API answers. */
  async function expected(filter: Filter, direction: "ASC" | "DESC") {
    const where: Prisma.AccountWhereInput = { workspaceId };
    if (filter.segment) where.segment = { in: filter.segment };
    if (filter.plan) where.plan = { in: filter.plan };
    if (filter.csmOwner) where.csmOwner = { in: filter.csmOwner };
    if (filter.lifecycleStage) where.lifecycleStage = { in: filter.lifecycleStage as never };
    if (filter.search) {
      const literal = filter.search.replace(/[\\%_]/g, "\\$&");
      where.OR = [
        { name: { contains: literal, mode: "insensitive" } },
        { externalId: { contains: literal, mode: "insensitive" } },
      ];
    }
    const order = direction === "ASC" ? "asc" : "desc";
    const rows = await database.prisma.account.findMany({ where, orderBy: [{ name: order }, { id: order }] });
    return rows.map((row) => ({
      id: Buffer.from(`Account:${row.id}`).toString("base64"),
      externalId: row.externalId,
      name: row.name,
      segment: row.segment,
      plan: row.plan,
      seats: row.seats,
      csmOwner: row.csmOwner,
      lifecycleStage: row.lifecycleStage,
      signedUpAt: row.signedUpAt.toISOString(),
      firstValueAt: row.firstValueAt?.toISOString() ?? null,
      churnedAt: row.churnedAt?.toISOString() ?? null,
    }));
  }

  const filters: [string, Filter][] = [
    ["no filter", {}],
    ["segment", { segment: ["SMB"] }],
    ["plan and lifecycle stage", { plan: ["Growth"], lifecycleStage: ["ADOPTION", "ONBOARDING"] }],
    ["search with a %", { search: "100%" }],
    ["search with an _", { search: "r_s" }],
    ["search with a backslash", { search: "k\\s" }],
    ["search in any case", { search: "acme CORP" }],
    ["search by external id", { search: "ODD-1" }],
    ["equal names", { search: "twin" }],
  ];

  it.each(filters)("gives Prisma's accounts, order and columns: %s", async (_name, filter) => {
    for (const direction of ["ASC", "DESC"] as const) {
      const want = await expected(filter, direction);
      expect(want.length).toBeGreaterThan(0);
      expect(await pages(filter, direction)).toEqual(want);
    }
  });

  it.each(filters)("gives the same accounts and count through every strategy: %s", async (_name, filter) => {
    const want = (await expected(filter, "ASC")).map((node) => node.id).sort();
    const relation = "id contacts(first: 1) { edges { node { id } } }";
    const strategies = {
      driver: await pages(filter, "ASC", "id"),
      prisma: await pages(filter, "ASC", relation),
      derived: await pages(filter, "ASC", "id", "SIGNED_UP_AT"),
      derivedWithRelation: await pages(filter, "DESC", relation, "SIGNED_UP_AT"),
    };
    for (const [strategy, nodes] of Object.entries(strategies)) {
      expect(nodes.map((node) => node.id).sort(), strategy).toEqual(want);
    }
    for (const order of ["NAME", "SIGNED_UP_AT"]) {
      const result = await graphql<{ accounts: { totalCount: number } }>(
        yoga,
        key,
        `query($filter: AccountFilter, $order: AccountOrderField!) {
          accounts(first: 1, filter: $filter, orderBy: { field: $order }) { totalCount }
        }`,
        { filter, order },
      );
      expect(result.data?.accounts.totalCount, order).toBe(want.length);
    }
  });

  it("counts the csmOwner filter the same way", async () => {
    const owner = (
      await database.prisma.account.findFirst({ where: { workspaceId, csmOwner: { not: null } } })
    )?.csmOwner;
    expect(owner).toBeTruthy();
    const filter = { csmOwner: [owner as string] };
    expect(await pages(filter, "ASC")).toEqual(await expected(filter, "ASC"));
    const ids = (await expected(filter, "ASC")).map((node) => node.id).sort();
    expect((await pages(filter, "ASC", "id", "SIGNED_UP_AT")).map((node) => node.id).sort()).toEqual(ids);
  });

  it("reads through the driver for columns only, and through Prisma when a relation is asked for", async () => {
    const before = database.statements.count;
    await pages({ search: "twin" }, "ASC", "id name");
    const scalarStatements = database.statements.count - before;
    const middle = database.statements.count;
    const withRelation = await pages(
      { search: "twin" },
      "ASC",
      "id name contacts(first: 1) { edges { node { id } } }",
    );
    expect(withRelation.map((node) => node.name)).toEqual(["Twin", "Twin", "Twin"]);
    expect(scalarStatements).toBe(1);
    expect(database.statements.count - middle).toBeGreaterThanOrEqual(1);
  });
});
