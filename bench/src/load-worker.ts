// The load generator: a process of its own (pinned to the other core than the server under
// test) that runs autocannon for one phase and reports the figures. Bodies are fixed (with the
// expected answer checked byte for byte) or generated per request for the ingestion phases.

import { signWidgetToken } from "@pulse/server/token";
import autocannon from "autocannon";
import type { LoadResult, LoadSpec, PhaseResult } from "./lib/load.ts";

const SURVEY_MUTATION = `mutation Submit($input: SubmitSurveyResponseInput!) {
  submitSurveyResponse(input: $input) { responseId score }
}`;
const USAGE_MUTATION = `mutation Record($input: RecordUsageEventsInput!) {
  recordUsageEvents(input: $input) {
    __typename
    ... on MutationRecordUsageEventsSuccess { data { created unchanged } }
    ... on ValidationError { message }
  }
}`;

interface Context {
  key?: string;
  retry?: boolean;
  items?: number;
}

type Generator = {
  setup(context: Context): string;
  onResponse(status: number, body: string, context: Context): void;
};

/** Acknowledged keys (response ids, event externalIds) and what went wrong. */
const acknowledged: string[] = [];
const failures = { count: 0, sample: [] as string[] };
let rowsCreated = 0;
let retriesSent = 0;

function fail(body: string): void {
  failures.count += 1;
  if (failures.sample.length < 3) failures.sample.push(body.slice(0, 300));
}

async function surveyGenerator(spec: Extract<LoadSpec["generator"], { kind: "survey" }>): Promise<Generator> {
  const tokens: string[] = [];
  for (let i = 0; i < spec.count; i++) {
    tokens.push(
      await signWidgetToken(
        {
          workspaceId: spec.workspaceId,
          account: spec.accounts[i % spec.accounts.length] as string,
          contact: `${spec.prefix}-c-${i}`,
          // Issued on the servers' clock (the data set's "now", whatever today is), valid a day.
          issuedAt: new Date(spec.now),
          expiresInSeconds: 86_400,
        },
        spec.signingSecret,
      ),
    );
  }
  let next = 0;
  const acked: { key: string; token: string; score: number }[] = [];
  const sent = new Map<string, { token: string; score: number }>();
  // The endpoint takes the mutation's input itself; both answer in the same envelope.
  const body = (input: { survey: string; token: string; responseId: string; score: number }) =>
    JSON.stringify(spec.transport === "endpoint" ? input : { query: SURVEY_MUTATION, variables: { input } });
  return {
    setup(context) {
      // One request in ten re-sends an answer already acknowledged: it must not add a row.
      if (acked.length > 0 && next % 10 === 9 && retriesSent < spec.count / 10) {
        const earlier = acked[Math.floor(Math.random() * acked.length)] as (typeof acked)[number];
        context.key = earlier.key;
        context.retry = true;
        retriesSent += 1;
        next += 1;
        return body({
          survey: spec.survey,
          token: earlier.token,
          responseId: earlier.key,
          score: earlier.score,
        });
      }
      const index = next++ % spec.count;
      const key = `${spec.prefix}-r-${index}`;
      const token = tokens[index] as string;
      const score = index % 11;
      sent.set(key, { token, score });
      context.key = key;
      context.retry = false;
      return body({ survey: spec.survey, token, responseId: key, score });
    },
    onResponse(status, body, context) {
      if (
        status === 200 &&
        body.includes('"submitSurveyResponse":{"responseId"') &&
        !body.includes('"errors"')
      ) {
        if (!context.retry && context.key) {
          acknowledged.push(context.key);
          const request = sent.get(context.key);
          if (request) acked.push({ key: context.key, ...request });
          rowsCreated += 1;
        }
      } else {
        fail(body);
      }
    },
  };
}

