// I: sustained ingestion into a workspace made for the run (and deleted after it), in the same
// tables as the large data set. Survey responses arrive as the widgets send them (publishable
// key, signed token, one submission per request to POST /widgets/v1/responses, one in ten a retry
// of an acknowledged one), then the same through the GraphQL mutation for comparison; usage
// events in batches of 1,000 (one in ten batches re-sent). Each phase runs a fixed
// number of requests, so afterwards the stored rows must equal the acknowledged ones exactly.
import { randomUUID } from "node:crypto";
import { type Database, openDatabase } from "@pulse/schema/database";
import { signWidgetToken } from "@pulse/server/token";
import pg from "pg";
import { load } from "../config.ts";
import { graphqlBody } from "../dashboard.ts";
import { post } from "../lib/http.ts";
import { runLoad } from "../lib/load.ts";
import { type CreatedWorkspace, createWorkspace } from "../lib/pulse.ts";
import type { Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";
import type { TracedStatement } from "../servers/child.ts";

const ACCOUNTS = 200;
const CONTACTS_PER_ACCOUNT = 5;
const USAGE_BATCH = 1000;

export interface IngestionPhase {
  connections: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  rowsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  errors: number;
  retriesSent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicates: number;
  storedWithoutAcknowledgement: number;
  statementsPerRequest: number;
  /** The server's CPU milliseconds per request over the phase (warm-up included), steadier than req/s under load. */
  cpuMsPerRequest?: number;
  failureSample: string[];
  note?: string;
}

export interface IngestionResults {
  /** Survey submissions as the widgets send them: Pulse's endpoint, POST /widgets/v1/responses. */
  surveys: IngestionPhase;
  /** The same submissions through the GraphQL mutation `submitSurveyResponse`. */
  graphqlSurveys: IngestionPhase;
  usage: IngestionPhase | { skipped: string };
  /** The statements of one survey submission, with the snapshot refresh it triggers. */
  submissionTrace: TracedStatement[];
  /** One contact deleted through the foreign keys at cleanup (slow without an index on contactId). */
  contactDeleteMs: number;
}

export async function ingestionScenario(run: Run, pulse: RunningServer): Promise<IngestionResults> {
  const database = await openDatabase({ url: run.data.url, migrate: false, poolSize: 2 });
  const prefix = `bench${Date.now().toString(36)}`;
  const workspace = await createWorkspace(database.prisma, {
    name: "Benchmark ingestion",
    slug: `bench-ingest-${prefix}`,
  });
  let phases: Omit<IngestionResults, "contactDeleteMs">;
  let cleanup = 0;
  try {
    phases = await ingestionPhases(run, pulse, database, workspace, prefix);
  } finally {
    // The workspace goes whether the phases passed or not.
    const contactDeleteMs = await removeWorkspace(run.data.url, workspace.workspaceId);
    await database.close();
    run.log(`I cleanup: deleting one contact through the foreign keys took ${contactDeleteMs.toFixed(0)} ms`);
    cleanup = contactDeleteMs;
  }
  return { ...phases, contactDeleteMs: cleanup };
}

async function ingestionPhases(
  run: Run,
  pulse: RunningServer,
  database: Database,
  workspace: CreatedWorkspace,
  prefix: string,
): Promise<Omit<IngestionResults, "contactDeleteMs">> {
  const prisma = database.prisma;
  const workspaceId = workspace.workspaceId;
  await prisma.workspace.update({
    where: { id: workspaceId },
    data: { keyFeatures: ["reports", "alerts"] },
  });
  await prisma.survey.createMany({
    data: [
      { workspaceId, key: "nps", kind: "NPS", question: "How likely are you to recommend us?" },
      { workspaceId, key: "csat", kind: "CSAT", question: "How satisfied are you?" },
      { workspaceId, key: "ces", kind: "CES", question: "How easy was it?" },
    ],
  });
  const accounts = Array.from({ length: ACCOUNTS }, (_, index) => ({
    id: randomUUID(),
    externalId: `ing_${index}`,
    contacts: Array.from({ length: CONTACTS_PER_ACCOUNT }, (_, c) => `ing_${index}_${c}`),
  }));
  await prisma.account.createMany({
    data: accounts.map((account) => ({
      id: account.id,
      workspaceId,
      externalId: account.externalId,
      name: `Ingest ${account.externalId}`,
      seats: 10,
      signedUpAt: new Date(run.data.now.getTime() - 400 * 86_400_000),
    })),
  });
  await prisma.contact.createMany({
    data: accounts.flatMap((account) =>
      account.contacts.map((externalId) => ({ workspaceId, accountId: account.id, externalId })),
    ),
  });

  // One submission traced, with the snapshot refresh Pulse schedules a second after it.
  const token = await signWidgetToken(
    {
      workspaceId,
      account: accounts[0]?.externalId ?? "",
      contact: `${prefix}-traced`,
      // On the servers' clock, the data set's "now" (not the wall clock: the bench must not
      // depend on the day or the hour it runs).
      issuedAt: run.data.now,
      expiresInSeconds: 600,
    },
    workspace.signingSecret,
  );
  const submissionTrace = await pulse.trace(async () => {
    const traced = await post(
      `${pulse.url}/widgets/v1/responses`,
      JSON.stringify({ survey: "nps", token, responseId: `${prefix}-traced`, score: 9 }),
      { authorization: `Bearer ${workspace.publishableKey}` },
    );
    if (traced.status !== 200) throw new Error(`I: the traced submission failed: ${traced.text}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
  run.log(
    `I: one survey submission sent ${submissionTrace.length} SQL statements (the snapshot refresh it triggers included)`,
  );

  // Survey submissions with the publishable key, each for a new contact (so re-ask never blocks).
  const accountIds = accounts.map((account) => account.externalId);
  const surveys = await surveyPhase(run, pulse, database, workspace, `${prefix}E`, accountIds, "endpoint");
  const graphqlSurveys = await surveyPhase(
    run,
    pulse,
    database,
    workspace,
    `${prefix}G`,
    accountIds,
    "graphql",
  );

  const mutations = await post(
    `${pulse.url}/graphql`,
    graphqlBody('{ __type(name: "Mutation") { fields { name } } }'),
    run.headers,
  );
  const names: string[] =
    JSON.parse(mutations.text).data?.__type?.fields?.map((field: { name: string }) => field.name) ?? [];
  if (!names.includes("recordUsageEvents")) {
    const skipped =
      "Pulse has no recordUsageEvents mutation yet (batch usage ingestion is not merged on this branch)";
    run.log(`I usage: skipped — ${skipped}`);
    return { surveys, graphqlSurveys, usage: { skipped }, submissionTrace };
  }
  const usageBefore = await pulse.stats();
  const usageLoad = await runLoad({
    url: pulse.url,
    path: "/graphql",
    headers: { authorization: `Bearer ${workspace.secretKey}` },
    connections: 4,
    warmup: { amount: 8 },
    seconds: load.seconds,
    amountFromWarmup: { min: 10, max: load.maxUsageBatches },
    timeoutSeconds: 120,
    generator: {
      kind: "usage",
      prefix,
      now: run.data.now.toISOString(),
      batchSize: USAGE_BATCH,
      accounts: accounts.map(({ externalId, contacts }) => ({ externalId, contacts })),
    },
  });
  const usageAfter = await pulse.stats();
  const storedEvents = await prisma.usageEvent.findMany({
    where: { workspaceId },
    select: { externalId: true },
  });
  const usage = reconcile(
    usageLoad,
    storedEvents.map((row) => row.externalId ?? ""),
    4,
    (usageAfter.statements - usageBefore.statements) /
      Math.max(1, usageAfter.requests - usageBefore.requests),
  );
  const rollup = await prisma.$queryRaw<{ events: bigint }[]>`
      SELECT coalesce(sum(logins + sessions + "featureEvents"), 0)::bigint AS events FROM "UsageDaily" WHERE "workspaceId" = ${workspaceId}::uuid`;
  const rolledUp = Number(rollup[0]?.events ?? 0);
  usage.note = `UsageDaily counts ${rolledUp} events for ${usage.stored} stored (${rolledUp === usage.stored ? "equal" : "NOT equal"})`;
  run.log(describeIngestion("I usage", usage, "events"));
  return { surveys, graphqlSurveys, usage, submissionTrace };
}

/**
 * Deletes the run's workspace. Without an index starting with contactId, deleting contacts
 * through the foreign keys took minutes (each one scanned UsageEvent for rows to set null). One
 * contact is deleted that way to time it; the rest go table by table with foreign-key triggers
 * off for this transaction (the data is the run's own), so cleanup stays quick on any schema.
 */
async function removeWorkspace(url: string, workspaceId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const startedAt = performance.now();
    await client.query(
      `DELETE FROM "Contact" WHERE id = (SELECT id FROM "Contact" WHERE "workspaceId" = $1 LIMIT 1)`,
      [workspaceId],
    );
    const contactDeleteMs = performance.now() - startedAt;
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name = 'workspaceId' AND table_name <> 'Workspace'`,
    );
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    for (const { table_name } of tables.rows) {
      await client.query(`DELETE FROM "${table_name}" WHERE "workspaceId" = $1`, [workspaceId]);
    }
    await client.query(`DELETE FROM "Workspace" WHERE id = $1`, [workspaceId]);
    await client.query("COMMIT");
    return contactDeleteMs;
  } finally {
    await client.end();
  }
}

/**
 * One survey phase against Pulse, through the submission endpoint or the GraphQL mutation, with
 * its own contacts and response ids (`prefix`), reconciled against the rows stored.
 */
async function surveyPhase(
  run: Run,
  pulse: RunningServer,
  database: Database,
  workspace: CreatedWorkspace,
  prefix: string,
  accounts: string[],
  transport: "endpoint" | "graphql",
): Promise<IngestionPhase> {
  const before = await pulse.stats();
  const result = await runLoad({
    url: pulse.url,
    path: transport === "endpoint" ? "/widgets/v1/responses" : "/graphql",
    headers: { authorization: `Bearer ${workspace.publishableKey}` },
    connections: load.ingestConnections,
    warmup: { amount: 1000 },
    seconds: load.seconds,
    amountFromWarmup: { min: 1000, max: load.maxSurveySubmissions },
    timeoutSeconds: 60,
    generator: {
      kind: "survey",
      transport,
      prefix,
      survey: "nps",
      workspaceId: workspace.workspaceId,
      signingSecret: workspace.signingSecret,
      accounts,
      now: run.data.now.toISOString(),
      count: 1000 + load.maxSurveySubmissions,
    },
  });
  const after = await pulse.drained();
  const stored = await database.prisma.surveyResponse.findMany({
    where: { workspaceId: workspace.workspaceId, idempotencyKey: { startsWith: `${prefix}-r-` } },
    select: { idempotencyKey: true },
  });
  const phase = reconcile(
    result,
    stored.map((row) => row.idempotencyKey),
    load.ingestConnections,
    (after.statements - before.statements) / Math.max(1, after.requests - before.requests),
  );
  phase.cpuMsPerRequest = (after.cpuMs - before.cpuMs) / Math.max(1, after.requests - before.requests);
  phase.note =
    (transport === "endpoint"
      ? "POST /widgets/v1/responses, as the widgets send them"
      : "the GraphQL mutation submitSurveyResponse") +
    "; statements include the debounced health-snapshot refresh Pulse runs after each burst of submissions";
  run.log(describeIngestion(`I surveys (${transport})`, phase, "responses"));
  return phase;
}

function reconcile(
  result: Awaited<ReturnType<typeof runLoad>>,
  storedKeys: string[],
  connections: number,
  statementsPerRequest: number,
): IngestionPhase {
  const acknowledged = new Set(result.acknowledged);
  const stored = new Set(storedKeys);
  let lost = 0;
  for (const key of acknowledged) if (!stored.has(key)) lost += 1;
  let storedWithoutAcknowledgement = 0;
  for (const key of stored) if (!acknowledged.has(key)) storedWithoutAcknowledgement += 1;
  const measured = result.measured;
  return {
    connections,
    requests: measured.requests,
    seconds: measured.seconds,
    requestsPerSecond: measured.requestsPerSecond,
    rowsPerSecond: measured.rowsPerSecond,
    latencyP50: measured.latencyP50,
    latencyP99: measured.latencyP99,
    errors: measured.errors + measured.non2xx + measured.timeouts + result.failures.count,
    retriesSent: result.retriesSent,
    acknowledged: acknowledged.size,
    stored: storedKeys.length,
    lost,
    duplicates: storedKeys.length - stored.size + (result.acknowledged.length - acknowledged.size),
    storedWithoutAcknowledgement,
    statementsPerRequest,
    failureSample: result.failures.sample,
  };
}

function describeIngestion(name: string, phase: IngestionPhase, rows: string): string {
  return (
    `${name}: ${phase.rowsPerSecond.toFixed(0)} ${rows}/s (${phase.requestsPerSecond.toFixed(1)} req/s at ${phase.connections} connections), ` +
    `p50 ${phase.latencyP50} ms, p99 ${phase.latencyP99} ms, errors ${phase.errors}, retries ${phase.retriesSent}; ` +
    `acknowledged ${phase.acknowledged}, stored ${phase.stored}, lost ${phase.lost}, duplicates ${phase.duplicates}, ` +
    `stored without acknowledgement ${phase.storedWithoutAcknowledgement}; ${phase.statementsPerRequest.toFixed(1)} statements/request` +
    (phase.cpuMsPerRequest === undefined ? "" : `, ${phase.cpuMsPerRequest.toFixed(3)} server CPU ms/request`)
  );
}
