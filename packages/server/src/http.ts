// The HTTP server: GraphQL (and GraphiQL) at /graphql, the widgets' survey submissions at
// /widgets/v1/responses, the widget scripts, the SVG/JSON badges, a health check, and graceful
// close (stop accepting, finish in-flight requests, flush pending work).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@pulse/schema/database";
import { bodyGuard, refusal } from "./auth/guards.ts";
import { BadgeCache, badgeResponse } from "./badge/route.ts";
import { handleDashboardRoute, isDashboardPath } from "./dashboard-route.ts";
import { GRAPHIQL_ASSETS_PATH } from "./graphiql.ts";
import { SnapshotRefresher } from "./health/refresher.ts";
import { headerReader, refusalAnswer, sendAnswer } from "./http-answers.ts";
import { logger, requestIdFrom, withRequestId } from "./operations/logger.ts";
import { createServerMetrics, type ServerMetrics } from "./operations/metrics.ts";
import { readiness } from "./operations/readiness.ts";
import { notFoundBody } from "./plugins/use-graphql-endpoint.ts";
import { handleResponsesRoute, RESPONSES_PATH } from "./widget/responses-route.ts";
import { handleWidgetRoutes } from "./widgets-route.ts";
import { createPulseYoga, GRAPHQL_ENDPOINT, type PulseYogaOptions } from "./yoga.ts";

function notFound(response: ServerResponse, path: string): void {
  response.writeHead(404, { "content-type": "application/json", "access-control-allow-origin": "*" });
  response.end(notFoundBody(path, GRAPHQL_ENDPOINT));
}

export interface StartedServer {
  url: string;
  server: Server;
  snapshots: SnapshotRefresher;
  metrics: ServerMetrics;
  /** From now on /readyz answers 503, so a load balancer stops sending; close() begins with it. */
  beginDrain(): void;
  close(): Promise<void>;
}

