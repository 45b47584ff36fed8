// Configuration from the environment, validated once at start-up with a clear message.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// connection string")
    .optional(),
  /** A streaming replica for reads (see README, "Several servers"). */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_READ_URL must be a postgresql:// connection string")
    .optional(),
  /** The primary itself, for migrations, when DATABASE_URL goes through a pooler. */
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_DIRECT_URL must be a postgresql:// connection string")
    .optional(),
  /** false behind PgBouncer < 1.21 in transaction mode (no named prepared statements there). */
  PULSE_DB_PREPARED_STATEMENTS: z.enum(["true", "false"]).default("true"),
  PULSE_DATA_DIR: z
    .string()
    .min(1)
    .default(join(repositoryRoot, ".data", "pglite")),
  PULSE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** production: introspection, field suggestions and GraphiQL off unless asked for. */
  PULSE_ENV: z.enum(["development", "production"]).default("development"),
  PULSE_INTROSPECTION: z.enum(["true", "false"]).optional(),
  PULSE_RATE_LIMIT: z.enum(["on", "off"]).default("on"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// URL")
    .optional(),
  PULSE_TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  PULSE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** When set, GET /metrics (Prometheus) requires `Authorization: Bearer <token>`. */
  PULSE_METRICS_TOKEN: z.string().min(16, "PULSE_METRICS_TOKEN must have at least 16 characters").optional(),
  /** OpenTelemetry spans per GraphQL operation, to the tracer provider the process registers. */
  PULSE_OTEL_TRACES: z.enum(["true", "false"]).default("false"),
  /** Structured (JSON) log lines at this level and above. */
  PULSE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  PULSE_EXECUTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Webhook URLs may name private, loopback and link-local hosts (a receiver inside the network). */
  PULSE_WEBHOOKS_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  /** An attempt without an answer by then fails (ms). */
  PULSE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts under way at once per endpoint, across all servers. */
  PULSE_WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(5),
  /** Failed attempts in a row after which an endpoint is disabled. */
  PULSE_WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Outbox events older than this many days, once every consumer has read them, are deleted. */
  PULSE_OUTBOX_RETENTION_DAYS: z.coerce.number().min(0.001).max(3650).default(7),
});

export type PulseConfig = z.infer<typeof environment>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): PulseConfig {
  const parsed = environment.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || bare === "::ffff:127.0.0.1"
  );
}

/**
 * Development on loopback: the only setting where the README's well-known demo keys may exist,
 * because nobody but this machine's user can reach the server.
 */
export function isDevelopmentOnLoopback(config: Pick<PulseConfig, "PULSE_ENV" | "HOST">): boolean {
  return config.PULSE_ENV === "development" && isLoopbackHost(config.HOST);
}
