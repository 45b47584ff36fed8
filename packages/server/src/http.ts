// The HTTP server: GraphQL (and GraphiQL) at /graphql, a health check, and graceful close.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@pulse/schema/database";
import { createPulseYoga, type PulseYogaOptions } from "./yoga.ts";

export interface StartedServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startHttpServer(
  options: PulseYogaOptions & { database: Database; port?: number; host?: string },
): Promise<StartedServer> {
  const yoga = createPulseYoga(options);
  const server = createServer((request, response) => {
    if (request.url === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok", database: options.database.kind }));
      return;
    }
    if (request.url === "/" ) {
      response.writeHead(302, { location: "/graphql" });
      response.end();
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
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
