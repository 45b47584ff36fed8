// Parameters of a benchmark run. Data-set sizes are the minimums; every load phase is
// bounded in time (and ingestion also in request count), and everything runs on loopback.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const benchRoot = join(repositoryRoot, "bench");

const env = process.env;
const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

/** Server that hosts the benchmark databases (trust auth on the project's machines). */
export const adminUrl = env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

function urlOf(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Size of the generated data set. Changing any of these re-seeds the database. */
export interface DataSetParameters {
  accounts: number;
  usageEvents: number;
  surveyResponses: number;
  revenueMonths: number;
  /** Usage events fall in the trailing this-many days (before churn). */
  usageDays: number;
}

/** The 1x data set (the minimums); BENCH_ACCOUNTS and friends change it (and so the 10x one). */
export const dataSet: DataSetParameters = {
  accounts: number("BENCH_ACCOUNTS", 10_000),
  usageEvents: number("BENCH_USAGE_EVENTS", 1_000_000),
  surveyResponses: number("BENCH_SURVEY_RESPONSES", 100_000),
  revenueMonths: 12,
  usageDays: 180,
};

/** One data size of a run: its database and its generator parameters. */
export interface DataSize {
  /** "1x" or "10x". */
  name: string;
  database: string;
  url: string;
  parameters: DataSetParameters;
  /** Seeding stops with an error past this many seconds (BENCH_SEED_LIMIT_SECONDS overrides it). */
  seedLimitSeconds: number;
}

/** The data sizes `--sizes` chooses from: 1x and ten times its accounts, usage events and responses. */
export const dataSizes: Record<string, DataSize> = {
  "1x": {
    name: "1x",
    database: env.BENCH_DATABASE ?? "pulse_bench",
    url: urlOf(env.BENCH_DATABASE ?? "pulse_bench"),
    parameters: dataSet,
    seedLimitSeconds: number("BENCH_SEED_LIMIT_SECONDS", 900),
  },
  "10x": {
    name: "10x",
    database: env.BENCH_DATABASE_10X ?? "pulse_bench10x",
    url: urlOf(env.BENCH_DATABASE_10X ?? "pulse_bench10x"),
    parameters: {
      ...dataSet,
      accounts: dataSet.accounts * 10,
      usageEvents: dataSet.usageEvents * 10,
      surveyResponses: dataSet.surveyResponses * 10,
    },
    // 36 minutes were measured at 10x on the shared machine under load; an idle one takes about 8.
    seedLimitSeconds: number("BENCH_SEED_LIMIT_SECONDS", 5_400),
  },
};

/** The 1x database (bench/src/cpu-per-request.ts measures against it). */
export const databaseName = dataSizes["1x"]?.database ?? "pulse_bench";
export const databaseUrl = urlOf(databaseName);

/** Redis the several-servers scenario shares between its servers (skipped there when unreachable). */
export const redisUrl = env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Bump when the generator changes what it writes, so an old data set is not reused. */
export const GENERATOR_VERSION = 1;

/** Load-phase settings: seconds of warm-up and of measurement, and connections. */
export const load = {
  warmupSeconds: number("BENCH_WARMUP_SECONDS", 5),
  seconds: number("BENCH_SECONDS", 15),
  dashboardConnections: number("BENCH_DASHBOARD_CONNECTIONS", 8),
  portfolioConnections: 1,
  overheadConnections: number("BENCH_OVERHEAD_CONNECTIONS", 32),
  ingestConnections: number("BENCH_INGEST_CONNECTIONS", 64),
  /** Account detail (one account's drill-down), one user at a time like the portfolio. */
  accountConnections: number("BENCH_ACCOUNT_CONNECTIONS", 1),
  /** Dashboard with 1 and with 3 servers: connections in all, split evenly over the servers. */
  clusterConnections: number("BENCH_CLUSTER_CONNECTIONS", 12),
  /** Upper bounds on the ingestion phases, whatever the measured rate. */
  maxSurveySubmissions: 60_000,
  maxUsageBatches: 400,
};

/** Accounts per dashboard page (the page) and the sizes checked for constant cost. */
export const PAGE_SIZE = 50;
export const PAGE_SIZES_CHECKED = [5, 50, 100];

/** CPU pinning on the 2-core machine: the server under test on one core, the load on the other. */
export const serverCpu = env.BENCH_SERVER_CPU ?? "0";
export const loadCpu = env.BENCH_LOAD_CPU ?? "1";

export const resultsDirectory = join(benchRoot, "results");

/** BENCH_PROFILE=1 writes a CPU profile per server under test here (see bench/src/profile-summary.ts). */
export const profileDirectory = env.BENCH_PROFILE ? join(resultsDirectory, "profiles") : null;
