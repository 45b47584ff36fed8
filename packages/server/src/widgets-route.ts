// Serves the widget scripts (/widgets/*.js, built by @pulse/widgets into dist/cdn) as a CDN
// would, and the demo host page (/demo/), whose settings the server fills in for the demo
// workspace: the publishable key and freshly signed tokens for one demo account and a new visitor.
// GET /demo/viewer-token signs a viewer token for the demo workspace (the reference dashboard's
// credential), only where the demo runs with its published keys (development on loopback).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { Database } from "@pulse/schema/database";
import { hashApiKey } from "./auth/api-keys.ts";
import { signViewerToken } from "./auth/viewer-token.ts";
import { signWidgetToken } from "./auth/widget-token.ts";
import { DEMO_PUBLISHABLE_KEY, DEMO_SLUG } from "./seed/demo.ts";

export const widgetsDistDirectory = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "widgets",
  "dist",
  "cdn",
);

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
};

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
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

type Encoding = "br" | "gzip";

/** One script and its compressed forms, with the hash of its content. */
interface ScriptFile {
  mtimeMs: number;
  size: number;
  hash: string;
  bodies: Record<Encoding | "identity", Buffer>;
}

const scripts = new Map<string, ScriptFile>();

/**
 * The build's `<file>.br` / `<file>.gz` when they decompress to the file itself (a stale one,
 * from an older build or a file rebuilt alone, is never served), else null.
 */
function precompressed(path: string, decompress: (body: Buffer) => Buffer, identity: Buffer): Buffer | null {
  if (!existsSync(path)) return null;
  const body = readFileSync(path);
  try {
    return decompress(body).equals(identity) ? body : null;
  } catch {
    return null;
  }
}

/** A script read once per change on disk (mtime and size), with both compressed forms. */
function loadScript(path: string): ScriptFile {
  const stat = statSync(path);
  const cached = scripts.get(path);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
  const identity = readFileSync(path);
  const file: ScriptFile = {
    mtimeMs: stat.mtimeMs,
    size: stat.size,
    hash: createHash("sha256").update(identity).digest("hex").slice(0, 12),
    bodies: {
      identity,
      // Made at build time (packages/widgets/scripts/cdn-files.mjs); compressed here only when missing.
      br: precompressed(`${path}.br`, brotliDecompressSync, identity) ?? brotliCompressSync(identity),
      gzip: precompressed(`${path}.gz`, gunzipSync, identity) ?? gzipSync(identity, { level: 9 }),
    },
  };
  scripts.set(path, file);
  return file;
}

/** The encoding to send for an Accept-Encoding header: brotli, else gzip, else none (q=0 refuses one). */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | null {
  const quality = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...parameters] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    quality.set(name, Number.isFinite(value) ? value : 0);
  }
  const of = (name: string) => quality.get(name) ?? quality.get("*") ?? 0;
  if (of("br") > 0 && of("br") >= of("gzip")) return "br";
  return of("gzip") > 0 ? "gzip" : null;
}

/** Whether If-None-Match names the current content (any of its encodings, weak or strong). */
function notModified(ifNoneMatch: string | undefined, hash: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === "*" || value === `"${hash}"` || value.startsWith(`"${hash}-`);
  });
}

/**
 * A widget script: brotli or gzip as the client accepts, `Vary: Accept-Encoding`, an ETag per
 * content and encoding with 304s, and `immutable` caching for content-hashed names
 * (`pulse-widgets.<hash>.js`) whose content matches their hash. Stable names are cached for 5
 * minutes and then revalidated.
 */
