// `pnpm bench`: seeds (or reuses) the data sets of every size asked for, runs every scenario,
// prints a table and writes bench/results/latest.json (and latest.md, the tables for BENCHMARKS.md).
//   --sizes=1x,10x           data sizes (default both): D, R, N, A, P, J run at each; the rest at the first
//   --only=D,R,N,A,P,J,C,Y,I,L,F,W,S run some scenarios (D/R/N run together; A: one account's detail;
//                            J: the daily snapshot job; C: dashboard with 1 and 3 servers behind PgBouncer;
//                            L: health-config preview; F: findings probes; S: start-up)
//   --reseed                 drop and regenerate the data sets
//   --seed-only              stop after the data sets are ready
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import {
  type DataSetParameters,
  type DataSize,
  dataSizes,
  load,
  PAGE_SIZE,
  PAGE_SIZES_CHECKED,
  resultsDirectory,
} from "./config.ts";
import { pinning } from "./lib/processes.ts";
import { SeedTimeLimitError } from "./lib/progress.ts";
import type { Measured, Run } from "./lib/run.ts";
import { RunningServer } from "./lib/server.ts";
import { type AccountResults, accountScenario } from "./scenarios/account.ts";
import { type ClusterResults, clusterScenario } from "./scenarios/cluster.ts";
import { type DashboardResults, dashboardScenarios } from "./scenarios/dashboard.ts";
import { type FieldCost, fieldCosts } from "./scenarios/field-costs.ts";
import { type IngestionResults, ingestionScenario } from "./scenarios/ingestion.ts";
import { type LabResults, labScenario } from "./scenarios/lab.ts";
import { type OverheadResults, overheadScenario } from "./scenarios/overhead.ts";
import { type PortfolioResults, portfolioScenario } from "./scenarios/portfolio.ts";
import { type ProbeResults, probes } from "./scenarios/probes.ts";
import { type SnapshotJobResults, snapshotJobScenario } from "./scenarios/snapshot-job.ts";
import { type StartupResults, startupScenario } from "./scenarios/startup.ts";
import { type WidgetResults, widgetScenario } from "./scenarios/widgets.ts";
import { type DataSet, ensureDataSet } from "./seed.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    sizes: { type: "string" },
    reseed: { type: "boolean", default: false },
    "seed-only": { type: "boolean", default: false },
  },
});
const selected = new Set(
  (values.only ?? "D,R,N,A,P,J,C,Y,I,L,F,W,S").split(",").map((name) => name.trim().toUpperCase()),
);
const wants = (name: string) => selected.has(name);
const sizes: DataSize[] = (values.sizes ?? "1x,10x").split(",").map((name) => {
  const size = dataSizes[name.trim().toLowerCase()];
  if (!size) {
    console.error(`unknown data size "${name}": --sizes takes ${Object.keys(dataSizes).join(", ")}`);
    process.exit(2);
  }
  return size;
});
if (sizes.length === 0 || new Set(sizes.map((size) => size.name)).size !== sizes.length) {
  console.error("--sizes needs at least one size, each once (e.g. --sizes=1x,10x)");
  process.exit(2);
}
const primary = sizes[0] as DataSize;

const startedAt = performance.now();
const log = (line: string) =>
  console.log(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** What is measured at each data size. */
interface SizeResults {
  dataSet: {
    database: string;
    parameters: DataSetParameters;
    counts: Record<string, number>;
    seededInSeconds: number | null;
    phases: Record<string, number>;
  };
  dashboard?: DashboardResults;
  account?: AccountResults;
  portfolio?: PortfolioResults;
  snapshotJob?: SnapshotJobResults;
  snapshotJobError?: string;
}

interface Results {
  date: string;
  machine: Record<string, unknown>;
  method: Record<string, unknown>;
  /** The size the once-only scenarios (Y, I, L, F, C, S, W) and the classic targets use. */
  primarySize: string;
  sizes: Record<string, SizeResults>;
  overhead?: OverheadResults;
  ingestion?: IngestionResults;
  lab?: LabResults;
  widgets?: WidgetResults;
  startup?: StartupResults;
  probes?: ProbeResults;
  fieldCosts?: FieldCost[];
  cluster?: ClusterResults;
  ratios: Record<string, number>;
  targets: { target: string; goal: string; value: string; met: boolean | null }[];
  runSeconds: number;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ version: string; shared_buffers: string }>(
      "SELECT split_part(version(), ' on ', 1) AS version, current_setting('shared_buffers') AS shared_buffers",
    );
    const row = result.rows[0];
    return `${row?.version} (shared_buffers ${row?.shared_buffers})`;
  } finally {
    await client.end();
  }
}

