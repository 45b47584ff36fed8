// Serves the widget scripts (/widgets/*.js, built by @pulse/widgets into dist/cdn) and the demo
// host page (/demo/), whose settings the server fills in for the demo workspace: the
// publishable key and freshly signed tokens for one demo account and a new visitor.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "@pulse/schema/database";
import { signWidgetToken } from "./auth/widget-token.ts";
import { DEMO_PUBLISHABLE_KEY, DEMO_SLUG } from "./seed/demo.ts";

export const widgetsDistDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "widgets", "dist", "cdn");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json",
};

function send(response: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  response.writeHead(status, { "x-content-type-options": "nosniff", ...headers });
  response.end(body);
}

/** A file under `root`, or null when the path escapes it or does not exist. */
function fileUnder(root: string, relative: string): string | null {
  const path = normalize(join(root, relative));
  if (!path.startsWith(root) || !existsSync(path)) return null;
  return path;
}

/** Script-safe JSON for an inline data block: `<` cannot close the element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export async function handleWidgetRoutes(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  database: Database,
  root = widgetsDistDirectory,
): Promise<boolean> {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (url.pathname.startsWith("/widgets/")) {
    const file = /^\/widgets\/([a-z0-9-]+\.(js|js\.map))$/.exec(url.pathname)?.[1];
    const path = file ? fileUnder(root, file) : null;
    if (!path) {
      send(response, 404, existsSync(root) ? "no such widget file" : "widgets are not built: run `pnpm --filter @pulse/widgets build`", {
        "content-type": "text/plain; charset=utf-8",
      });
      return true;
    }
    send(response, 200, readFileSync(path), {
      "content-type": TYPES[path.endsWith(".map") ? ".map" : ".js"] ?? "application/octet-stream",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
    });
    return true;
  }
  if (url.pathname === "/demo") {
    send(response, 302, "", { location: "/demo/" });
    return true;
  }
  if (!url.pathname.startsWith("/demo/")) return false;
  const asset = url.pathname.slice("/demo/".length) || "index.html";
  const path = /^(index\.html|demo\.js|demo\.css)$/.test(asset) ? fileUnder(join(root, "demo"), asset) : null;
  if (!path) {
    send(response, 404, "not found", { "content-type": "text/plain; charset=utf-8" });
    return true;
  }
  const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
  if (!path.endsWith("index.html")) {
    send(response, 200, readFileSync(path), { "content-type": type, "cache-control": "no-cache" });
    return true;
  }
  const config = await demoConfig(database, url, request);
  const html = readFileSync(path, "utf8").replace(
    /<script type="application\/json" id="pulse-demo-config">[\s\S]*?<\/script>/,
    `<script type="application/json" id="pulse-demo-config">${inlineJson(config)}</script>`,
  );
  send(response, 200, html, {
    "content-type": type,
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  return true;
}

async function demoConfig(database: Database, url: URL, request: IncomingMessage): Promise<Record<string, unknown>> {
  const workspace = await database.prisma.workspace.findUnique({ where: { slug: DEMO_SLUG }, select: { id: true, signingSecret: true } });
  if (!workspace) return {};
  const requested = url.searchParams.get("account");
  const account = await database.prisma.account.findFirst({
    where: { workspaceId: workspace.id, churnedAt: null, ...(requested ? { externalId: requested } : {}) },
    orderBy: { externalId: "asc" },
    select: { externalId: true },
  });
  if (!account) return {};
  // A new visitor per page load, so the surveys ask again (re-ask applies per contact).
  const visitor = `demo-visitor-${randomBytes(6).toString("hex")}`;
  const host = request.headers.host ?? url.host;
  return {
    endpoint: `http://${host}`,
    publishableKey: DEMO_PUBLISHABLE_KEY,
    token: await signWidgetToken({ workspaceId: workspace.id, account: account.externalId, contact: visitor, expiresInSeconds: 3600 }, workspace.signingSecret),
    badgeToken: await signWidgetToken({ workspaceId: workspace.id, account: account.externalId, expiresInSeconds: 3600 }, workspace.signingSecret),
    surveys: { nps: "nps-main", ces: "ces-onboarding", csat: "csat-support" },
    lang: url.searchParams.get("lang") ?? undefined,
    theme: url.searchParams.get("theme") ?? undefined,
  };
}
