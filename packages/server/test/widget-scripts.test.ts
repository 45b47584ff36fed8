// The widget scripts served as a CDN would: brotli or gzip made at build time (by the widgets'
// own build helper), content-hashed names cached as immutable, the stable names with an ETag and
// 304s, Vary: Accept-Encoding, and never a stale compressed file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, get as httpGet, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCdnFiles } from "../../widgets/scripts/cdn-files.mjs";
import { handleWidgetRoutes, preferredEncoding } from "../src/widgets-route.ts";
import { openTestDatabase } from "./helpers.ts";

const SCRIPT = `export const greeting = ${JSON.stringify("hello widgets ".repeat(400))};\n`;

describe("widget scripts over HTTP", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let root: string;
  let server: Server;
  let base: string;
  let manifest: Record<string, string>;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase("pglite", "widget-scripts"));
    root = mkdtempSync(join(tmpdir(), "pulse-cdn-"));
    writeFileSync(join(root, "pulse-widgets.js"), SCRIPT);
    manifest = await writeCdnFiles(root, ["pulse-widgets.js"]);
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://pulse.local");
      handleWidgetRoutes(request, response, url, database, root).then((handled) => {
        if (!handled) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(root, { recursive: true, force: true });
    await drop?.();
  });

  /** The raw bytes as sent (fetch would decompress them). */
  function get(path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: Headers; body: Buffer }>((resolve, reject) => {
      httpGet(`${base}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === "string") received.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers: received, body: Buffer.concat(chunks) });
        });
      }).on("error", reject);
    });
  }

  it("negotiates the encoding from Accept-Encoding, q-values included", () => {
    expect(preferredEncoding("br, gzip")).toBe("br");
    expect(preferredEncoding("gzip, deflate")).toBe("gzip");
    expect(preferredEncoding("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(preferredEncoding("br;q=0, gzip")).toBe("gzip");
    expect(preferredEncoding("*")).toBe("br");
    expect(preferredEncoding("identity")).toBeNull();
    expect(preferredEncoding(undefined)).toBeNull();
    expect(preferredEncoding("gzip;q=0, br;q=0")).toBeNull();
  });

  it("sends brotli or gzip of the exact script, with Vary and a per-encoding ETag", async () => {
    const br = await get("/widgets/pulse-widgets.js", { "accept-encoding": "br, gzip" });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(Number(br.headers.get("content-length"))).toBe(br.body.length);

    const gzip = await get("/widgets/pulse-widgets.js", { "accept-encoding": "gzip" });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);

    const plain = await get("/widgets/pulse-widgets.js", { "accept-encoding": "identity" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(new Set([br, gzip, plain].map((r) => r.headers.get("etag"))).size).toBe(3);
  });

  it("answers the stable name with a short max-age and 304 for its ETag, whatever the encoding asked", async () => {
    const first = await get("/widgets/pulse-widgets.js", { "accept-encoding": "br" });
    expect(first.headers.get("cache-control")).toBe("public, max-age=300");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{12}-br"$/);
    for (const [ifNoneMatch, encoding] of [
      [etag, "br"],
      [etag, "gzip"],
      [`W/${etag}`, "br"],
      [`"other", ${etag}`, "br"],
    ] as const) {
      const again = await get("/widgets/pulse-widgets.js", {
        "accept-encoding": encoding,
        "if-none-match": ifNoneMatch,
      });
      expect(again.status, ifNoneMatch).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.get("vary")).toBe("Accept-Encoding");
    }
    expect((await get("/widgets/pulse-widgets.js", { "if-none-match": '"000000000000-br"' })).status).toBe(
      200,
    );
  });

  it("serves the content-hashed name as immutable, and lists it in manifest.json", async () => {
    const hashed = manifest["pulse-widgets.js"] ?? "";
    expect(hashed).toMatch(/^pulse-widgets\.[0-9a-f]{12}\.js$/);
    const response = await get(`/widgets/${hashed}`, { "accept-encoding": "br, gzip" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(response.body).toString()).toBe(SCRIPT);
    const listed = await get("/widgets/manifest.json");
    expect(JSON.parse(listed.body.toString())).toEqual(manifest);
    expect((await get("/widgets/pulse-widgets.0123456789ab.js")).status).toBe(404);
  });

  it("never sends a stale compressed file: a script rebuilt alone is compressed again", async () => {
    const rebuilt = `${SCRIPT}export const version = 2;\n`;
    writeFileSync(join(root, "pulse-widgets.js"), rebuilt);
    const br = await get("/widgets/pulse-widgets.js", { "accept-encoding": "br" });
    expect(brotliDecompressSync(br.body).toString()).toBe(rebuilt);
    const gzip = await get("/widgets/pulse-widgets.js", { "accept-encoding": "gzip" });
    expect(gunzipSync(gzip.body).toString()).toBe(rebuilt);
    // The old hashed name still holds the old content, and its hash still matches it.
    const old = await get(`/widgets/${manifest["pulse-widgets.js"]}`, { "accept-encoding": "gzip" });
    expect(gunzipSync(old.body).toString()).toBe(SCRIPT);
  });
});
