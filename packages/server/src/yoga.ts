// The Yoga server, testable in-process with `yoga.fetch(...)`. It is a factory (not a module
// constant) because the database is opened at start-up and injected. It makes the server's own
// parts (key cache, rate limiter, request guards, the domain's lookups and survey submissions),
// which startHttpServer hands to its other routes, so every path shares them.

import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { Database } from "@pulse/schema/database";
import { execute } from "graphql";
import { createYoga, type Plugin } from "graphql-yoga";
import { ApiKeyCache } from "./auth/api-keys.ts";
import { RequestGuards } from "./auth/guards.ts";
import { RateLimiter, type RateLimits } from "./auth/rate-limiter.ts";
import { VIEWER_TOKEN_HEADER } from "./auth/viewer-token.ts";
import { type Context, createContext, type ServerContext } from "./context.ts";
import { createDomainParts, type DomainParts } from "./domain/context.ts";
import { maskError } from "./errors.ts";
import { DomainEventStream } from "./events/event-stream.ts";
import { renderOfflineGraphiQL, useGraphiQLAssets } from "./graphiql.ts";
import { schema } from "./graphql/index.ts";
import { SnapshotRefresher } from "./health/refresher.ts";
import { PortfolioCache } from "./loaders/portfolio.ts";
import { WorkspaceReadCache } from "./loaders/workspace-read-cache.ts";
import type { ServerMetrics } from "./operations/metrics.ts";
import { useTracing } from "./operations/tracing.ts";
import { useCompiledQueries } from "./plugins/use-compiled-queries.ts";
import { useErrorCodes } from "./plugins/use-error-codes.ts";
import { useEventIds } from "./plugins/use-event-ids.ts";
import { useGraphQLEndpoint } from "./plugins/use-graphql-endpoint.ts";
import { useIdempotency } from "./plugins/use-idempotency.ts";
import { useInputSanity } from "./plugins/use-input-sanity.ts";
import { useKeyScope } from "./plugins/use-key-scope.ts";
import { useOperation } from "./plugins/use-operation.ts";
import { DEFAULT_QUERY_LIMITS, type QueryLimits, useQueryLimits } from "./plugins/use-query-limits.ts";
import { useReadYourWrites } from "./plugins/use-read-your-writes.ts";
import { useRequestGuards } from "./plugins/use-request-guards.ts";

export interface PulseYogaOptions {
  database: Database;
  /** Headers pre-filled in GraphiQL (the demo puts its secret key here). */
  graphiqlHeaders?: Record<string, string>;
  logging?: boolean;
  /** The clock every request reads once (tests pin it). */
  clock?: () => Date;
  /** Recomputes snapshots after writes; one per database (tests flush it). */
  snapshots?: SnapshotRefresher;
  /** Query limits; production mode turns introspection, field suggestions and GraphiQL off. */
  limits?: Partial<QueryLimits>;
  /** Rate limits, or null for none (tests, benchmarks). */
  rateLimits?: RateLimits | null;
  redisUrl?: string;
  /** Operations clients may send by id (`extensions.persistedQuery.sha256Hash`), hash → document. */
  persistedOperations?: Record<string, string>;
  /** When true, only persisted operations are accepted. */
  persistedOperationsOnly?: boolean;
  /** Shared with other parts of the server that revoke keys. */
  keys?: ApiKeyCache;
  /** The widget lookups and survey submissions of this server; made here by default. */
  domain?: DomainParts;
  /**
   * Yoga's own body limit (bytes), which streams every body through a counting transform.
   * `startHttpServer` turns it off: it refuses bodies by their required Content-Length first.
   */
  maxRequestBodySize?: number | false;
  /**
   * Queries (not mutations) run as compiled functions (graphql-jit, see
   * plugins/use-compiled-queries.ts), default true: the same answers for about a quarter less CPU
   * on a page of accounts; false runs them through graphql-js.
   */
  compiledQueries?: boolean;
  /** Prometheus metrics of this server (see operations/metrics.ts); none when absent. */
  metrics?: ServerMetrics;
  /** OpenTelemetry spans per operation to the global tracer provider (default false). */
  tracing?: boolean;
  /** Live domain events for subscriptions; by default one per Yoga, stopped when the database closes. */
  events?: DomainEventStream;
  /** Webhook endpoint URLs may name private, loopback or link-local hosts (default false). */
  allowPrivateWebhooks?: boolean;
}

export const GRAPHQL_ENDPOINT = "/graphql";

/**
 * Executes with graphql-js's own `execute` instead of Yoga's default executor
 * (@graphql-tools/executor, which adds @defer/@stream and abort signals, neither used here):
 * about 4 % less CPU per dashboard page, measured in-process with the two alternated. It comes
 * first, so the plugins that wrap execution (the timeout) wrap this one.
 */
