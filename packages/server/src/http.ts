// The HTTP server: GraphQL (and GraphiQL) at /graphql, the SVG/JSON badges, a health check,
// and graceful close (stop accepting, finish in-flight requests, flush pending work).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@pulse/schema/database";
import { BadgeCache, badgeResponse } from "./badge/route.ts";
import { SnapshotRefresher } from "./health/refresher.ts";
import { createPulseYoga, type PulseYogaOptions } from "./yoga.ts";

export interface StartedServer {
  url: string;
  server: Server;
  snapshots: SnapshotRefresher;
  close(): Promise<void>;
}

export async function startHttpServer(
  options: PulseYogaOptions & { database: Database; port?: number; host?: string },
): Promise<StartedServer> {
  const snapshots = options.snapshots ?? new SnapshotRefresher(options.database.prisma);
  const yoga = createPulseYoga({ ...options, snapshots });
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
          snapshots.flush().then(resolve, resolve);
        });
        server.closeIdleConnections();
      }),
  };
}
