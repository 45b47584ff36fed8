// Query plans that stay flat as a workspace grows. Each statement of each representative request is
// run again under EXPLAIN ANALYZE, and the rows its scans touch (rows returned plus rows read and
// thrown away by a filter, times loops) are added up per request. Then the workspace grows, once in
// history (a year of older health snapshots and usage events for the same accounts) and once in
// accounts (ten times as many, with all their facts); the same requests run again.
//
// - Every request must stay flat when history grows: a plan whose work grows with the days of
//   history (a backward scan of ("workspaceId", day) that skips other accounts' snapshots, a
//   DISTINCT ON over every snapshot) fails here.
// - Requests for one page or one account must stay flat when the workspace's accounts grow.
//
// Revenue events are not inflated: an account's MRR at a time is the sum of all its revenue
// events before it, which grows with that account's own revenue history by definition.
import type { Database } from "@pulse/schema/database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { graphql, openDemoDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

/** Rows a request's scans may touch beyond the flat ratio (planner noise, tiny tables). */
const SLACK_ROWS = 500;
const FLAT_RATIO = 1.3;

interface Request {
  name: string;
  /** "page": one page or one account, flat in the number of accounts too. */
  bound: "page" | "workspace";
  query: string;
}

const REQUESTS: Request[] = [
  {
    name: "dashboard page of 50 by name",
    bound: "page",
    query: `{ accounts(first: 50) { edges { node {
      id externalId name
      health { score band trend components { key value used } }
      risk { atRisk reasons { code } }
      nps { score responses } csat { score } ces { score }
      usage { activeUsers seatUtilization stickiness featureAdoption features { key count } }
      timeToFirstValue milestones { progress stalled }
      sentiment { latest { rating } } ebrEngagement { reviewsInTrailingYear }
      mrr { amount } lifetimeValue { value { amount } }
      nextRenewal { endsAt } healthHistory { day score }
    } } } }`,
  },
  {
    name: "one account's detail",
    bound: "page",
    query: `{ account(externalId: "acct_0007") {
      name health { score band trend components { key value used } }
      risk { atRisk reasons { code } } nps { score } usage { activeUsers stickiness }
      healthHistory { day score } contracts { endsAt } mrr { amount }
    } }`,
  },
  {
    name: "accounts ordered by health score",
    bound: "workspace",
    query: `{ accounts(first: 20, orderBy: { field: HEALTH, direction: ASC }) { edges { node { name health { score } } } } }`,
  },
  {
    name: "at-risk accounts",
    bound: "workspace",
    query: `{ accounts(first: 20, filter: { atRisk: true }) { edges { node { name risk { reasons { code } } } } } }`,
  },
  {
    name: "portfolio",
    bound: "workspace",
    query: `{ portfolio { healthDistribution { green yellow red } atRiskAccounts(first: 10) { name } } }`,
  },
];

interface PlanNode {
  "Node Type": string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Rows the plan's scans touched: returned plus thrown away by a filter, for every loop. */
function rowsTouched(node: PlanNode, into: string[]): number {
  let total = 0;
  if (node["Node Type"].includes("Scan")) {
    const perLoop =
      (node["Actual Rows"] ?? 0) +
      (node["Rows Removed by Filter"] ?? 0) +
      (node["Rows Removed by Index Recheck"] ?? 0);
    const rows = perLoop * (node["Actual Loops"] ?? 1);
    total += rows;
    if (rows > 0)
      into.push(
        `${node["Node Type"]} ${node["Relation Name"] ?? ""} ${node["Index Name"] ?? ""}: ${Math.round(rows)}`,
      );
  }
  for (const child of node.Plans ?? []) total += rowsTouched(child, into);
  return total;
}

interface Measured {
  rows: number;
  statements: number;
  detail: string[];
  /** The start of each statement's text, for a failure's message. */
  texts: string[];
}

describe("query plans stay flat as the workspace grows (PostgreSQL)", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;
  let workspaceId: string;
  let client: pg.Client;

  beforeAll(async () => {
    const opened = await openDemoDatabase("postgres", "plans", { accounts: 120, today: NOW });
    ({ database, drop, key, workspaceId } = opened);
    yoga = createPulseYoga({ database, clock: () => NOW });
    client = new pg.Client({ connectionString: await databaseUrl(database) });
    await client.connect();
    // 60 days of daily snapshots for every account (the history the requests read).
    await client.query(
      `INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
       SELECT gen_random_uuid(), a."workspaceId", a.id, d::date, 20 + (abs(hashtext(a.id::text || d::text)) % 80),
              'GREEN', '{}'::jsonb
       FROM "Account" a, generate_series($2::timestamp - interval '60 days', $2::timestamp, interval '1 day') d
       WHERE a."workspaceId" = $1::uuid`,
      [workspaceId, NOW],
    );
    await client.query("ANALYZE");
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await drop?.();
  });

  /** The statements one request sends, each run again under EXPLAIN ANALYZE. */
  async function measure(request: Request): Promise<Measured> {
    const sent: { text: string; values: readonly unknown[] }[] = [];
    const listener = (text: string, values: readonly unknown[]) => sent.push({ text, values });
    database.statements.listeners.add(listener);
    try {
      const result = await graphql(yoga, key, request.query);
      expect(result.errors, request.name).toBeUndefined();
    } finally {
      database.statements.listeners.delete(listener);
    }
    const detail: string[] = [];
    let rows = 0;
    for (const statement of sent) {
      if (!/^\s*(SELECT|WITH)/i.test(statement.text)) continue;
      const explained = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, [
        ...statement.values,
      ]);
      const plan = (explained.rows[0] as { "QUERY PLAN": { Plan: PlanNode }[] })["QUERY PLAN"][0]?.Plan;
      if (plan) rows += rowsTouched(plan, detail);
    }
    return {
      rows,
      statements: sent.length,
      detail,
      texts: sent.map((statement) => statement.text.replace(/\s+/g, " ").slice(0, 160)),
    };
  }

