// Parameters of a benchmark run. Data-set sizes are the minimums; every load phase is
// bounded in time (and ingestion also in request count), and everything runs on loopback.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const benchRoot = join(repositoryRoot, "bench");

const env = process.env;
const number = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

/** Server that hosts the benchmark database (trust auth on the project's machines). */
export const adminUrl = env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const databaseName = env.BENCH_DATABASE ?? "pulse_bench";
export const databaseUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();

/** Size of the generated data set. Changing any of these re-seeds the database. */
export interface DataSetParameters {
  accounts: number;
  usageEvents: number;
  surveyResponses: number;
  revenueMonths: number;
  /** Usage events fall in the trailing this-many days (before churn). */
  usageDays: number;
}

export const dataSet: DataSetParameters = {
  accounts: number("BENCH_ACCOUNTS", 10_000),
  usageEvents: number("BENCH_USAGE_EVENTS", 1_000_000),
  surveyResponses: number("BENCH_SURVEY_RESPONSES", 100_000),
  revenueMonths: 12,
  usageDays: 180,
};

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
