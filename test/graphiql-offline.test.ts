// GraphiQL with the network cut off: every request that would leave loopback is aborted, and
// GraphiQL still renders from Pulse's own assets, shows the pre-filled key header and runs a query.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, openDatabase } from "@pulse/schema/database";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { createWorkspace } from "@pulse/server/workspaces";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.ts";

const screenshots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

describe("GraphiQL without the internet, in Chromium", () => {
  let database: Database;
  let server: StartedServer;
  let browser: Browser;
  let secretKey: string;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    database = await openDatabase({ dataDir: ":memory:" });
    ({ secretKey } = await createWorkspace(database.prisma, { name: "Offline Inc.", slug: "offline" }));
    server = await startHttpServer({
      database,
      port: 0,
      graphiqlHeaders: { Authorization: `Bearer ${secretKey}` },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  it("serves no page that names a CDN", async () => {
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } })).text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("/graphiql/");
  });

  it("renders, shows the pre-filled headers and runs a query, with no request leaving loopback", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const offline: string[] = [];
    const loaded: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (isLoopback(url)) {
        loaded.push(url);
        return route.continue();
      }
      offline.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.url}/graphql`);
    // GraphiQL replaced the "Loading …" placeholder with its editors.
    await page.locator(".graphiql-container").first().waitFor({ timeout: 30_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText() (the rendered text), not the DOM property
    await expect.poll(() => page.locator("#root").innerText(), { timeout: 30_000 }).not.toContain("Loading");

    // The pre-filled Authorization header (graphiqlHeaders) is in the headers editor.
    await page
      .getByRole("tab", { name: /headers/i })
      .or(page.locator('button:has-text("Headers")'))
      .first()
      .click();
    await expect
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText() (the rendered text), not the DOM property
      .poll(async () => (await page.locator(".graphiql-editor-tool").innerText()).replace(/\u00a0/g, " "), {
        timeout: 10_000,
      })
      .toContain(`Bearer ${secretKey}`);

    const answered = page.waitForResponse(
      (response) =>
        response.url().endsWith("/graphql") &&
        response.request().method() === "POST" &&
        (response.request().postData() ?? "").includes("workspace"),
    );
    await page.locator(".graphiql-execute-button").click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ data: { workspace: { name: "Offline Inc." } } });
    // Monaco renders spaces as no-break spaces.
    await expect
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText() (the rendered text), not the DOM property
      .poll(async () => (await page.locator(".graphiql-response").innerText()).replace(/\u00a0/g, " "), {
        timeout: 10_000,
      })
      .toContain('"name": "Offline Inc."');

    await page.screenshot({ path: join(screenshots, "graphiql-offline.png") });
    expect(errors).toEqual([]);
    expect(offline).toEqual([]);
    expect(loaded.some((url) => url.includes("/graphiql/") && url.endsWith("yoga-graphiql.umd.js"))).toBe(
      true,
    );
    await context.close();
  });

  it("serves its assets compressed, with an ETag and immutable caching", async () => {
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } })).text();
    const script = /src="(\/graphiql\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const first = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(first.headers.get("cache-control")).toContain("immutable");
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.url}${script}`, { headers: { "if-none-match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect((await fetch(`${server.url}/graphiql/nope.js`)).status).toBe(404);
  });
});