  async function measureAll(): Promise<Map<string, Measured>> {
    const measured = new Map<string, Measured>();
    for (const request of REQUESTS) {
      await graphql(yoga, key, request.query); // warms the key cache
      measured.set(request.name, await measure(request));
    }
    return measured;
  }

  function expectFlat(before: Measured, after: Measured, name: string): void {
    const message = `${name}: ${Math.round(before.rows)} → ${Math.round(after.rows)} rows touched\nbefore:\n  ${before.detail.join("\n  ")}\nafter:\n  ${after.detail.join("\n  ")}`;
    expect(
      after.statements,
      `${name}: statements\nbefore:\n  ${before.texts.join("\n  ")}\nafter:\n  ${after.texts.join("\n  ")}`,
    ).toBe(before.statements);
    expect(after.rows, message).toBeLessThanOrEqual(before.rows * FLAT_RATIO + SLACK_ROWS);
  }

  it("keeps every request flat when a year of history is added, and page requests flat at 10× the accounts", async () => {
    const base = await measureAll();

    // A year of older history for the same accounts: snapshots, usage events and their daily rollup before the windows.
    await client.query(
      `INSERT INTO "HealthSnapshot" (id, "workspaceId", "accountId", day, score, band, components)
       SELECT gen_random_uuid(), a."workspaceId", a.id, d::date, 50, 'YELLOW', '{}'::jsonb
       FROM "Account" a, generate_series($2::timestamp - interval '425 days', $2::timestamp - interval '61 days', interval '1 day') d
       WHERE a."workspaceId" = $1::uuid`,
      [workspaceId, NOW],
    );
    await client.query(
      `INSERT INTO "UsageEvent" (id, "workspaceId", "accountId", kind, "occurredAt")
       SELECT gen_random_uuid(), a."workspaceId", a.id, 'LOGIN', d
       FROM "Account" a, generate_series($2::timestamp - interval '400 days', $2::timestamp - interval '100 days', interval '2 days') d
       WHERE a."workspaceId" = $1::uuid`,
      [workspaceId, NOW],
    );
    // Their rollup rows too (as ingestion keeps them): usage reads whole days from it.
    await client.query(
      `INSERT INTO "UsageDaily" ("workspaceId", "accountId", "contactKey", day, logins)
       SELECT a."workspaceId", a.id, '-', d::date, 1
       FROM "Account" a, generate_series($2::timestamp - interval '400 days', $2::timestamp - interval '100 days', interval '2 days') d
       WHERE a."workspaceId" = $1::uuid`,
      [workspaceId, NOW],
    );
    await client.query("ANALYZE");
    const history = await measureAll();
    for (const request of REQUESTS) {
      expectFlat(
        base.get(request.name) as Measured,
        history.get(request.name) as Measured,
        `${request.name} (history ×7)`,
      );
    }

    // Ten times the accounts: each account cloned nine times with all its facts; clones sort after
    // the originals by name, so the first page holds the same accounts.
    await cloneAccounts(client, workspaceId, 9);
    await client.query("ANALYZE");
    const accounts = await measureAll();
    for (const request of REQUESTS.filter((r) => r.bound === "page")) {
      expectFlat(
        history.get(request.name) as Measured,
        accounts.get(request.name) as Measured,
        `${request.name} (accounts ×10)`,
      );
    }
  }, 300_000);
});

async function databaseUrl(database: Database): Promise<string> {
  const [row] = await database.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
  const admin = new URL(
    process.env.PULSE_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  );
  admin.pathname = `/${row?.name ?? ""}`;
  return admin.toString();
}

/** Clones every account of the workspace `copies` times, with every row that belongs to it. */
async function cloneAccounts(client: pg.Client, workspaceId: string, copies: number): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE clone AS
     SELECT a.id AS source, gen_random_uuid() AS id, n FROM "Account" a, generate_series(1, $2::int) n
     WHERE a."workspaceId" = $1::uuid`,
    [workspaceId, copies],
  );
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name = 'accountId' AND table_name NOT IN ('IdempotencyRecord', 'SurveyDismissal')
     ORDER BY table_name`,
  );
  await client.query(copyRowsSql("Account", await columnsOf(client, "Account"), "id"));
  for (const { table_name: table } of tables.rows) {
    await client.query(copyRowsSql(table, await columnsOf(client, table), '"accountId"'));
  }
  await client.query("DROP TABLE clone");
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const result = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return result.rows.map((row) => row.column_name);
}

/** INSERT … SELECT of `table`'s rows for the cloned accounts, with new ids and unique keys. */
function copyRowsSql(table: string, columns: string[], accountColumn: string): string {
  const select = columns.map((column) => {
    if (column === "id") return table === "Account" ? "c.id" : "gen_random_uuid()";
    if (column === "accountId") return "c.id";
    if (column === "contactId") return "NULL";
    if (column === "externalId" || column === "idempotencyKey") return `t."${column}" || '-clone-' || c.n`;
    if (column === "name" && table === "Account") return `'zz ' || t.name || ' ' || c.n`;
    return `t."${column}"`;
  });
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")})
          SELECT ${select.join(", ")} FROM "${table}" t JOIN clone c ON c.source = t.${accountColumn}`;
}
