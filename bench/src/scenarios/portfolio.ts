// P: `portfolio` over a 12-month period and all accounts, one user at a time (the latency a CS
// lead waits for), with the statements of one request traced.
import { load } from "../config.ts";
import { graphqlBody, PORTFOLIO_QUERY } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import { describePhase, type Measured, measure, type Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";
import type { TracedStatement } from "../servers/child.ts";

export interface PortfolioResults {
  period: { from: string; to: string };
  firstRequestMs: number;
  trace: TracedStatement[];
  load: Measured;
}

export async function portfolioScenario(run: Run, pulse: RunningServer): Promise<PortfolioResults> {
  const to = new Date(
    Date.UTC(run.data.now.getUTCFullYear(), run.data.now.getUTCMonth(), run.data.now.getUTCDate()),
  );
  const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate()));
  const period = { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
  const body = graphqlBody(PORTFOLIO_QUERY, { period });
  let firstRequestMs = 0;
  let answer = "";
  const trace = await pulse.trace(async () => {
    const reply = await post(`${pulse.url}/graphql`, body, run.headers);
    firstRequestMs = reply.ms;
    answer = reply.text;
  });
  const parsed = JSON.parse(answer);
  if (parsed.errors || !parsed.data?.portfolio) throw new Error(`portfolio failed: ${answer.slice(0, 300)}`);
  run.log(
    `P: first request ${firstRequestMs.toFixed(0)} ms, ${trace.length} statements; ` +
      `active accounts ${parsed.data.portfolio.activeAccounts}, NRR ${parsed.data.portfolio.netRevenueRetention}`,
  );
  const result = await measure(pulse, {
    path: "/graphql",
    headers: run.headers,
    body,
    expectBody: answer,
    connections: load.portfolioConnections,
    warmup: { seconds: load.warmupSeconds },
    seconds: Math.max(load.seconds, 20),
    timeoutSeconds: 60,
  });
  run.log(describePhase("P", result));
  return { period, firstRequestMs, trace, load: result };
}
