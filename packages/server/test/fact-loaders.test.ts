// Every fact an Account reads through the batched loaders (contracts, nextRenewal, sentiment,
// business reviews, and whatever is added later) must answer each field exactly as `node(id:)`
// does through Prisma. The fields are derived from the GraphQL schema, not listed here, so a
// loader that forgets a column fails, and a new fact type reached from Account is covered.
import type { Database } from "@pulse/schema/database";
import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../src/graphql/index.ts";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { ingestOne } from "./ingest-helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

const isNode = (type: GraphQLObjectType) => type.getInterfaces().some((i) => i.name === "Node");
const hasRequiredArgs = (field: GraphQLField<unknown, unknown>) =>
  field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);

/** Selection of a type's leaves: scalars, enums, and non-node objects made only of leaves (Money). */
function leafSelection(type: GraphQLObjectType): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (hasRequiredArgs(field)) continue;
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(field.name);
    else if (isObjectType(named) && !isNode(named) && !named.name.endsWith("Connection")) {
      const inner = Object.values(named.getFields()).filter((f) => {
        const t = getNamedType(f.type);
        return (isScalarType(t) || isEnumType(t)) && !hasRequiredArgs(f);
      });
      if (inner.length === Object.keys(named.getFields()).length)
        parts.push(`${field.name} { ${inner.map((f) => f.name).join(" ")} }`);
    }
  }
  return parts.join(" ");
}

interface FactPath {
  /** e.g. ["sentiment", "history"] */
  path: string[];
  type: GraphQLObjectType;
}

/** Node-typed fields reachable from Account (one level through a non-node object such as Sentiment), outside connections. */
function factPaths(): FactPath[] {
  const account = schema.getType("Account") as GraphQLObjectType;
  const found: FactPath[] = [];
  const visit = (type: GraphQLObjectType, path: string[]) => {
    for (const field of Object.values(type.getFields())) {
      if (hasRequiredArgs(field)) continue;
      const named = getNamedType(field.type as GraphQLOutputType);
      if (!isObjectType(named) || named.name.endsWith("Connection") || named.name === "Account") continue;
      if (isNode(named)) found.push({ path: [...path, field.name], type: named });
      else if (path.length === 0) visit(named, [field.name]);
    }
  };
  visit(account, []);
  return found;
}

/** The query text selecting `paths` with their leaves (and ids). */
function nestedSelection(paths: FactPath[]): string {
  interface Tree {
    [name: string]: Tree | string;
  }
  const tree: Tree = {};
  for (const { path, type } of paths) {
    let node = tree;
    path.forEach((name, index) => {
      if (index === path.length - 1) node[name] = `id __typename ${leafSelection(type)}`;
      else {
        node[name] ??= {};
        node = node[name] as Tree;
      }
    });
  }
  const render = (node: Tree): string =>
    Object.entries(node)
      .map(([name, child]) =>
        typeof child === "string" ? `${name} { ${child} }` : `${name} { ${render(child)} }`,
      )
      .join(" ");
  return render(tree);
}

function collect(value: unknown, into: Map<string, Record<string, unknown>>) {
  if (Array.isArray(value)) {
    for (const entry of value) collect(entry, into);
  } else if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (
      typeof object.id === "string" &&
      typeof object.__typename === "string" &&
      object.__typename !== "Account"
    )
      into.set(object.id, object);
    for (const child of Object.values(object)) collect(child, into);
  }
}

