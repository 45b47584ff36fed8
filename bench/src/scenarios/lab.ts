// L: the health-score lab's preview over every active account of the data set (10,000 at 1x), one
// request at a time: what a CS lead waits for after moving a slider. The statements of one request
// are traced (a fixed number, whatever the accounts).
import { graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import type { Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";

export const PREVIEW_QUERY = `query Preview($config: UpdateHealthScoreConfigInput!) {
  previewHealthScoreConfig(config: $config) {
    __typename
    ... on QueryPreviewHealthScoreConfigSuccess { data {
      accounts meanScoreChange
      before { green yellow red insufficientData } after { green yellow red insufficientData }
      bandChanges(first: 20) { edges { node { account { externalId } bandBefore bandAfter } } }
    } }
  }
}`;

export interface LabResults {
  accounts: number;
  bandChanges: number;
  statements: number;
  requestsMs: number[];
  p50Ms: number;
  maxMs: number;
}

const REQUESTS = 7;

export async function labScenario(run: Run, pulse: RunningServer): Promise<LabResults> {
  const body = graphqlBody(PREVIEW_QUERY, {
    config: { greenThreshold: 60, yellowThreshold: 35, components: [{ key: "usage", weight: 60 }] },
  });
  let answer = "";
  const trace = await pulse.trace(async () => {
    answer = (await post(`${pulse.url}/graphql`, body, run.headers)).text;
  });
  const parsed = JSON.parse(answer);
  const data = parsed.data?.previewHealthScoreConfig?.data;
  if (parsed.errors || !data) throw new Error(`preview failed: ${answer.slice(0, 300)}`);
  const requestsMs: number[] = [];
  for (let index = 0; index < REQUESTS; index++) {
    const reply = await post(`${pulse.url}/graphql`, body, run.headers);
    if (reply.status !== 200 || reply.text !== answer)
      throw new Error(`preview answered differently: ${reply.text.slice(0, 300)}`);
    requestsMs.push(Math.round(reply.ms));
  }
  const sorted = [...requestsMs].sort((a, b) => a - b);
  const result: LabResults = {
    accounts: data.accounts,
    bandChanges: data.bandChanges.edges.length,
    statements: trace.length,
    requestsMs,
    p50Ms: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
  run.log(
    `L: preview over ${result.accounts} active accounts, ${result.statements} statements; ` +
      `p50 ${result.p50Ms} ms, max ${result.maxMs} ms (${REQUESTS} sequential requests: ${requestsMs.join(", ")})`,
  );
  return result;
}