// Every data set first, so no seeding runs while anything is measured.
const data = new Map<string, DataSet>();
for (const size of sizes) {
  try {
    data.set(size.name, await ensureDataSet(log, size, { reseed: values.reseed }));
  } catch (error) {
    // A seeding past its limit (or a data set being seeded by another process) is a clear stop, not a crash.
    if (
      !(
        error instanceof SeedTimeLimitError || (error as Error).message.includes("another process is seeding")
      )
    ) {
      throw error;
    }
    console.error(`bench: ${(error as Error).message}`);
    process.exit(1);
  }
}
if (values["seed-only"]) process.exit(0);

const runOf = (size: DataSize): Run => {
  const set = data.get(size.name) as DataSet;
  return {
    data: set,
    serverEnv: { BENCH_DATABASE_URL: set.url, BENCH_NOW: set.now.toISOString(), BENCH_POOL_SIZE: "10" },
    headers: { authorization: `Bearer ${set.secretKey}` },
    log: (line: string) => log(sizes.length > 1 ? `[${size.name}] ${line}` : line),
  };
};
const primaryRun = runOf(primary);
const results: Results = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: await postgresVersion(primaryRun.data.url),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  },
  method: {
    pinning:
      pinning === "taskset"
        ? "server under test on CPU 0, load generator on CPU 1 (taskset); PostgreSQL unpinned; C's servers unpinned"
        : "no pinning (taskset missing)",
    warmupSeconds: load.warmupSeconds,
    measuredSeconds: load.seconds,
    connections: {
      dashboard: load.dashboardConnections,
      account: load.accountConnections,
      portfolio: load.portfolioConnections,
      overhead: load.overheadConnections,
      surveys: load.ingestConnections,
      usageBatches: 4,
      cluster: load.clusterConnections,
    },
    pageSize: PAGE_SIZE,
    poolSize: 10,
    now: primaryRun.data.now.toISOString(),
  },
  primarySize: primary.name,
  sizes: {},
  ratios: {},
  targets: [],
  runSeconds: 0,
};

for (const size of sizes) {
  const run = runOf(size);
  const first = size === primary;
  const set = run.data;
  const sized: SizeResults = {
    dataSet: {
      database: size.database,
      parameters: size.parameters,
      counts: set.counts,
      seededInSeconds: set.seededInSeconds,
      phases: set.phases,
    },
  };
  results.sizes[size.name] = sized;
  log(`— data size ${size.name} (${size.database}) —`);
  const pulse = await RunningServer.start("D", "pulse-server.ts", run.serverEnv);
  try {
    if (wants("D") || wants("R") || wants("N")) {
      const raw = await RunningServer.start("R", "raw-server.ts", run.serverEnv);
      const naive = await RunningServer.start("N", "naive-server.ts", run.serverEnv);
      try {
        sized.dashboard = await dashboardScenarios(run, { D: pulse, R: raw, N: naive });
        if (first && wants("F")) results.fieldCosts = await fieldCosts(run, pulse, raw);
      } finally {
        await Promise.all([raw.stop(), naive.stop()]);
      }
    }
    if (wants("A")) sized.account = await accountScenario(run, pulse);
    if (wants("P")) sized.portfolio = await portfolioScenario(run, pulse);
    if (first) {
      if (wants("Y")) results.overhead = await overheadScenario(run, pulse);
      if (wants("I")) results.ingestion = await ingestionScenario(run, pulse);
      if (wants("L")) results.lab = await labScenario(run, pulse);
      if (wants("C")) results.cluster = await clusterScenario(run, pulse);
    }
  } finally {
    await pulse.stop();
  }
  if (wants("J")) {
    // A job that fails at one size is a finding of that size: recorded, and the run goes on.
    try {
      sized.snapshotJob = await snapshotJobScenario(run);
    } catch (error) {
      sized.snapshotJobError = (error as Error).message;
      run.log(`J: the snapshot job FAILED: ${sized.snapshotJobError}`);
    }
  }
}
if (wants("F")) results.probes = await probes(primaryRun);
if (wants("S")) results.startup = await startupScenario(primaryRun);
if (wants("W")) results.widgets = await widgetScenario(primaryRun);

