// The reference dashboard's files at /demo/dashboard/: the page under a strict CSP, its hashed
// assets cached for good, a clear answer while it is not built, and nothing outside its folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleDashboardRoute, isDashboardPath } from "../src/dashboard-route.ts";

describe("the dashboard route", () => {
  let parent: string;
  let root: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), "pulse-dashboard-"));
    root = join(parent, "dist");
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><pulse-dashboard></pulse-dashboard>");
    writeFileSync(join(root, "assets", "index-Abc123.js"), "export {};");
    writeFileSync(join(parent, "secret.js"), "outside");
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://pulse.local");
      // The root given per request: "missing" serves a folder that has no build.
      const folder = url.searchParams.has("missing") ? join(parent, "nothing") : root;
      if (isDashboardPath(url.pathname)) handleDashboardRoute(request, response, url, folder);
      else response.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(parent, { recursive: true, force: true });
  });

  it("serves the page under a CSP without inline scripts or styles", async () => {
    const page = await fetch(`${base}/demo/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'; style-src 'self'");
    expect(await page.text()).toContain("<pulse-dashboard>");
    const redirect = await fetch(`${base}/demo/dashboard?lang=de`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/demo/dashboard/?lang=de");
  });

  it("serves hashed assets as immutable, and nothing else", async () => {
    const asset = await fetch(`${base}/demo/dashboard/assets/index-Abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    for (const path of [
      "/demo/dashboard/assets/missing.js",
      "/demo/dashboard/assets/..%2F..%2Fsecret.js",
      "/demo/dashboard/../secret.js",
      "/demo/dashboard/secret.js",
    ])
      expect((await fetch(`${base}${path}`)).status, path).not.toBe(200);
    expect((await fetch(`${base}/demo/dashboard/`, { method: "POST", body: "x" })).status).toBe(405);
    expect(isDashboardPath("/demo/dashboards")).toBe(false);
  });

  it("says how to build it when it is not built", async () => {
    const page = await fetch(`${base}/demo/dashboard/?missing`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("pnpm --filter @pulse/dashboard-example build");
  });
});