function usageGenerator(spec: Extract<LoadSpec["generator"], { kind: "usage" }>): Generator {
  let batch = 0;
  const ackedBatches: { items: unknown[]; keys: string[] }[] = [];
  const pending = new Map<string, { items: unknown[]; keys: string[] }>();
  const kinds = ["LOGIN", "SESSION", "FEATURE"] as const;
  const start = new Date(spec.now).getTime() - 20 * 86_400_000;
  return {
    setup(context) {
      if (ackedBatches.length > 0 && batch % 10 === 9) {
        const earlier = ackedBatches[
          Math.floor(Math.random() * ackedBatches.length)
        ] as (typeof ackedBatches)[number];
        context.retry = true;
        context.items = earlier.items.length;
        retriesSent += 1;
        batch += 1;
        return JSON.stringify({ query: USAGE_MUTATION, variables: { input: { items: earlier.items } } });
      }
      const id = `${spec.prefix}-b${batch++}`;
      const items = [];
      const keys = [];
      for (let i = 0; i < spec.batchSize; i++) {
        const account = spec.accounts[(batch * 7 + i) % spec.accounts.length] as {
          externalId: string;
          contacts: string[];
        };
        const kind = kinds[i % 3] as (typeof kinds)[number];
        const externalId = `${id}-${i}`;
        keys.push(externalId);
        items.push({
          externalId,
          accountExternalId: account.externalId,
          contactExternalId: account.contacts[i % account.contacts.length],
          kind,
          ...(kind === "FEATURE" ? { featureKey: "reports" } : {}),
          ...(kind === "SESSION" ? { durationSeconds: 60 + (i % 600) } : {}),
          occurredAt: new Date(start + ((batch * spec.batchSize + i) % (20 * 86_400)) * 1000).toISOString(),
        });
      }
      pending.set(id, { items, keys });
      context.key = id;
      context.retry = false;
      context.items = items.length;
      return JSON.stringify({ query: USAGE_MUTATION, variables: { input: { items } } });
    },
    onResponse(status, body, context) {
      const match = /"created":(\d+),"unchanged":(\d+)/.exec(body);
      if (status !== 200 || !match || body.includes('"errors"')) {
        fail(body);
        return;
      }
      const created = Number(match[1]);
      if (context.retry) {
        if (created !== 0) fail(`retried batch created ${created} rows: ${body}`);
        return;
      }
      const sentBatch = context.key ? pending.get(context.key) : undefined;
      if (!sentBatch || created !== sentBatch.keys.length) {
        fail(`batch created ${created} of ${sentBatch?.keys.length}: ${body}`);
        return;
      }
      pending.delete(context.key as string);
      ackedBatches.push(sentBatch);
      acknowledged.push(...sentBatch.keys);
      rowsCreated += created;
    },
  };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function summarize(result: autocannon.Result, rowsBefore: number, startedAt: number): PhaseResult {
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    seconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.mean,
    latencyMax: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    rows: rowsCreated - rowsBefore,
    rowsPerSecond: (rowsCreated - rowsBefore) / seconds,
  };
}

async function main(spec: LoadSpec): Promise<LoadResult> {
  const generator =
    spec.generator?.kind === "survey"
      ? await surveyGenerator(spec.generator)
      : spec.generator?.kind === "usage"
        ? usageGenerator(spec.generator)
        : null;
  const headers = { "content-type": "application/json", ...spec.headers };
  const method = spec.method ?? "POST";
  const common = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: spec.timeoutSeconds ?? 30,
  };
  // autocannon takes an expected body only for a fixed request, and generated bodies only through `requests`.
  const base: autocannon.Options = generator
    ? {
        ...common,
        requests: [
          {
            method,
            path: spec.path,
            headers,
            setupRequest: (request: autocannon.Request, context: Context) => ({
              ...request,
              body: generator.setup(context),
            }),
            onResponse: (status: number, body: string, context: Context) =>
              generator.onResponse(status, body, context),
          },
        ] as autocannon.Request[],
      }
    : {
        ...common,
        url: new URL(spec.path, spec.url).toString(),
        method,
        headers,
        body: spec.body,
        ...(spec.expectBody ? { expectBody: spec.expectBody } : {}),
      };
  let warmupRate = 0;
  if (spec.warmup.seconds || spec.warmup.amount) {
    const startedAt = performance.now();
    const warm = await run({
      ...base,
      ...(spec.warmup.amount ? { amount: spec.warmup.amount } : { duration: spec.warmup.seconds }),
    });
    warmupRate = warm.requests.total / ((performance.now() - startedAt) / 1000);
  }
  // Ingestion runs a fixed number of requests (every answer is waited for, so the final count is
  // exact), sized from the warm-up rate to last about the measured duration.
  const amount = spec.amountFromWarmup
    ? Math.max(
        spec.amountFromWarmup.min,
        Math.min(spec.amountFromWarmup.max, Math.round(warmupRate * spec.seconds)),
      )
    : undefined;
  const rowsBefore = rowsCreated;
  const startedAt = performance.now();
  const result = await run({ ...base, ...(amount ? { amount } : { duration: spec.seconds }) });
  return {
    measured: summarize(result, rowsBefore, startedAt),
    warmupRequestsPerSecond: warmupRate,
    acknowledged: spec.generator ? acknowledged : [],
    retriesSent,
    failures,
  };
}

process.once("message", (spec: LoadSpec) => {
  main(spec).then(
    (result) => process.send?.({ type: "result", result }, () => process.exit(0)),
    (error: unknown) => {
      console.error("[load]", error);
      process.exit(1);
    },
  );
});
process.send?.({ type: "ready" });