evaluate(results);
results.machine.loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
results.runSeconds = Math.round((performance.now() - startedAt) / 1000);
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
const markdown = table(results);
writeFileSync(join(resultsDirectory, "latest.md"), `${markdown}\n`);
console.log(`\n${markdown}\n`);
log(`results written to bench/results/latest.json and latest.md (run took ${results.runSeconds} s)`);

function evaluate(results: Results): void {
  const { overhead, ingestion, widgets, lab } = results;
  const { dashboard } = results.sizes[results.primarySize] ?? {};
  const add = (target: string, goal: string, value: string, met: boolean | null) =>
    results.targets.push({ target, goal, value, met });
  if (dashboard) {
    const { D, R, N } = dashboard.load;
    results.ratios.DR = D.requestsPerSecond / R.requestsPerSecond;
    results.ratios.DN = D.requestsPerSecond / N.requestsPerSecond;
    add("D/R (req/s)", "≥ 0.5", results.ratios.DR.toFixed(2), results.ratios.DR >= 0.5);
    // The same ratio from the servers' own CPU per request (R's over D's): what the req/s ratio
    // would be if each server had its core to itself; steadier on a shared machine.
    results.ratios.DRCpu = R.cpuMsPerRequest / D.cpuMsPerRequest;
    add("D/R (server CPU per request, R ÷ D)", "(≥ 0.5)", results.ratios.DRCpu.toFixed(2), null);
    add("D/N (req/s)", "≥ 10", results.ratios.DN.toFixed(1), results.ratios.DN >= 10);
    const counts = PAGE_SIZES_CHECKED.map((size) => dashboard.statements.D?.[size] ?? Number.NaN);
    const constant = counts.every((count) => count === counts[0]);
    add(
      `SQL statements per dashboard request (page ${PAGE_SIZES_CHECKED.join("/")})`,
      "constant and ≤ 12",
      counts.join(" / "),
      constant && (counts[0] ?? Number.POSITIVE_INFINITY) <= 12,
    );
    add(
      "D, R, N same JSON",
      "deep equal",
      dashboard.sameJson ? "equal" : (dashboard.difference ?? "different"),
      dashboard.sameJson,
    );
  }
  if (lab) {
    add(
      `L health-config preview over ${lab.accounts} accounts (p50 of ${lab.requestsMs.length}, ${lab.statements} statements)`,
      "< 2000 ms",
      `${lab.p50Ms} ms (max ${lab.maxMs} ms)`,
      lab.p50Ms < 2000,
    );
  }
  for (const [name, sized] of Object.entries(results.sizes)) {
    if (!sized.portfolio) continue;
    const accounts = sized.dataSet.parameters.accounts.toLocaleString("en-US");
    add(
      `P p99 latency (1 user), ${name}: ${accounts} accounts`,
      "< 1000 ms",
      `${sized.portfolio.load.latencyP99} ms`,
      sized.portfolio.load.latencyP99 < 1000,
    );
  }
  for (const [name, sized] of Object.entries(results.sizes)) {
    if (sized.snapshotJobError)
      add(`J daily snapshot job, ${name}`, "completes", "failed (see the log)", false);
  }
  // Flat in the data size: each larger size against the first, by server CPU and by p50 latency.
  const base = results.sizes[results.primarySize];
  for (const [name, sized] of Object.entries(results.sizes)) {
    if (!base || name === results.primarySize) continue;
    const flat = (label: string, key: string, from?: Measured, to?: Measured) => {
      if (!from || !to) return;
      const cpu = to.cpuMsPerRequest / from.cpuMsPerRequest;
      const p50 = to.latencyP50 / from.latencyP50;
      results.ratios[`${key}Cpu_${name}`] = cpu;
      results.ratios[`${key}P50_${name}`] = p50;
      add(
        `${label} ${name}/${results.primarySize} (server CPU per request; p50)`,
        "both ≤ 1.3",
        `${cpu.toFixed(2)}; ${p50.toFixed(2)}`,
        cpu <= 1.3 && p50 <= 1.3,
      );
    };
    flat("D dashboard page", "dashboard", base.dashboard?.load.D, sized.dashboard?.load.D);
    flat("A one account's detail", "account", base.account?.load, sized.account?.load);
  }
  if (ingestion) {
    const surveys = ingestion.surveys;
    add(
      "Survey ingestion",
      "≥ 2,000 responses/s, zero loss",
      `${surveys.rowsPerSecond.toFixed(0)}/s, lost ${surveys.lost}, duplicates ${surveys.duplicates}`,
      surveys.rowsPerSecond >= 2000 && surveys.lost === 0 && surveys.duplicates === 0,
    );
    if ("skipped" in ingestion.usage) add("Usage batch ingestion", "zero loss", "skipped", null);
    else {
      const usage = ingestion.usage;
      add(
        "Usage batch ingestion",
        "zero loss (rows/s reported)",
        `${usage.rowsPerSecond.toFixed(0)} events/s, lost ${usage.lost}, duplicates ${usage.duplicates}`,
        usage.lost === 0 && usage.duplicates === 0,
      );
    }
  }
  if (overhead) {
    results.ratios.Y = overhead.pulse.requestsPerSecond / overhead.bare.requestsPerSecond;
    results.ratios.YYogaAlone = overhead.yoga.requestsPerSecond / overhead.bare.requestsPerSecond;
    add("Y: Pulse / bare node:http (req/s)", "≥ 0.6", results.ratios.Y.toFixed(2), results.ratios.Y >= 0.6);
    results.ratios.YOverYoga = overhead.pulse.requestsPerSecond / overhead.yoga.requestsPerSecond;
    add(
      "Y': Pulse / graphql-yoga alone (suggested restatement)",
      "≥ 0.6",
      results.ratios.YOverYoga.toFixed(2),
      results.ratios.YOverYoga >= 0.6,
    );
  }
  if (widgets) {
    if ("skipped" in widgets) add("Widget gzip sizes", "within budgets", "skipped", null);
    else {
      const over = widgets.sizes.filter((size) => size.withinBudget === false);
      add(
        "Widget gzip sizes",
        "within budgets",
        over.length ? `over: ${over.map((size) => size.file).join(", ")}` : "all within",
        widgets.sizes.some((size) => size.withinBudget === null) ? null : over.length === 0,
      );
    }
  }
}

