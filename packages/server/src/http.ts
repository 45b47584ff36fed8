// The HTTP server: GraphQL (and GraphiQL) at /graphql, the SVG/JSON badges, a health check,
// and graceful close (stop accepting, finish in-flight requests, flush pending work).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@pulse/schema/database";
import { BadgeCache, badgeResponse } from "./badge/route.ts";
import { SnapshotRefresher } from "./health/refresher.ts";
import { handleWidgetRoutes } from "./widgets-route.ts";
import { createPulseYoga, type PulseYogaOptions } from "./yoga.ts";

function tooLarge(response: import("node:http").ServerResponse, limit: number): void {
  response.writeHead(413, { "content-type": "application/json", connection: "close" });
  response.end(JSON.stringify({ errors: [{ message: `Request body larger than ${limit} bytes.`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] }));
}

export interface StartedServer {
  url: string;
  server: Server;
  snapshots: SnapshotRefresher;
  close(): Promise<void>;
}

export async function startHttpServer(
  options: PulseYogaOptions & { database: Database; port?: number; host?: string; maxBodyBytes?: number },
): Promise<StartedServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const snapshots = options.snapshots ?? new SnapshotRefresher(options.database.prisma);
  // Bodies are limited below by their Content-Length (required, and enforced by Node's HTTP
  // parser), so Yoga need not stream each one through its own counting transform.
  const yoga = createPulseYoga({ ...options, snapshots, maxRequestBodySize: false });
  const badgeCache = new BadgeCache();
  const clock = options.clock ?? (() => new Date());
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://pulse.local");
    if (url.pathname === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok", database: options.database.kind }));
      return;
    }
    if (url.pathname === "/") {
      response.writeHead(302, { location: "/graphql" });
      response.end();
      return;
    }
    if (url.pathname.startsWith("/badge/") && (request.method === "GET" || request.method === "HEAD")) {
      badgeResponse({ database: options.database, snapshots }, url, badgeCache, clock()).then(
        (badge) => {
          response.writeHead(badge.status, {
            "content-type": badge.contentType,
            "cache-control": badge.cacheControl,
            "access-control-allow-origin": "*",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
          });
          response.end(request.method === "HEAD" ? undefined : badge.body);
        },
        (error: unknown) => {
          console.error("[badge]", error);
          response.writeHead(500, { "content-type": "text/plain" });
          response.end("badge unavailable");
        },
      );
      return;
    }
    if (url.pathname.startsWith("/widgets/") || url.pathname.startsWith("/demo")) {
      handleWidgetRoutes(request, response, url, options.database).then(
        (handled) => {
          if (!handled) yoga.handle(request, response);
        },
        (error: unknown) => {
          console.error("[widgets]", error);
          if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
          response.end("unavailable");
        },
      );
      return;
    }
    // Bodies over the limit are refused before GraphQL reads them, by their declared length;
    // a streamed body without a length is refused too (fetch, curl and browsers send one).
    if (request.method === "POST") {
      const length = request.headers["content-length"];
      if (length === undefined) {
        request.resume();
        response.writeHead(411, { "content-type": "application/json", connection: "close" });
        response.end(JSON.stringify({ errors: [{ message: "Send a Content-Length header.", extensions: { code: "LENGTH_REQUIRED" } }] }));
        return;
      }
      if (Number(length) > maxBodyBytes) {
        request.resume();
        tooLarge(response, maxBodyBytes);
        return;
      }
    }
    yoga.handle(request, response);
  });
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
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
        server.close(() => {
          Promise.all([snapshots.flush(), yoga.rateLimiter?.close()]).then(() => resolve(), () => resolve());
        });
        server.closeIdleConnections();
      }),
  };
}
