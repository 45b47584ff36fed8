// Queries run compiled (graphql-jit) by default. Their answers must be exactly graphql-js's:
// the same data, the same errors (messages, codes, paths) and the same HTTP status, for every
// query shape Pulse has — literals and variables, list coercion from a single value, enums,
// nested inputs, nulls and defaults, fragments, aliases, directives, bad arguments and cursors.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

const ACCOUNT_FIELDS = `
  id externalId name segment plan seats csmOwner lifecycleStage signedUpAt firstValueAt churnedAt
  health { score band trend used missing components { key weight rawWeight value used } }
  risk { atRisk reasons { code message } }
  nps { score promoters passives detractors responses }
  csat { score average responses } ces { score easyShare responses }
  usage { activeUsers seatUtilization loginsPerActiveUserPerWeek averageSessionMinutes stickiness featureAdoption features { key count } }
  timeToFirstValue milestones { defined achieved progress stalled }
  sentiment { latest { rating note createdAt } history { rating } }
  businessReviews { heldAt executivesAttended outcome } ebrEngagement { reviewsInTrailingYear upShare lastReviewAt }
  mrr { amount currency } arr { amount } lifetimeValue { value { amount } lifetimeMonths monthlyChurn }
  contracts { startsAt endsAt value renewalOutcome } nextRenewal { endsAt renewalOutcome }
  healthHistory { day score band }
  contacts(first: 2) { edges { cursor node { externalId name isExecutive } } pageInfo { hasNextPage endCursor } }
  surveyResponses(first: 2) { edges { node { score kind } } }
  supportTickets(first: 2) { edges { node { priority } } }
  usageEvents(first: 2) { edges { node { kind } } }`;

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const CASES: Case[] = [
  {
    name: "the dashboard page",
    query: `{ accounts(first: 20) { totalCount edges { cursor node { ${ACCOUNT_FIELDS} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
  },
  {
    name: "variables, a list given as one value, enums and nested input",
    query: `query Q($filter: AccountFilter, $order: AccountOrder, $first: Int) {
      accounts(first: $first, filter: $filter, orderBy: $order) { totalCount edges { node { externalId health { score band } } } } }`,
    variables: {
      first: 10,
      filter: { segment: "Enterprise", lifecycleStage: "ACTIVE" },
      order: { field: "HEALTH", direction: "DESC" },
    },
  },
  {
    name: "literal inputs, a list given as one value, booleans and ints",
    query: `{ accounts(first: 5, filter: { plan: "Growth", atRisk: false, renewalWithinDays: 365, search: "a" }, orderBy: { field: MRR }) {
      edges { node { externalId mrr { amount } } } } }`,
  },
  {
    name: "band filter and every order",
    query: `{ a: accounts(first: 3, filter: { band: [GREEN, RED] }, orderBy: { field: NPS, direction: ASC }) { edges { node { externalId } } }
      b: accounts(first: 3, orderBy: { field: RENEWAL_DATE }) { edges { node { externalId } } }
      c: accounts(first: 3, orderBy: { field: SIGNED_UP_AT, direction: DESC }) { edges { node { externalId } } } }`,
  },
  {
    name: "periods as variables and literals, with nulls and defaults",
    query: `query P($period: PeriodInput, $none: PeriodInput) { accounts(first: 5) { edges { node {
      nps(period: $period) { score responses } csat(period: $none) { score } usage(period: { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" }) { activeUsers }
      healthHistory(period: $period) { day } } } } }`,
    variables: { period: { from: "2026-03-01T00:00:00Z", to: "2026-06-15T00:00:00Z" }, none: null },
  },
  {
    name: "fragments, inline fragments, aliases and directives",
    query: `query F($skip: Boolean!, $include: Boolean!) { accounts(first: 4) { edges { node { ...Names ... on Account { seats }
        h: health @skip(if: $skip) { score } r: risk @include(if: $include) { atRisk } n: nps @include(if: false) { score } } } } }
      fragment Names on Account { externalId name }`,
    variables: { skip: true, include: true },
  },
  {
    name: "one operation of several, by name",
    query: `query One { workspace { name } } query Two { accounts(first: 2) { edges { node { name } } } } mutation Three { __typename }`,
    operationName: "Two",
  },
  {
    name: "the workspace and its configuration",
    query: `{ workspace { id name slug currency grossMargin lifetimeCapMonths keyFeatures allowedOrigins
      healthScoreConfig { components { key enabled weight } thresholds { green yellow } }
      milestones { key name position targetDays isFirstValue } surveys { key kind question active reaskIntervalDays } } }`,
  },
  {
    name: "the portfolio and a series",
    query: `query P($period: PeriodInput) { portfolio(period: $period) { from to nps { score responses } accountMovements { startingAccounts churnedAccounts endingAccounts newAccounts }
      logoChurnRate netRevenueRetention grossRevenueRetention mrr { amount currency } healthDistribution { green yellow red noData } atRiskCount atRiskAccounts(first: 3) { id name } }
      s: metricSeries(metric: NET_REVENUE_RETENTION, interval: QUARTER, segment: "Enterprise") { from to value } }`,
    variables: { period: { from: "2025-06-15T00:00:00Z", to: "2026-06-15T00:00:00Z" } },
  },
  {
    name: "an account by external id, and one that does not exist",
    query: `{ a: account(externalId: "acc-0003") { ${ACCOUNT_FIELDS} } b: account(externalId: "nobody") { id } }`,
  },
  { name: "a page size over the limit", query: `{ accounts(first: 1000) { edges { node { id } } } }` },
  {
    name: "a cursor that is not one",
    query: `{ accounts(first: 2, after: "not-a-cursor") { edges { node { id } } } }`,
  },
  {
    name: "a period that ends before it starts",
    query: `{ accounts(first: 2) { edges { node { nps(period: { from: "2026-06-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { score } } } } }`,
  },
  {
    name: "a variable of the wrong type",
    query: `query Q($first: Int) { accounts(first: $first) { edges { node { id } } } }`,
    variables: { first: "ten" },
  },
  {
    name: "an unknown enum value in a variable",
    query: `query Q($o: AccountOrder) { accounts(first: 2, orderBy: $o) { edges { node { id } } } }`,
    variables: { o: { field: "COLOR" } },
  },
  {
    name: "an unknown node id",
    query: `{ node(id: "QWNjb3VudDpub3BlCg==") { id } nodes(ids: ["eA==", "QWNjb3VudDpub3BlCg=="]) { id } }`,
  },
];

describe.each(DATABASE_KINDS)("compiled queries on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let key: string;
  let compiled: PulseYoga;
  let interpreted: PulseYoga;

  beforeAll(async () => {
    let workspaceId: string;
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "jit", {
      accounts: 30,
      today: NOW,
    }));
    await recordHealthSnapshots(database, workspaceId, {
      day: new Date(NOW.getTime() - 31 * DAY),
      now: NOW,
    });
    await recordHealthSnapshots(database, workspaceId, { now: NOW });
    compiled = createPulseYoga({ database, clock: () => NOW });
    interpreted = createPulseYoga({ database, clock: () => NOW, compiledQueries: false });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function answer(yoga: PulseYoga, testCase: Case): Promise<{ status: number; body: unknown }> {
    const response = await yoga.fetch("http://pulse.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: testCase.query,
        variables: testCase.variables,
        operationName: testCase.operationName,
      }),
    });
    return { status: response.status, body: await response.json() };
  }

  it.each(CASES)("answers $name exactly as graphql-js does", async (testCase) => {
    // Twice each: the second compiled run reuses the cached compiled query.
    for (let round = 0; round < 2; round++) {
      const expected = await answer(interpreted, testCase);
      expect(await answer(compiled, testCase)).toEqual(expected);
    }
  });

  it("answers node lookups of real ids exactly as graphql-js does", async () => {
    const page = await answer(interpreted, {
      name: "ids",
      query: "{ accounts(first: 3) { edges { node { id contacts(first: 1) { edges { node { id } } } } } } }",
    });
    const edges = (
      page.body as {
        data: {
          accounts: { edges: { node: { id: string; contacts: { edges: { node: { id: string } }[] } } }[] };
        };
      }
    ).data.accounts.edges;
    const ids = edges.flatMap((edge) => [
      edge.node.id,
      ...edge.node.contacts.edges.map((contact) => contact.node.id),
    ]);
    expect(ids.length).toBeGreaterThan(3);
    const lookup: Case = {
      name: "nodes",
      query: `query N($ids: [ID!]!, $id: ID!) { nodes(ids: $ids) { id ... on Account { name health { band } } ... on Contact { externalId account { name } } } node(id: $id) { id } }`,
      variables: { ids, id: ids[0] },
    };
    const expected = await answer(interpreted, lookup);
    expect((expected.body as { data?: unknown }).data).toBeTruthy();
    expect(await answer(compiled, lookup)).toEqual(expected);
  });

  it("leaves mutations to graphql-js (the same answer for a list argument)", async () => {
    const mutation: Case = {
      name: "update",
      query: `mutation U($features: [String!]) { updateWorkspace(input: { keyFeatures: $features }) {
        ... on MutationUpdateWorkspaceSuccess { data { keyFeatures } } ... on ValidationError { message } } }`,
      variables: { features: "reports" },
    };
    const first = await answer(compiled, mutation);
    expect(first.body).toEqual({ data: { updateWorkspace: { data: { keyFeatures: ["reports"] } } } });
    expect(await answer(interpreted, mutation)).toEqual(first);
  });
});