function sendScript(request: IncomingMessage, response: ServerResponse, path: string, file: string): void {
  const script = loadScript(path);
  const hashed = /\.([0-9a-f]{12})\.js$/.exec(file)?.[1];
  const encoding = preferredEncoding(request.headers["accept-encoding"]);
  const headers: Record<string, string> = {
    "content-type": TYPES[".js"] ?? "text/javascript",
    "cache-control": hashed === script.hash ? "public, max-age=31536000, immutable" : "public, max-age=300",
    etag: `"${script.hash}-${encoding ?? "identity"}"`,
    vary: "Accept-Encoding",
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
    ...(encoding ? { "content-encoding": encoding } : {}),
  };
  if (notModified(request.headers["if-none-match"], script.hash)) {
    send(response, 304, "", headers);
    return;
  }
  const body = script.bodies[encoding ?? "identity"];
  headers["content-length"] = String(body.length);
  send(response, 200, request.method === "HEAD" ? "" : body, headers);
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
    const file = /^\/widgets\/([a-z0-9-]+(\.[0-9a-f]{12})?\.js(\.map)?|manifest\.json)$/.exec(
      url.pathname,
    )?.[1];
    const path = file ? fileUnder(root, file) : null;
    if (!path || !file) {
      send(
        response,
        404,
        existsSync(root)
          ? "no such widget file"
          : "widgets are not built: run `pnpm --filter @pulse/widgets build`",
        {
          "content-type": "text/plain; charset=utf-8",
        },
      );
      return true;
    }
    if (file.endsWith(".js")) {
      sendScript(request, response, path, file);
      return true;
    }
    // Source maps and manifest.json (stable name → hashed name): small, always revalidated.
    send(response, 200, request.method === "HEAD" ? "" : readFileSync(path), {
      "content-type": TYPES[file.endsWith(".map") ? ".map" : ".json"] ?? "application/json",
      "cache-control": "no-cache",
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
  if (url.pathname === DEMO_VIEWER_TOKEN_PATH) {
    const answer = await demoViewerToken(database, url);
    send(response, answer ? 200 : 404, JSON.stringify(answer ?? { error: "no demo workspace here" }), {
      "content-type": "application/json",
      "cache-control": "no-store",
    });
    return true;
  }
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
    "content-security-policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  return true;
}

export const DEMO_VIEWER_TOKEN_PATH = "/demo/viewer-token";

/** How long the demo's viewer tokens live: short, so the dashboard shows its refresh working. */
export const DEMO_VIEWER_TOKEN_SECONDS = 900;

/**
 * A viewer token for the demo workspace, scoped by the query's `csm`, `seg` and `acc` values
 * (repeatable) or else to the whole workspace; null unless the demo workspace is there with its
 * published publishable key (which `pulse start` creates only in development on loopback).
 */
async function demoViewerToken(
  database: Database,
  url: URL,
): Promise<{ token: string; publishableKey: string; expiresAt: string } | null> {
  const key = await database.prisma.apiKey.findUnique({
    where: { hash: hashApiKey(DEMO_PUBLISHABLE_KEY) },
    select: {
      revokedAt: true,
      workspace: { select: { id: true, slug: true, signingSecret: true, disabledAt: true } },
    },
  });
  if (!key || key.revokedAt || key.workspace.slug !== DEMO_SLUG || key.workspace.disabledAt) return null;
  const list = (name: string) => {
    const values = url.searchParams.getAll(name).filter((value) => value.length > 0);
    return values.length > 0 ? values : undefined;
  };
  const scope = { csmOwners: list("csm"), segments: list("seg"), accounts: list("acc") };
  const scoped = Object.values(scope).some((values) => values !== undefined);
  const issuedAt = new Date();
  const token = await signViewerToken(
    {
      workspaceId: key.workspace.id,
      subject: "demo-viewer",
      ...(scoped ? scope : { scope: "workspace" as const }),
      expiresInSeconds: DEMO_VIEWER_TOKEN_SECONDS,
      issuedAt,
    },
    key.workspace.signingSecret,
  );
  return {
    token,
    publishableKey: DEMO_PUBLISHABLE_KEY,
    expiresAt: new Date(
      Math.floor(issuedAt.getTime() / 1000) * 1000 + DEMO_VIEWER_TOKEN_SECONDS * 1000,
    ).toISOString(),
  };
}

async function demoConfig(
  database: Database,
  url: URL,
  request: IncomingMessage,
): Promise<Record<string, unknown>> {
  const workspace = await database.prisma.workspace.findUnique({
    where: { slug: DEMO_SLUG },
    select: { id: true, signingSecret: true },
  });
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
    token: await signWidgetToken(
      { workspaceId: workspace.id, account: account.externalId, contact: visitor, expiresInSeconds: 3600 },
      workspace.signingSecret,
    ),
    badgeToken: await signWidgetToken(
      { workspaceId: workspace.id, account: account.externalId, expiresInSeconds: 3600 },
      workspace.signingSecret,
    ),
    surveys: { nps: "nps-main", ces: "ces-onboarding", csat: "csat-support" },
    lang: url.searchParams.get("lang") ?? undefined,
    theme: url.searchParams.get("theme") ?? undefined,
  };
}