function table(results: Results): string {
  const rows: string[][] = [];
  const phase = (
    name: string,
    m: {
      requestsPerSecond: number;
      latencyP50: number;
      latencyP99: number;
      statementsPerRequest: number;
      requests: number;
      cpuMsPerRequest?: number;
    },
    errors: number,
    note = "",
  ) =>
    rows.push([
      name,
      m.requestsPerSecond.toFixed(1),
      String(m.latencyP50),
      String(m.latencyP99),
      String(errors),
      m.statementsPerRequest.toFixed(1),
      `${m.requests} requests${m.cpuMsPerRequest === undefined ? "" : `, ${m.cpuMsPerRequest.toFixed(2)} server CPU ms/request`}${note ? `; ${note}` : ""}`,
    ]);
  const errorsOf = (m: { errors: number; non2xx: number; mismatches: number; timeouts: number }) =>
    m.errors + m.non2xx + m.mismatches + m.timeouts;
  const { overhead, ingestion, widgets, startup } = results;
  const { dashboard, portfolio } = results.sizes[results.primarySize] ?? {};
  if (dashboard) {
    phase(
      "D dashboard, Pulse (50 accounts)",
      { ...dashboard.load.D, statementsPerRequest: dashboard.statements.D?.[PAGE_SIZE] ?? Number.NaN },
      errorsOf(dashboard.load.D),
      `c=${load.dashboardConnections}`,
    );
    phase(
      "R same JSON, node:http + pg",
      { ...dashboard.load.R, statementsPerRequest: dashboard.statements.R?.[PAGE_SIZE] ?? Number.NaN },
      errorsOf(dashboard.load.R),
      `c=${load.dashboardConnections}`,
    );
    phase(
      "N same JSON, naive resolvers",
      { ...dashboard.load.N, statementsPerRequest: dashboard.statements.N?.[PAGE_SIZE] ?? Number.NaN },
      errorsOf(dashboard.load.N),
      `c=${load.dashboardConnections}`,
    );
  }
  if (portfolio)
    phase("P portfolio, 12 months, all accounts", portfolio.load, errorsOf(portfolio.load), "c=1");
  if (overhead) {
    phase(
      "Y `{ __typename }`, Pulse",
      overhead.pulse,
      errorsOf(overhead.pulse),
      `c=${load.overheadConnections}`,
    );
    phase(
      "Y `{ __typename }`, graphql-yoga alone",
      overhead.yoga,
      errorsOf(overhead.yoga),
      `c=${load.overheadConnections}`,
    );
    phase("Y hello, bare node:http", overhead.bare, errorsOf(overhead.bare), `c=${load.overheadConnections}`);
  }
  if (ingestion) {
    for (const [label, s] of [
      ["I survey submissions (pk_ key)", ingestion.surveys],
      ["I survey submissions, GraphQL mutation (pk_ key)", ingestion.graphqlSurveys],
    ] as const) {
      rows.push([
        label,
        s.requestsPerSecond.toFixed(1),
        String(s.latencyP50),
        String(s.latencyP99),
        String(s.errors),
        s.statementsPerRequest.toFixed(2),
        `${s.rowsPerSecond.toFixed(0)} responses/s, c=${s.connections}, ${s.cpuMsPerRequest?.toFixed(3) ?? "?"} server CPU ms/request; acknowledged ${s.acknowledged} = stored ${s.stored}, lost ${s.lost}, duplicates ${s.duplicates}, stored without acknowledgement ${s.storedWithoutAcknowledgement} (${s.retriesSent} retries)`,
      ]);
    }
    if ("skipped" in ingestion.usage)
      rows.push(["I usage events, batches of 1,000", "–", "–", "–", "–", "–", ingestion.usage.skipped]);
    else {
      const u = ingestion.usage;
      rows.push([
        "I usage events, batches of 1,000",
        u.requestsPerSecond.toFixed(1),
        String(u.latencyP50),
        String(u.latencyP99),
        String(u.errors),
        u.statementsPerRequest.toFixed(1),
        `${u.rowsPerSecond.toFixed(0)} events/s, c=${u.connections}; acknowledged ${u.acknowledged} = stored ${u.stored}, lost ${u.lost}, duplicates ${u.duplicates} (${u.retriesSent} retried batches); ${u.note ?? ""}`,
      ]);
    }
  }
  const lines = [
    "SQL/request: D, R, N count one request exactly; the others average the measured phase.",
    "",
    "| Scenario | req/s | p50 ms | p99 ms | errors | SQL/request | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  if (dashboard) {
    lines.push(
      "",
      `Dashboard SQL statements per request at page size ${PAGE_SIZES_CHECKED.join(" / ")}: ` +
        Object.entries(dashboard.statements)
          .map(([name, bySize]) => `${name} ${PAGE_SIZES_CHECKED.map((size) => bySize[size]).join(" / ")}`)
          .join(", "),
    );
  }
  if (ingestion) {
    lines.push(
      "",
      `Ingestion cleanup: deleting one contact through the foreign keys took ${ingestion.contactDeleteMs.toFixed(0)} ms.`,
    );
  }
  if (results.fieldCosts) {
    lines.push(
      "",
      `| Dashboard fields asked (page of ${PAGE_SIZE}, one request at a time) | median ms | SQL statements |`,
      "| --- | ---: | ---: |",
      ...results.fieldCosts.map(
        (cost) => `| ${cost.fields} | ${cost.medianMs.toFixed(0)} | ${cost.statements} |`,
      ),
    );
  }
  const { probes } = results;
  if (probes) {
    lines.push(
      "",
      `Deleting one contact: ${probes.contactDelete.asSchemaMs.toFixed(1)} ms as the schema is ` +
        `(${probes.contactDelete.schemaHasIndex ? "it indexes" : "no index on"} UsageEvent.contactId), ` +
        `${probes.contactDelete.withIndexMs.toFixed(1)} ms with contactId indexes added ` +
        `(built in ${(probes.contactDelete.indexBuildMs / 1000).toFixed(1)} s).`,
      "",
      "| Portfolio step (in-process, same data) | ms |",
      "| --- | ---: |",
      ...probes.portfolio.map((step) => `| ${step.step} | ${step.ms.toFixed(0)} |`),
    );
  }
  if (startup) {
    lines.push(
      "",
      `Start-up (${startup.command}): ${startup.seconds.map((s) => `${s.toFixed(2)} s`).join(", ")} (median ${startup.median.toFixed(2)} s). Last run's timeline:`,
      "",
      ...startup.timeline.map((entry) => `    ${entry.at.toFixed(2).padStart(6)} s  ${entry.line}`),
    );
  }
  if (widgets) {
    lines.push("");
    if ("skipped" in widgets) lines.push(`Widgets: skipped — ${widgets.skipped}`);
    else {
      lines.push(
        "| Widget script | minified KB | gzip KB | budget KB | |",
        "| --- | ---: | ---: | ---: | --- |",
      );
      for (const size of widgets.sizes) {
        lines.push(
          `| ${size.file} | ${(size.minifiedBytes / 1024).toFixed(2)} | ${(size.gzipBytes / 1024).toFixed(2)} | ${size.budgetBytes === null ? "–" : (size.budgetBytes / 1024).toFixed(0)} | ${size.withinBudget === null ? "" : size.withinBudget ? "ok" : "OVER"} |`,
        );
      }
    }
  }
  lines.push(...sizeTable(results), ...clusterTable(results));
  lines.push("", "| Target | Goal | Measured | Met |", "| --- | --- | --- | --- |");
  for (const target of results.targets) {
    lines.push(
      `| ${target.target} | ${target.goal} | ${target.value} | ${target.met === null ? "n/a" : target.met ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n");
}

/** One column per data size and the ratio of each larger size to the first. */
function sizeTable(results: Results): string[] {
  const names = Object.keys(results.sizes);
  if (names.length === 0) return [];
  const base = results.primarySize;
  const others = names.filter((name) => name !== base);
  const count = (value: number) => value.toLocaleString("en-US");
  type Row = {
    label: string;
    get: (sized: SizeResults) => number | undefined;
    digits: number;
    ratio?: boolean;
  };
  const rows: Row[] = [
    { label: "accounts", get: (z) => z.dataSet.parameters.accounts, digits: 0 },
    { label: "usage events", get: (z) => z.dataSet.parameters.usageEvents, digits: 0 },
    { label: "survey responses", get: (z) => z.dataSet.parameters.surveyResponses, digits: 0 },
    {
      label: `D dashboard page: req/s (c=${load.dashboardConnections})`,
      get: (z) => z.dashboard?.load.D.requestsPerSecond,
      digits: 1,
      ratio: true,
    },
    { label: "D dashboard page: p50 ms", get: (z) => z.dashboard?.load.D.latencyP50, digits: 0, ratio: true },
    { label: "D dashboard page: p99 ms", get: (z) => z.dashboard?.load.D.latencyP99, digits: 0, ratio: true },
    {
      label: "D dashboard page: server CPU ms/request",
      get: (z) => z.dashboard?.load.D.cpuMsPerRequest,
      digits: 2,
      ratio: true,
    },
    {
      label: "D dashboard page: SQL statements",
      get: (z) => z.dashboard?.statements.D?.[PAGE_SIZE],
      digits: 0,
      ratio: true,
    },
    {
      label: "D server RSS under the dashboard load: peak MiB",
      get: (z) => z.dashboard?.load.D.memory?.peakMiB,
      digits: 0,
      ratio: true,
    },
    {
      label: "D server RSS under the dashboard load: steady MiB",
      get: (z) => z.dashboard?.load.D.memory?.steadyMiB,
      digits: 0,
      ratio: true,
    },
    {
      label: "R hand-written SQL: server CPU ms/request",
      get: (z) => z.dashboard?.load.R.cpuMsPerRequest,
      digits: 2,
      ratio: true,
    },
    {
      label: "N naive resolvers: req/s",
      get: (z) => z.dashboard?.load.N.requestsPerSecond,
      digits: 1,
      ratio: true,
    },
    {
      label: `A one account's detail: p50 ms (c=${load.accountConnections})`,
      get: (z) => z.account?.load.latencyP50,
      digits: 0,
      ratio: true,
    },
    {
      label: "A one account's detail: p99 ms",
      get: (z) => z.account?.load.latencyP99,
      digits: 0,
      ratio: true,
    },
    {
      label: "A one account's detail: server CPU ms/request",
      get: (z) => z.account?.load.cpuMsPerRequest,
      digits: 2,
      ratio: true,
    },
    {
      label: "A one account's detail: SQL statements per request (measured phase)",
      get: (z) => z.account?.load.statementsPerRequest,
      digits: 1,
      ratio: true,
    },
    {
      label: "A the account's usage events",
      get: (z) => z.account?.facts.usageEvents,
      digits: 0,
      ratio: true,
    },
    { label: "P portfolio (c=1): p50 ms", get: (z) => z.portfolio?.load.latencyP50, digits: 0, ratio: true },
    { label: "P portfolio: p99 ms", get: (z) => z.portfolio?.load.latencyP99, digits: 0, ratio: true },
    {
      label: "P portfolio: server CPU ms/request",
      get: (z) => z.portfolio?.load.cpuMsPerRequest,
      digits: 1,
      ratio: true,
    },
    {
      label: "P portfolio: SQL statements (first request)",
      get: (z) => z.portfolio?.trace.length,
      digits: 0,
      ratio: true,
    },
    {
      label: "J snapshot job: snapshots written",
      get: (z) => z.snapshotJob?.written,
      digits: 0,
      ratio: true,
    },
    { label: "J snapshot job: wall s", get: (z) => z.snapshotJob?.wallSeconds, digits: 1, ratio: true },
    {
      label: "J snapshot job: CPU s (its process)",
      get: (z) => z.snapshotJob?.cpuSeconds,
      digits: 1,
      ratio: true,
    },
    { label: "J snapshot job: peak RSS MiB", get: (z) => z.snapshotJob?.peakRssMiB, digits: 0, ratio: true },
  ];
  const format = (value: number | undefined, digits: number) =>
    value === undefined || !Number.isFinite(value)
      ? "–"
      : digits === 0
        ? count(Math.round(value))
        : value.toFixed(digits);
  const lines = [
    "",
    `| At each data size | ${names.join(" | ")} | ${others.map((name) => `${name}/${base}`).join(" | ")} |`,
    `| --- | ${names.map(() => "---:").join(" | ")} | ${others.map(() => "---:").join(" | ")} |`,
  ];
  for (const row of rows) {
    const values = names.map((name) => row.get(results.sizes[name] as SizeResults));
    if (values.every((value) => value === undefined)) continue;
    const from = row.get(results.sizes[base] as SizeResults);
    const ratios = others.map((name) => {
      const to = row.get(results.sizes[name] as SizeResults);
      return row.ratio && from && to !== undefined ? `${(to / from).toFixed(2)}×` : "";
    });
    lines.push(
      `| ${row.label} | ${values.map((value) => format(value, row.digits)).join(" | ")} | ${ratios.join(" | ")} |`,
    );
  }
  return lines;
}

