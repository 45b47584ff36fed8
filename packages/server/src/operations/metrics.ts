// Prometheus metrics of one server, on a registry of its own (several servers in one process, as
// in the tests, keep separate figures). GraphQL requests and their latency per operation come from
// @graphql-yoga/plugin-prometheus; Pulse adds errors by code, the database pools, the outbox's lag
// (per consumer, and what the horizon holds back) and the webhook deliveries' (read from the
// database at each scrape: the same figures on every server), and the jobs' lag (registered by the
// server that runs the scheduler). Node's defaults (event-loop lag, memory, GC) are collected too.
// Operation names are client-chosen, so only a bounded set of them becomes a label.

import { createCounter, createHistogram, usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Database } from "@pulse/schema/database";
import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import {
  outboxConsumerLags,
  outboxHorizonLag,
  pendingWebhookDeliveries,
  webhookDeliveryLag,
} from "../data/operations.ts";
import { type Logger, logger as processLogger } from "./logger.ts";
import { withTimeout } from "./readiness.ts";

/** How long a scrape waits for each database figure before it shows NaN (the rest still answers). */
const DATABASE_TIMEOUT_MS = 2_000;

/** Distinct operation names kept as labels; later ones are counted as "other". */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface ServerMetrics {
  registry: Registry;
  /** The Yoga plugins that measure GraphQL requests. */
  plugins: Plugin[];
  /** A gauge read at every scrape, e.g. a job's lag in seconds. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** Seconds since each background job last finished, read at every scrape. */
  watchJobs(read: () => Promise<{ job: string; seconds: number }[]>): void;
  /** The text exposition format, for GET /metrics. */
  render(): Promise<string>;
  contentType: string;
}

export function createServerMetrics(
  database: Database,
  options: { logger?: Logger; databaseTimeoutMs?: number } = {},
): ServerMetrics {
  const logger = options.logger ?? processLogger;
  const databaseTimeoutMs = options.databaseTimeoutMs ?? DATABASE_TIMEOUT_MS;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>();
  const operationName = (name: string | undefined) => {
    if (!name) return "anonymous";
    if (!OPERATION_NAME.test(name)) return "other";
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return "other";
    names.add(name);
    return name;
  };
  const labels = (params: { operationName?: string; operationType?: string }) => ({
    operationName: operationName(params.operationName),
    operationType: params.operationType ?? "unknown",
  });

  const errors = new Counter({
    name: "pulse_graphql_errors_total",
    help: "Errors in GraphQL answers, by their extensions.code.",
    labelNames: ["code"],
    registers: [registry],
  });
  new Gauge({
    name: "pulse_db_pool_connections",
    help: "PostgreSQL pool connections by pool (primary, replica) and state (total, idle, waiting).",
    labelNames: ["pool", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const pool of database.pools()) {
        this.set({ pool: pool.name, state: "total" }, pool.total);
        this.set({ pool: pool.name, state: "idle" }, pool.idle);
        this.set({ pool: pool.name, state: "waiting" }, pool.waiting);
      }
    },
  });

  /**
   * A gauge whose values a statement reads at each scrape. A read that fails or does not answer in
   * time (the database is away, or a lock holds it) is logged and leaves the gauge without series,
   * or NaN when it has no labels: never a reassuring 0, and never a scrape that hangs.
   */
  const databaseGauge = <Row>(
    name: string,
    help: string,
    labelNames: string[],
    read: () => Promise<Row[]>,
    set: (gauge: Gauge, row: Row) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const row of await withTimeout(read(), databaseTimeoutMs)) set(this, row);
        } catch (error) {
          logger.warn("metric unavailable", { metric: name, error });
          if (labelNames.length === 0) this.set(Number.NaN);
        }
      },
    });
  databaseGauge(
    "pulse_outbox_lag_seconds",
    "Age of the oldest outbox event each consumer has not read yet (0 when it is caught up): " +
      "playbooks (the evaluator's cursor) and each OutboxConsumer (webhooks).",
    ["consumer"],
    () => outboxConsumerLags(database.primaryReader),
    (gauge, row) => gauge.set({ consumer: row.consumer }, Number(row.seconds)),
  );
  databaseGauge(
    "pulse_outbox_horizon_lag_seconds",
    "Age of the oldest committed outbox event that no consumer may read yet because an older " +
      "transaction is still open (the horizon, events/outbox.ts); 0 when none is held back.",
    [],
    () => outboxHorizonLag(database.primaryReader),
    (gauge, row) => gauge.set(Number(row.seconds)),
  );
  databaseGauge(
    "pulse_webhook_deliveries_pending",
    "Webhook deliveries to enabled endpoints not yet delivered nor given up (due now or waiting for a retry).",
    [],
    () => pendingWebhookDeliveries(database.primaryReader),
    (gauge, row) => gauge.set(Number(row.pending)),
  );
  databaseGauge(
    "pulse_webhook_delivery_lag_seconds",
    "How late the most overdue webhook delivery to an enabled endpoint is: due and not under way (0 when none).",
    [],
    () => webhookDeliveryLag(database.primaryReader),
    (gauge, row) => gauge.set(Number(row.seconds)),
  );

  const countErrors: Plugin = {
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        const executed = single as ExecutionResult;
        for (const error of executed.errors ?? []) {
          const code = error.extensions?.code;
          errors.inc({ code: typeof code === "string" && OPERATION_NAME.test(code) ? code : "UNKNOWN" });
        }
      }
    },
  };

  const prometheus = usePrometheus({
    registry,
    endpoint: false,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: {
          name: "pulse_graphql_requests_total",
          help: "GraphQL operations executed.",
          labelNames: ["operationName", "operationType"],
        },
        fillLabelsFn: labels,
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: {
          name: "pulse_graphql_request_duration_seconds",
          help: "Time to execute a GraphQL operation (parse, validate, execute).",
          labelNames: ["operationName", "operationType"],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        },
        fillLabelsFn: labels,
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: "pulse_http_request_duration_seconds",
          help: "Time to answer an HTTP request to /graphql, by status code.",
          labelNames: ["operationName", "statusCode"],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        },
        fillLabelsFn: (params, context: { response?: Response }) => ({
          operationName: operationName(params.operationName),
          statusCode: context.response?.status ?? 0,
        }),
      }),
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_error_result: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
    },
  });

  return {
    registry,
    plugins: [prometheus, countErrors],
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
    watchJobs(read) {
      new Gauge({
        name: "pulse_job_seconds_since_finished",
        help: "Seconds since each background job last finished on any server (its lag).",
        labelNames: ["job"],
        registers: [registry],
        async collect() {
          this.reset();
          for (const { job, seconds } of await read()) this.set({ job }, seconds);
        },
      });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
