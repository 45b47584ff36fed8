// GraphiQL served by Pulse itself, so it works without the internet: Yoga's default page loads
// its script, stylesheet and editor workers from unpkg.com. The same build comes from the npm
// package @graphql-yoga/graphiql (one UMD bundle with React, GraphiQL and Monaco, fonts inlined
// as data: URLs) and is served from node_modules under a versioned path, so it can be cached
// as immutable.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Plugin } from "graphql-yoga";

const packageJson = createRequire(import.meta.url).resolve("@graphql-yoga/graphiql/package.json");
const distDirectory = join(dirname(packageJson), "dist");
const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;

/** Where the assets are served; the version in the path makes each URL's content fixed. */
export const GRAPHIQL_ASSETS_PATH = `/graphiql/${version}/`;

const ASSETS: Record<string, string> = {
  "yoga-graphiql.umd.js": "text/javascript; charset=utf-8",
  "graphiql.css": "text/css; charset=utf-8",
  "monacoeditorwork/editor.worker.bundle.js": "text/javascript; charset=utf-8",
  "monacoeditorwork/json.worker.bundle.js": "text/javascript; charset=utf-8",
  "monacoeditorwork/graphql.worker..bundle.js": "text/javascript; charset=utf-8",
};

interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  type: string;
}

const loaded = new Map<string, Asset>();

/** Read and gzipped once per process, on first request (5 MB of script compress to about 1.5 MB). */
function asset(name: string): Asset | null {
  const type = ASSETS[name];
  if (!type) return null;
  let found = loaded.get(name);
  if (!found) {
    const body = readFileSync(join(distDirectory, name));
    found = {
      body,
      gzip: gzipSync(body),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      type,
    };
    loaded.set(name, found);
  }
  return found;
}

/** Serves the GraphiQL assets under GRAPHIQL_ASSETS_PATH (GET and HEAD). */
export function useGraphiQLAssets(): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      const found =
        request.method === "GET" || request.method === "HEAD"
          ? asset(url.pathname.slice(GRAPHIQL_ASSETS_PATH.length))
          : null;
      if (!found) {
        endResponse(
          new fetchAPI.Response("not found", {
            status: 404,
            headers: { "content-type": "text/plain; charset=utf-8" },
          }),
        );
        return;
      }
      const headers: Record<string, string> = {
        "content-type": found.type,
        "cache-control": "public, max-age=31536000, immutable",
        etag: found.etag,
        vary: "Accept-Encoding",
        "x-content-type-options": "nosniff",
      };
      if (request.headers.get("if-none-match") === found.etag) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const gzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
      if (gzip) headers["content-encoding"] = "gzip";
      const body = gzip ? found.gzip : found.body;
      endResponse(
        new fetchAPI.Response(request.method === "HEAD" ? null : new Uint8Array(body), {
          status: 200,
          headers,
        }),
      );
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Yoga's GraphiQL page, with every asset from this server instead of a CDN. */
export function renderOfflineGraphiQL(options: { title?: string } & Record<string, unknown>): string {
  const title = escapeHtml(options.title ?? "GraphiQL");
  // This build opens with `query` (else its welcome text) and ignores `defaultQuery`.
  const page = { ...options, query: options.query ?? options.defaultQuery };
  // Script-safe JSON: `<` cannot close the script element.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
  const workers = {
    editorWorkerService: `${GRAPHIQL_ASSETS_PATH}monacoeditorwork/editor.worker.bundle.js`,
    json: `${GRAPHIQL_ASSETS_PATH}monacoeditorwork/json.worker.bundle.js`,
    graphql: `${GRAPHIQL_ASSETS_PATH}monacoeditorwork/graphql.worker..bundle.js`,
  };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}graphiql.css"></head>
<body id="body" class="no-focus-outline"><noscript>GraphiQL needs JavaScript.</noscript><div id="root">Loading ${title}…</div>
<script>const workers = ${json(workers)};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };</script>
<script src="${GRAPHIQL_ASSETS_PATH}yoga-graphiql.umd.js"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), ${json(page)});</script>
</body></html>`;
}