function useGraphQLJsExecute(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute);
    },
  };
}

export function createPulseYoga(options: PulseYogaOptions) {
  const snapshots = options.snapshots ?? new SnapshotRefresher(options.database);
  const limits = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  const keys = options.keys ?? new ApiKeyCache();
  const rateLimiter = options.rateLimits ? new RateLimiter(options.rateLimits, options.redisUrl) : null;
  const persisted = options.persistedOperations ?? {};
  const portfolios = new PortfolioCache();
  const reads = new WorkspaceReadCache();
  const domain = options.domain ?? createDomainParts(options.database);
  const guards = new RequestGuards({
    database: options.database,
    keys,
    rateLimiter,
    lookups: domain.lookups,
    clock: options.clock,
  });
  const events = options.events ?? new DomainEventStream(options.database, { redisUrl: options.redisUrl });
  const yoga = createYoga<ServerContext, Context>({
    schema,
    context: (initial) =>
      createContext({
        ...initial,
        database: options.database,
        clock: options.clock,
        snapshots,
        keys,
        rateLimiter,
        lookups: domain.lookups,
        submissions: domain.submissions,
        portfolios,
        reads,
        events,
        webhooks: { allowPrivate: options.allowPrivateWebhooks ?? false },
      }),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: options.logging ?? false,
    batching: false,
    maxRequestBodySize: options.maxRequestBodySize ?? 1024 * 1024,
    maskedErrors: { maskError },
    cors: {
      origin: "*",
      allowedHeaders: [
        "authorization",
        "content-type",
        "idempotency-key",
        "last-event-id",
        "x-api-key",
        "x-graphql-yoga-csrf",
        // Dashboards: a viewer token next to the publishable key (auth/viewer-token.ts).
        VIEWER_TOKEN_HEADER,
      ],
      methods: ["GET", "POST", "OPTIONS"],
      credentials: false,
      // Pages may read when to retry a 429 (and a 503).
      exposedHeaders: ["retry-after"],
      maxAge: 600,
    },
    graphiql: limits.introspection
      ? {
          title: "Pulse",
          headers: options.graphiqlHeaders ? JSON.stringify(options.graphiqlHeaders) : undefined,
          defaultQuery:
            "{\n  workspace { name }\n  accounts(first: 5) {\n    edges { node { name segment health { score band } } }\n  }\n}\n",
        }
      : false,
    // GraphiQL's assets come from this server (no CDN), so it works offline.
    renderGraphiQL: renderOfflineGraphiQL,
    plugins: [
      ...(limits.introspection ? [useGraphiQLAssets()] : []),
      // Measurement first, so it sees every request and every answer, refused ones included.
      ...(options.metrics?.plugins ?? []),
      ...(options.tracing ? [useTracing()] : []),
      // First of the onExecute hooks that decide anything (the measuring ones above only
      // observe): the one decision of which operation runs (see the file).
      useOperation(),
      useGraphQLJsExecute(),
      // First of all onRequest hooks of ours: GraphQL is the endpoint's exact path, nothing else.
      useGraphQLEndpoint(GRAPHQL_ENDPOINT),
      ...(options.compiledQueries === false ? [] : useCompiledQueries()),
      // The request guards (auth/guards.ts): IP limit, API key, origin, key limit, viewer token.
      useRequestGuards(guards),
      // The input guard of the same pipeline, on the parsed request and the document's literals.
      useInputSanity(),
      // Browsers may only send GraphQL with a non-simple content type or this header: no CSRF
      // through HTML forms (GET queries included), while API clients are unaffected.
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf", "authorization", "x-api-key"] }),
      usePersistedOperations({
        getPersistedOperation: (hash) => persisted[hash] ?? null,
        allowArbitraryOperations: !options.persistedOperationsOnly,
        skipDocumentValidation: false,
        customErrors: {
          keyNotFound: {
            message:
              "Send a `query`, or the sha256 hash of a persisted operation in extensions.persistedQuery.",
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          },
          notFound: {
            message: "Unknown persisted operation.",
            extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } },
          },
          persistedQueryOnly: {
            message: "This server accepts persisted operations only.",
            extensions: { code: "PERSISTED_QUERY_ONLY", http: { status: 400 } },
          },
        },
      }),
      ...useQueryLimits(limits),
      useKeyScope(),
      useReadYourWrites(),
      useIdempotency(),
      useErrorCodes(),
      useEventIds(),
    ],
  });
  return Object.assign(yoga, { rateLimiter, keys, events, guards, domain });
}

export type PulseYoga = ReturnType<typeof createPulseYoga>;