export async function startHttpServer(
  options: PulseYogaOptions & {
    database: Database;
    port?: number;
    host?: string;
    maxBodyBytes?: number;
    /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
    metricsToken?: string;
  },
): Promise<StartedServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const snapshots = options.snapshots ?? new SnapshotRefresher(options.database);
  const metrics = options.metrics ?? createServerMetrics(options.database);
  let draining = false;
  // Bodies are limited below by their Content-Length (required, and enforced by Node's HTTP
  // parser), so Yoga need not stream each one through its own counting transform.
  const yoga = createPulseYoga({ ...options, snapshots, metrics, maxRequestBodySize: false });
  const badgeCache = new BadgeCache();
  const clock = options.clock ?? (() => new Date());
  // The server's parts, made with Yoga: every route below uses these same ones.
  const parts = {
    database: options.database,
    snapshots,
    rateLimiter: yoga.rateLimiter,
    ...yoga.domain,
  };
  // Survey submissions without GraphQL, through the same request guards as /graphql.
  const responsesRoute = { guards: yoga.guards, server: parts, clock, maxBodyBytes };
  const server = createServer((request, response) => {
    // Every log line of this request carries its id, which the answer echoes.
    const requestId = requestIdFrom(request.headers["x-request-id"]);
    response.setHeader("x-request-id", requestId);
    withRequestId(requestId, () => route(request, response));
  });
  const route = (request: IncomingMessage, response: ServerResponse) => {
    // Parsed as the path it is: as a relative reference, "//graphql" would name a host.
    const url = new URL(`http://pulse.local${request.url?.startsWith("/") ? request.url : "/"}`);
    if (url.pathname === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok", database: options.database.kind }));
      return;
    }
    if (url.pathname === "/readyz") {
      readiness(options.database, draining)
        .catch((error: unknown) => ({
          ready: false,
          checks: { database: `unknown: ${(error as Error).message}`, migrations: "unknown", draining },
        }))
        .then((ready) => {
          response.writeHead(ready.ready ? 200 : 503, {
            "content-type": "application/json",
            "cache-control": "no-store",
          });
          response.end(JSON.stringify({ status: ready.ready ? "ready" : "not ready", ...ready.checks }));
        });
      return;
    }
    if (url.pathname === "/metrics" && request.method === "GET") {
      if (options.metricsToken && request.headers.authorization !== `Bearer ${options.metricsToken}`) {
        response.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" });
        response.end("metrics need the metrics token");
        return;
      }
      metrics.render().then(
        (text) => {
          response.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
          response.end(text);
        },
        (error: unknown) => {
          logger.error("metrics unavailable", { error });
          response.writeHead(500, { "content-type": "text/plain" });
          response.end("metrics unavailable");
        },
      );
      return;
    }
    if (url.pathname === "/") {
      response.writeHead(302, { location: "/graphql" });
      response.end();
      return;
    }
    if (url.pathname.startsWith("/badge/") && (request.method === "GET" || request.method === "HEAD")) {
      const limiter = yoga.rateLimiter;
      const ip = limiter ? limiter.clientIp(headerReader(request.headers), request) : "unknown";
      badgeResponse(parts, url, badgeCache, clock(), {
        rateLimiter: limiter,
        ip,
      }).then(
        (badge) => {
          response.writeHead(badge.status, {
            ...badge.headers,
            "content-type": badge.contentType,
            "cache-control": badge.cacheControl,
            "access-control-allow-origin": "*",
            "access-control-expose-headers": "retry-after",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
          });
          response.end(request.method === "HEAD" ? undefined : badge.body);
        },
        (error: unknown) => {
          logger.error("badge failed", { error });
          response.writeHead(500, { "content-type": "text/plain" });
          response.end("badge unavailable");
        },
      );
      return;
    }
    if (url.pathname === RESPONSES_PATH) {
      handleResponsesRoute(request, response, responsesRoute).catch((error: unknown) => {
        logger.error("survey submission failed", { error });
        if (!request.readableEnded) request.resume();
        if (response.headersSent) response.end();
        else
          sendAnswer(response, refusalAnswer(refusal(500, "INTERNAL_SERVER_ERROR", "Unexpected error.")), {
            "access-control-allow-origin": "*",
          });
      });
      return;
    }
    // The reference dashboard (examples/dashboard), next to the widgets' demo page.
    if (isDashboardPath(url.pathname)) {
      handleDashboardRoute(request, response, url);
      return;
    }
    if (url.pathname.startsWith("/widgets/") || url.pathname.startsWith("/demo")) {
      handleWidgetRoutes(request, response, url, options.database).then(
        (handled) => {
          if (!handled) notFound(response, url.pathname);
        },
        (error: unknown) => {
          logger.error("widget route failed", { error });
          if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
          response.end("unavailable");
        },
      );
      return;
    }
    // One routing decision on the parsed path: GraphQL is /graphql exactly (Yoga alone would also
    // take any URL whose text ends in it); everything else is a 404.
    // GraphiQL's own assets (served from node_modules by a Yoga plugin, see graphiql.ts).
    if (
      url.pathname.startsWith(GRAPHIQL_ASSETS_PATH) &&
      (request.method === "GET" || request.method === "HEAD")
    ) {
      yoga.handle(request, response);
      return;
    }
    if (url.pathname !== GRAPHQL_ENDPOINT) {
      notFound(response, url.pathname);
      return;
    }
    // Bodies over the limit are refused before GraphQL reads them, by their declared length;
    // a streamed body without a length is refused too (fetch, curl and browsers send one).
    const lengthRefused =
      request.method === "POST" ? bodyGuard(headerReader(request.headers), maxBodyBytes) : null;
    if (lengthRefused) {
      request.resume();
      sendAnswer(response, refusalAnswer(lengthRefused));
      return;
    }
    yoga.handle(request, response);
  };
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    snapshots,
    metrics,
    beginDrain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Not ready from now on; stop accepting, let in-flight requests finish, then drop idle
        // keep-alive sockets.
        draining = true;
        server.close(() => {
          Promise.all([
            snapshots.flush(),
            yoga.domain.submissions.drain(),
            yoga.rateLimiter?.close(),
            yoga.events.stop(),
          ]).then(
            () => resolve(),
            () => resolve(),
          );
        });
        server.closeIdleConnections();
        // Subscriptions are open responses: ending their streams lets server.close() finish.
        void yoga.events.stop();
      }),
  };
}