describe.each(DATABASE_KINDS)("facts through the batched loaders equal node(id:) on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let snapshots: SnapshotRefresher;
  let key: string;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "factloaders"));
    ({ secretKey: key } = await newWorkspace(database, "facts"));
    // Snapshot refreshes run when flushed only, so none outlives the database.
    snapshots = new SnapshotRefresher(database, 3_600_000);
    yoga = createPulseYoga({ database, clock: () => NOW, snapshots });
    const ok = async (mutation: string, inputType: string, input: object) => {
      const result = await ingestOne(yoga, key, mutation, inputType, input);
      expect(result.__typename, `${mutation}: ${JSON.stringify(result)}`).toBe(
        `Mutation${mutation[0]?.toUpperCase()}${mutation.slice(1)}Success`,
      );
    };
    for (const externalId of ["acc-1", "acc-2"]) {
      await ok("upsertAccount", "AccountInput", {
        externalId,
        name: externalId,
        signedUpAt: "2026-01-01",
        seats: 3,
      });
      await ok("upsertContract", "ContractInput", {
        externalId: `${externalId}-c1`,
        accountExternalId: externalId,
        startsAt: "2026-01-01",
        endsAt: "2026-08-01",
        value: "1200.5000",
      });
      await ok("upsertContract", "ContractInput", {
        externalId: `${externalId}-c0`,
        accountExternalId: externalId,
        startsAt: "2025-01-01",
        endsAt: "2026-01-01",
        renewalOutcome: "RENEWED",
      });
      await ok("upsertSentimentEntry", "SentimentEntryInput", {
        externalId: `${externalId}-s1`,
        accountExternalId: externalId,
        rating: "YELLOW",
        note: "Slow rollout",
        author: "ana",
        recordedAt: "2026-06-01T10:00:00Z",
      });
      await ok("upsertBusinessReview", "BusinessReviewInput", {
        externalId: `${externalId}-r1`,
        accountExternalId: externalId,
        heldAt: "2026-03-01",
        executivesAttended: 2,
        outcome: "UP",
        notes: "Expanding",
      });
    }
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  it("finds the fact types from the schema: Contract, SentimentEntry, BusinessReview at least", () => {
    const types = new Set(factPaths().map((fact) => fact.type.name));
    expect([...types]).toEqual(expect.arrayContaining(["Contract", "SentimentEntry", "BusinessReview"]));
    expect(factPaths().map((fact) => fact.path.join("."))).toEqual(
      expect.arrayContaining([
        "contracts",
        "nextRenewal",
        "sentiment.latest",
        "sentiment.history",
        "businessReviews",
      ]),
    );
  });

  it("every field of every fact read in a page of accounts equals the same field through node(id:)", async () => {
    const paths = factPaths();
    const page = await graphql<{ accounts: { edges: { node: unknown }[] } }>(
      yoga,
      key,
      `{ accounts(first: 10) { edges { node { id ${nestedSelection(paths)} } } } }`,
    );
    expect(page.errors).toBeUndefined();
    const objects = new Map<string, Record<string, unknown>>();
    collect(page.data, objects);
    const seen = new Set([...objects.values()].map((object) => object.__typename as string));
    // Each fact type must have been read at least once, so the comparison below is not empty.
    for (const { type } of paths)
      expect(seen, `no ${type.name} was read: give the test data for it`).toContain(type.name);

    const byType = new Map(paths.map((fact) => [fact.type.name, fact.type]));
    const entries = [...objects.entries()];
    const query = `{ ${entries
      .map(([id, object], index) => {
        const type = byType.get(object.__typename as string) as GraphQLObjectType;
        return `n${index}: node(id: ${JSON.stringify(id)}) { id __typename ... on ${type.name} { ${leafSelection(type)} } }`;
      })
      .join(" ")} }`;
    const direct = await graphql<Record<string, Record<string, unknown> | null>>(yoga, key, query);
    expect(direct.errors).toBeUndefined();
    let compared = 0;
    entries.forEach(([id, object], index) => {
      const viaNode = direct.data?.[`n${index}`];
      expect(viaNode, `node(${id})`).toEqual(object);
      compared += Object.keys(object).length;
    });
    expect(compared).toBeGreaterThan(30);
    // The column the contracts loader used to miss.
    const contract = [...objects.values()].find((object) => object.__typename === "Contract");
    expect(contract?.externalId).toMatch(/^acc-\d-c[01]$/);
  });
});
