// The exact SQL statements of each representative request, as a committed snapshot (the way
// Pothos' own tests pin theirs): an N+1, an extra read or a changed query shape shows up as a diff
// of __snapshots__/statements.txt, and the count per request is asserted exactly. Both databases
// send the same statements. Update the snapshot deliberately (`vitest run -u`) and say why in the
// commit. Values are not part of it: only the statement texts, with their placeholders.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signViewerToken, VIEWER_TOKEN_HEADER } from "../src/auth/viewer-token.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { DEMO_PUBLISHABLE_KEY, DEMO_SIGNING_SECRET } from "../src/seed/demo.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

/** Representative requests and the number of statements each costs; `viewer` ones send a scoped viewer token. */
const REQUESTS: { name: string; query: string; statements: number; viewer?: true }[] = [
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
    // The workspace's latest snapshots (now and at the trend's reference), pending renewals and
    // NPS detractors are cached between requests while what they read is unchanged.
    statements: 4,
    query: `query AtRisk($first: Int!) { accounts(first: $first, filter: { atRisk: true }, orderBy: { field: HEALTH, direction: ASC }) {
      totalCount edges { node { name health { score band } risk { reasons { code } } } } } }`,
  },
  {
    name: "portfolio",
    // The at-risk list is cut from the cached portfolio rows: no read of every account; the
    // latest snapshots, pending renewals and NPS detractors are cached too.
    statements: 2,
    query: `query Portfolio($first: Int!) { portfolio { healthDistribution { green yellow red noData }
      atRiskAccounts(first: $first) { name } } }`,
  },
  {
    name: "dashboard page of a scoped viewer",
    // As the dashboard page (and its count), with the scope in the page's and the count's
    // statements: a viewer token costs no read of its own (the signing secret is cached like the key).
    statements: 3,
    viewer: true,
    query: `query ViewerDashboard($first: Int!) { accounts(first: $first) { totalCount edges { node {
      id externalId name csmOwner health { score band trend } risk { atRisk reasons { code } }
      nps { score } mrr { amount } lifetimeValue { value { amount } } nextRenewal { endsAt }
    } } } }`,
  },
  {
    name: "portfolio of a scoped viewer",
    // The workspace's cached portfolio inputs, narrowed to the scope in memory; the survey counts
    // and contracts with the scope in their statements; the workspace's cached latest snapshots,
    // pending renewals and NPS detractors.
    statements: 4,
    viewer: true,
    query: `query ViewerPortfolio($first: Int!) { portfolio { nps { score } netRevenueRetention renewalRate { rate }
      healthDistribution { green yellow red noData } atRiskAccounts(first: $first) { name } } }`,
  },
];

describe.each(DATABASE_KINDS)("statements per request on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let viewerToken: string;

  beforeAll(async () => {
    let workspaceId: string;
    ({ database, drop, key, workspaceId } = await openDemoDatabase(kind, "statements", {
      accounts: 30,
      today: NOW,
    }));
    await recordHealthSnapshots(database, workspaceId, {
      day: new Date(NOW.getTime() - 31 * DAY),
      now: NOW,
    });
    await recordHealthSnapshots(database, workspaceId, { now: NOW });
    yoga = createPulseYoga({ database, clock: () => NOW });
    viewerToken = await signViewerToken(
      { workspaceId, csmOwners: ["Ada Byron", "Alan Kay"], subject: "statements", issuedAt: NOW },
      DEMO_SIGNING_SECRET,
    );
  });
  afterAll(async () => {
    await drop?.();
  });

  async function statementsOf(query: string, first: number, viewer = false): Promise<string[]> {
    const sent: string[] = [];
    const listener = (text: string) => sent.push(text.replace(/\s+/g, " ").trim());
    database.statements.listeners.add(listener);
    try {
      const result = viewer
        ? await viewerGraphql(query, { first })
        : await graphql<Record<string, unknown>>(yoga, key, query, { first });
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {})).not.toContain(null);
    } finally {
      database.statements.listeners.delete(listener);
    }
    // Reads that run concurrently may be sent in either order.
    return sent.sort();
  }

  async function viewerGraphql(query: string, variables: Record<string, unknown>) {
    const response = await yoga.fetch("http://pulse.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${DEMO_PUBLISHABLE_KEY}`,
        [VIEWER_TOKEN_HEADER]: viewerToken,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  }

  it("sends exactly the snapshotted statements, the same for a page of 5 and of 30", async () => {
    await graphql(yoga, key, "{ __typename }"); // the key lookup is cached from here on
    const lines: string[] = [];
    for (const request of REQUESTS) {
      // Warm: the key lookup and the workspace's portfolio inputs are cached from here on.
      await statementsOf(request.query, 5, request.viewer);
      const small = await statementsOf(request.query, 5, request.viewer);
      const large = await statementsOf(request.query, 30, request.viewer);
      expect(large, `${request.name}: the same statements for 5 and 30 accounts`).toEqual(small);
      expect(small, `${request.name}: statements`).toHaveLength(request.statements);
      lines.push(`## ${request.name} (${small.length})`, ...small.map((text) => `- ${text}`), "");
    }
    await expect(lines.join("\n")).toMatchFileSnapshot("__snapshots__/statements.txt");
  });
});