function clusterTable(results: Results): string[] {
  const { cluster } = results;
  if (!cluster) return [];
  const lines = [
    "",
    `Dashboard page through PgBouncer (${cluster.pgbouncer}), Redis ${cluster.redis ?? "not reachable"}, ` +
      `${cluster.connections} connections in all spread evenly over the servers, on the ${results.primarySize} data set. ` +
      `This machine has ${cluster.cores} cores, shared by the servers, PostgreSQL, PgBouncer and the load generator: ` +
      "the 3-server figure is bounded by the machine, not by Pulse.",
    "",
    "| Servers | req/s | p50 ms | p99 ms | errors | SQL/request | server CPU ms/request | RSS per server peak / steady MiB |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const { servers, measured: m } of cluster.runs) {
    const memory = m.perServer
      .map((server) =>
        server.memory ? `${server.memory.peakMiB.toFixed(0)} / ${server.memory.steadyMiB.toFixed(0)}` : "–",
      )
      .join(", ");
    lines.push(
      `| ${servers} | ${m.requestsPerSecond.toFixed(1)} | ${m.latencyP50} | ${m.latencyP99} | ${m.errors} | ${m.statementsPerRequest.toFixed(1)} | ${m.cpuMsPerRequest.toFixed(2)} | ${memory} |`,
    );
  }
  if (cluster.runs.length > 1) {
    lines.push(
      "",
      "p50 with 3 servers is the request-weighted mean of the three load generators' p50s, p99 the highest of their p99s.",
    );
  }
  return lines;
}
