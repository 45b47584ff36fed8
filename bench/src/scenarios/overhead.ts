// Y: `{ __typename }` through Pulse (API-key check, Yoga, Pothos) against a bare node:http
// handler that sends the same JSON: what the framework costs per request.
import { load } from "../config.ts";
import { graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import { describePhase, type Measured, measure, type Run } from "../lib/run.ts";
import { RunningServer } from "../lib/server.ts";

export interface OverheadResults {
  pulse: Measured;
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
  const pulseResult = await measure(pulse, spec);
  run.log(describePhase("Y (Pulse)", pulseResult));
  const bare = await RunningServer.start("bare", "hello-server.ts", run.serverEnv);
  try {
    const bareAnswer = (await post(`${bare.url}/graphql`, body)).text;
    if (bareAnswer !== expected) throw new Error(`bare hello answers ${bareAnswer}, Pulse ${expected}`);
    const bareResult = await measure(bare, spec);
    run.log(describePhase("Y (bare node:http)", bareResult));
    return { pulse: pulseResult, bare: bareResult };
  } finally {
    await bare.stop();
  }
}
