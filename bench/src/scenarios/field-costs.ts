// Where a dashboard request's time goes in Pulse: the same page of 50 accounts asked with one
// group of fields at a time, one request at a time (median of 15 after 3 warm-ups), against the
// page with identity fields only. The difference is what that group of fields costs. R's time
// for the whole page, measured the same way, is the reference.
import { PAGE_SIZE } from "../config.ts";
import { DASHBOARD_QUERY, graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import type { Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";

const GROUPS: Record<string, string> = {
  "identity only (id externalId name segment plan seats)": "",
  health: "health { score band trend components { key weight value used } }",
  "nps, csat, ces": "nps { score } csat { score } ces { score }",
  usage: "usage { activeUsers stickiness featureAdoption }",
  mrr: "mrr { amount currency }",
  nextRenewal: "nextRenewal { endsAt renewalOutcome }",
  "risk (with the health it needs)": "risk { atRisk reasons { code } }",
};

export interface FieldCost {
  fields: string;
  medianMs: number;
  statements: number;
}

function queryWith(fields: string): string {
  return `query($first: Int!) { accounts(first: $first) { edges { cursor node { id externalId name segment plan seats ${fields} } } } }`;
}

async function median(server: RunningServer, run: Run, body: string): Promise<FieldCost> {
  const times: number[] = [];
  let statements = 0;
  for (let i = 0; i < 18; i++) {
    const before = await server.stats();
    const reply = await post(`${server.url}/graphql`, body, run.headers);
    const after = await server.stats();
    if (reply.status !== 200 || reply.text.includes('"errors"')) throw new Error(reply.text.slice(0, 300));
    if (i >= 3) times.push(reply.ms);
    statements = after.statements - before.statements;
  }
  times.sort((a, b) => a - b);
  return { fields: "", medianMs: times[Math.floor(times.length / 2)] ?? 0, statements };
}

export async function fieldCosts(run: Run, pulse: RunningServer, raw: RunningServer): Promise<FieldCost[]> {
  const costs: FieldCost[] = [];
  for (const [name, fields] of Object.entries(GROUPS)) {
    costs.push({
      ...(await median(pulse, run, graphqlBody(queryWith(fields), { first: PAGE_SIZE }))),
      fields: name,
    });
  }
  costs.push({
    ...(await median(pulse, run, graphqlBody(DASHBOARD_QUERY, { first: PAGE_SIZE, after: null }))),
    fields: "the whole dashboard query",
  });
  costs.push({
    ...(await median(raw, run, graphqlBody(DASHBOARD_QUERY, { first: PAGE_SIZE, after: null }))),
    fields: "R, hand-written SQL: the whole dashboard query",
  });
  for (const cost of costs)
    run.log(`D field cost: ${cost.fields}: ${cost.medianMs.toFixed(0)} ms, ${cost.statements} statements`);
  return costs;
}
