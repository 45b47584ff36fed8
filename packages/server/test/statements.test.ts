// The exact SQL statements of each representative request, as a committed snapshot (the way
// Pothos' own tests pin theirs): an N+1, an extra read or a changed query shape shows up as a diff
// of __snapshots__/statements.txt, and the count per request is asserted exactly. Both databases
// send the same statements. Update the snapshot deliberately (`vitest run -u`) and say why in the
// commit. Values are not part of it: only the statement texts, with their placeholders.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

/** Representative requests and the number of statements each costs. */
const REQUESTS: { name: string; query: string; statements: number }[] = [
  {
    name: "dashboard page",
    // Its accounts with the settings; all of their facts. (Every account's revenue events, behind
    // lifetime value's workspace churn, come from the server's portfolio cache while unchanged.)
    statements: 2,
    query: `query Dashboard($first: Int!) { accounts(first: $first) { edges { node {
      id externalId name seats
      health { score band trend used missing components { key weight value used } }
      risk { atRisk reasons { code message } }
      nps { score promoters passives detractors responses } csat { score average responses } ces { score easyShare responses }
      usage { activeUsers seatUtilization loginsPerActiveUserPerWeek averageSessionMinutes stickiness featureAdoption features { key count } }
      timeToFirstValue milestones { defined achieved progress stalled }
      sentiment { latest { rating createdAt } } ebrEngagement { reviewsInTrailingYear upShare lastReviewAt }
      mrr { amount currency } arr { amount } lifetimeValue { value { amount } lifetimeMonths }
      nextRenewal { endsAt renewalOutcome } healthHistory { day score }
    } } } }`,
  },
  {
    name: "account detail",
    // The account; its contacts; its tickets; the settings with its facts; then its usage (read
    // once the settings say which features count).
    statements: 5,
    query: `query Account($first: Int!) { account(externalId: "acct_0003") {
      name health { score band trend components { key value used } } risk { atRisk reasons { code } }
      nps { score } usage { activeUsers } mrr { amount } healthHistory { day score }
      contacts(first: $first) { edges { node { name } } } supportTickets(first: $first) { edges { node { priority } } }
    } }`,
  },
  {
    name: "accounts ordered by health, at risk",
    statements: 8,
    query: `query AtRisk($first: Int!) { accounts(first: $first, filter: { atRisk: true }, orderBy: { field: HEALTH, direction: ASC }) {
      totalCount edges { node { name health { score band } risk { reasons { code } } } } } }`,
  },
  {
    name: "portfolio",
    statements: 7,
    query: `query Portfolio($first: Int!) { portfolio { healthDistribution { green yellow red noData }
      atRiskAccounts(first: $first) { name } } }`,
  },
];

describe.each(DATABASE_KINDS)("statements per request on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;

  beforeAll(async () => {
    let workspaceId: string;
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "statements", {
      accounts: 30,
      today: NOW,
    }));
    await recordHealthSnapshots(database.prisma, workspaceId, {
      day: new Date(NOW.getTime() - 31 * DAY),
      now: NOW,
    });
    await recordHealthSnapshots(database.prisma, workspaceId, { now: NOW });
    yoga = createPulseYoga({ database, clock: () => NOW });
  });
  afterAll(async () => {
    await drop?.();
  });

  async function statementsOf(query: string, first: number): Promise<string[]> {
    const sent: string[] = [];
    const listener = (text: string) => sent.push(text.replace(/\s+/g, " ").trim());
    database.statements.listeners.add(listener);
    try {
      const result = await graphql<Record<string, unknown>>(yoga, key, query, { first });
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {})).not.toContain(null);
    } finally {
      database.statements.listeners.delete(listener);
    }
    // Reads that run concurrently may be sent in either order.
    return sent.sort();
  }

  it("sends exactly the snapshotted statements, the same for a page of 5 and of 30", async () => {
    await graphql(yoga, key, "{ __typename }"); // the key lookup is cached from here on
    const lines: string[] = [];
    for (const request of REQUESTS) {
      // Warm: the key lookup and the workspace's portfolio inputs are cached from here on.
      await statementsOf(request.query, 5);
      const small = await statementsOf(request.query, 5);
      const large = await statementsOf(request.query, 30);
      expect(large, `${request.name}: the same statements for 5 and 30 accounts`).toEqual(small);
      expect(small, `${request.name}: statements`).toHaveLength(request.statements);
      lines.push(`## ${request.name} (${small.length})`, ...small.map((text) => `- ${text}`), "");
    }
    await expect(lines.join("\n")).toMatchFileSnapshot("__snapshots__/statements.txt");
  });
});
