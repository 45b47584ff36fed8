// Serves the reference dashboard (examples/dashboard, built by Vite into its dist/) at
// /demo/dashboard/: its page and its content-hashed assets. The page reads through /graphql with
// a viewer token that it gets from the demo workspace's backend route.
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const DASHBOARD_PATH = "/demo/dashboard";

export const dashboardDistDirectory = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "examples",
  "dashboard",
  "dist",
);

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

/** Whether the path is the dashboard's (the router sends it here, before the widgets' /demo). */
export function isDashboardPath(pathname: string): boolean {
  return pathname === DASHBOARD_PATH || pathname.startsWith(`${DASHBOARD_PATH}/`);
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
  response.writeHead(status, { "x-content-type-options": "nosniff", ...headers });
  response.end(body);
}

/** Answers a GET or HEAD under /demo/dashboard; anything else is a 405. */
export function handleDashboardRoute(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  root = dashboardDistDirectory,
): void {
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, "method not allowed", {
      "content-type": "text/plain; charset=utf-8",
      allow: "GET, HEAD",
    });
    return;
  }
  if (url.pathname === DASHBOARD_PATH) {
    send(response, 302, "", { location: `${DASHBOARD_PATH}/${url.search}` });
    return;
  }
  const head = request.method === "HEAD";
  const relative = url.pathname.slice(DASHBOARD_PATH.length + 1);
  if (relative === "" || relative === "index.html") {
    const page = join(root, "index.html");
    if (!existsSync(page)) {
      send(response, 404, "the dashboard is not built: run `pnpm --filter @pulse/dashboard-example build`", {
        "content-type": "text/plain; charset=utf-8",
      });
      return;
    }
    send(response, 200, head ? "" : readFileSync(page), {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-security-policy":
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    });
    return;
  }
  // Vite's assets: content-hashed names, so cacheable for good.
  const file = /^assets\/[A-Za-z0-9_-]+\.(js|css)(\.map)?$/.test(relative)
    ? normalize(join(root, relative))
    : "";
  if (!file.startsWith(root + sep) || !existsSync(file)) {
    send(response, 404, "not found", { "content-type": "text/plain; charset=utf-8" });
    return;
  }
  const extension = file.endsWith(".map") ? ".map" : file.slice(file.lastIndexOf("."));
  send(response, 200, head ? "" : readFileSync(file), {
    "content-type": TYPES[extension] ?? "application/octet-stream",
    "cache-control": extension === ".map" ? "no-cache" : "public, max-age=31536000, immutable",
  });
}
