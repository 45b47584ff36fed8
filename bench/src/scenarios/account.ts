// A: one account's detail, the reference dashboard's drill-down (`node(id:)` on an Account), one
// user at a time. The account is the first active one by external id: the generator draws the
// first accounts identically at every size, so each size measures the same kind of account
// (facts apportioned by activity, so about as many of its own at 1x and 10x).
import pg from "pg";
import { load } from "../config.ts";
import { ACCOUNT_QUERY, globalId, graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import { describePhase, type Measured, measure, type Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";
import type { TracedStatement } from "../servers/child.ts";

export interface AccountResults {
  externalId: string;
  /** The account's own facts, to show the sizes compare like with like. */
  facts: { usageEvents: number; surveyResponses: number; snapshots: number };
  firstRequestMs: number;
  statements: number;
  /** The statements of the first request (key and settings reads included). */
  trace: TracedStatement[];
  load: Measured;
}

async function chooseAccount(
  run: Run,
): Promise<{ id: string; externalId: string; facts: AccountResults["facts"] }> {
  const client = new pg.Client({ connectionString: run.data.url });
  await client.connect();
  try {
    const account = await client.query<{ id: string; externalId: string }>(
      `SELECT id::text AS id, "externalId" FROM "Account"
       WHERE "workspaceId" = $1 AND "churnedAt" IS NULL ORDER BY "externalId" LIMIT 1`,
      [run.data.workspaceId],
    );
    const row = account.rows[0];
    if (!row) throw new Error("the data set has no active account");
    const facts = await client.query<AccountResults["facts"]>(
      `SELECT (SELECT count(*)::int FROM "UsageEvent" WHERE "accountId" = $1) AS "usageEvents",
              (SELECT count(*)::int FROM "SurveyResponse" WHERE "accountId" = $1) AS "surveyResponses",
              (SELECT count(*)::int FROM "HealthSnapshot" WHERE "accountId" = $1) AS snapshots`,
      [row.id],
    );
    return { ...row, facts: facts.rows[0] as AccountResults["facts"] };
  } finally {
    await client.end();
  }
}

export async function accountScenario(run: Run, pulse: RunningServer): Promise<AccountResults> {
  const account = await chooseAccount(run);
  const body = graphqlBody(ACCOUNT_QUERY, { id: globalId("Account", account.id) });
  let firstRequestMs = 0;
  let answer = "";
  const trace = await pulse.trace(async () => {
    const reply = await post(`${pulse.url}/graphql`, body, run.headers);
    firstRequestMs = reply.ms;
    answer = reply.text;
  });
  const parsed = JSON.parse(answer);
  if (parsed.errors || parsed.data?.node?.externalId !== account.externalId) {
    throw new Error(`account detail failed: ${answer.slice(0, 300)}`);
  }
  run.log(
    `A: ${account.externalId} (${account.facts.usageEvents} usage events, ${account.facts.surveyResponses} responses): ` +
      `first request ${firstRequestMs.toFixed(0)} ms, ${trace.length} statements`,
  );
  const result = await measure(pulse, {
    path: "/graphql",
    headers: run.headers,
    body,
    expectBody: answer,
    connections: load.accountConnections,
    warmup: { seconds: load.warmupSeconds },
    seconds: load.seconds,
    timeoutSeconds: 60,
  });
  run.log(describePhase("A", result));
  return {
    externalId: account.externalId,
    facts: account.facts,
    firstRequestMs,
    statements: trace.length,
    trace,
    load: result,
  };
}
