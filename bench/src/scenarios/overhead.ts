// Y: `{ __typename }` through Pulse (API-key check, Yoga, Pothos) against a bare node:http
// handler that sends the same JSON: what the framework costs per request. graphql-yoga alone
// (no key check, no database) is the middle point that splits the gap.
import { load } from "../config.ts";
import { graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import { describePhase, type Measured, measure, type Run } from "../lib/run.ts";
import { RunningServer } from "../lib/server.ts";

export interface OverheadResults {
  pulse: Measured;
  yoga: Measured;
  bare: Measured;
}

export async function overheadScenario(run: Run, pulse: RunningServer): Promise<OverheadResults> {
  const body = graphqlBody("{ __typename }");
  const expected = (await post(`${pulse.url}/graphql`, body, run.headers)).text;
  const spec = {
    path: "/graphql",
    headers: run.headers,
    body,
    expectBody: expected,
    connections: load.overheadConnections,
    warmup: { seconds: load.warmupSeconds },
    seconds: load.seconds,
  };
  const results: Partial<OverheadResults> = {};
  results.pulse = await measure(pulse, spec);
  run.log(describePhase("Y (Pulse)", results.pulse));
  const others = [
    ["yoga", "Y (graphql-yoga alone)", "yoga-hello-server.ts", {}],
    ["bare", "Y (bare node:http)", "hello-server.ts", {}],
  ] as const;
  for (const [key, label, script, env] of others) {
    const server = await RunningServer.start(key, script, { ...run.serverEnv, ...env });
    try {
      const answer = (await post(`${server.url}/graphql`, body, run.headers)).text;
      if (answer !== expected) throw new Error(`${label} answers ${answer}, Pulse ${expected}`);
      results[key] = await measure(server, spec);
      run.log(describePhase(label, results[key]));
    } finally {
      await server.stop();
    }
  }
  return results as OverheadResults;
}
