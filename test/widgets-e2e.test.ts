// The widgets in a real Chromium against the real Pulse server: the demo page served by Pulse,
// a survey answered with the keyboard through the submission endpoint and stored once even when
// the first answer's response is lost, the comment updating the same response, the re-ask
// interval on reload, and the badge (also alone, on an Arabic page, fetching its Arabic texts); and
// the gzip budgets of the built scripts the server sends.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Database, openDatabase } from "@pulse/schema/database";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { seedDemoWorkspace } from "@pulse/server/seed";
import { recordHealthSnapshots } from "@pulse/server/snapshots";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { languageModuleBudgetBytes, standaloneScripts } from "../packages/widgets/scripts/standalone.mjs";
import { launchChromium } from "./chromium.ts";

const screenshots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");
const cdn = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "widgets", "dist", "cdn");

describe("the built widget scripts (dist/cdn, what /widgets/ sends)", () => {
  it("hold their gzip budgets: badge 10 KB, each survey 16 KB, all 25 KB, each badge language 0.5 KB", () => {
    const gzipped = (file: string) => gzipSync(readFileSync(join(cdn, file)), { level: 9 }).length;
    const sizes = standaloneScripts.map((script) => ({
      file: script.file,
      gzip: gzipped(script.file),
      budget: script.budgetKb * 1024,
    }));
    expect(sizes.map((size) => [size.file, size.budget])).toEqual([
      ["pulse-health-badge.js", 10_240],
      ["pulse-nps-survey.js", 16_384],
      ["pulse-ces-survey.js", 16_384],
      ["pulse-csat-survey.js", 16_384],
      ["pulse-widgets.js", 25_600],
    ]);
    // The badge's texts in each language but English: one module each, fetched by pages in that language.
    const languages = readdirSync(cdn).filter((file) => /^pulse-health-badge-[a-z]{2}\.js$/.test(file));
    expect(languages.map((file) => file.slice("pulse-health-badge-".length, -3)).sort()).toEqual([
      "ar",
      "de",
      "es",
      "fr",
      "he",
      "ja",
      "pt",
    ]);
    for (const file of languages)
      sizes.push({ file, gzip: gzipped(file), budget: languageModuleBudgetBytes });
    console.log(sizes.map((size) => `${size.file}: ${size.gzip} B gzip of ${size.budget}`).join("\n"));
    for (const size of sizes) expect(size.gzip, size.file).toBeLessThanOrEqual(size.budget);
  });
});

describe("widgets against the real server, in Chromium", () => {
  let database: Database;
  let server: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    database = await openDatabase({ dataDir: ":memory:" });
    const seeded = await seedDemoWorkspace(database.prisma, { accounts: 12 });
    await recordHealthSnapshots(database, seeded.workspaceId, {});
    server = await startHttpServer({ database, port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  async function openDemo(query = "account=acct_0003"): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
        errors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${server.url}/demo/?${query}`);
    return { page, errors };
  }

  it("serves the demo page and the self-contained script", async () => {
    const script = await fetch(`${server.url}/widgets/pulse-widgets.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    const page = await fetch(`${server.url}/demo/`);
    const html = await page.text();
    expect(html).toContain('"publishableKey":"pk_');
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("shows the health badge with its accessible name", async () => {
    const { page, errors } = await openDemo();
    const pill = page.locator("pulse-health-badge").first();
    await expect
      .poll(
        async () =>
          (await pill.locator('[role="img"], [aria-label]').first().getAttribute("aria-label")) ?? "",
        { timeout: 15_000 },
      )
      .toMatch(/Health \d+, (green|yellow|red)/i);
    await page.screenshot({ path: join(screenshots, "demo-page.png"), fullPage: true });
    // The browser's own favicon request is the only failed load allowed.
    expect(
      errors.filter(
        (e) => !e.startsWith("Failed to load resource: the server responded with a status of 404"),
      ),
      errors.join("\n"),
    ).toEqual([]);
    await page.close();
  });

  it("answers the NPS survey with the keyboard, once, even when the first response is lost", async () => {
    const { page } = await openDemo();
    const survey = page.locator("pulse-nps-survey");
    const nine = survey.getByRole("radio", { name: /^9\b/ });
    await nine.waitFor({ timeout: 15_000 });
    let submits = 0;
    const graphqlOperations: string[] = [];
    // Answers go to the submission endpoint. The first one reaches the server, but its answer
    // never reaches the page.
    await page.route("**/widgets/v1/responses", async (route) => {
      if (route.request().method() === "POST" && submits++ === 0) {
        await route.fetch();
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });
    await page.route("**/graphql", async (route) => {
      graphqlOperations.push(/(?:query|mutation) (\w+)/.exec(route.request().postData() ?? "")?.[1] ?? "?");
      await route.continue();
    });
    await survey.getByRole("radio").first().focus();
    for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => nine.isChecked()).toBe(true);
    await survey
      .getByRole("button", { name: /submit|send|next/i })
      .first()
      .click();
    const comment = survey.getByRole("textbox");
    await comment.waitFor({ timeout: 20_000 });
    await comment.fill("Reports save us hours <b>every</b> week");
    await survey
      .getByRole("button", { name: /submit|send/i })
      .first()
      .click();
    await expect
      .poll(() => survey.evaluate((el) => el.shadowRoot?.textContent ?? ""), { timeout: 20_000 })
      .toMatch(/thank/i);
    await expect
      .poll(
        async () =>
          database.prisma.surveyResponse.findMany({
            where: { contact: { externalId: { startsWith: "demo-visitor-" } }, kind: "NPS" },
          }),
        { timeout: 20_000 },
      )
      .toEqual([expect.objectContaining({ score: 9, comment: "Reports save us hours <b>every</b> week" })]);
    expect(submits).toBeGreaterThanOrEqual(2);
    expect(graphqlOperations).not.toContain("PulseSubmitSurveyResponse");
    await page.screenshot({ path: join(screenshots, "nps-answered.png"), fullPage: true });
    await page.close();
  });

  it("asks in the page's language: the survey's German texts from the server, the widget's German buttons", async () => {
    const { page } = await openDemo("account=acct_0003&lang=de");
    const survey = page.locator("pulse-nps-survey");
    await survey.getByRole("radio").first().waitFor({ timeout: 15_000 });
    await expect
      .poll(() =>
        survey.evaluate((el) => el.shadowRoot?.querySelector("[part~=question]")?.textContent?.trim()),
      )
      .toBe("Wie wahrscheinlich ist es, dass Sie Acme Analytics einem Freund oder Kollegen empfehlen?");
    expect(await survey.getByRole("button", { name: "Absenden" }).count()).toBe(1);
    await page.close();
  });

  it("the badge script alone, on an Arabic page under a strict CSP: fetches only its Arabic texts from Pulse, mirrored", async () => {
    const demo = await (await fetch(`${server.url}/demo/?account=acct_0003`)).text();
    const config = JSON.parse(
      /<script type="application\/json" id="pulse-demo-config">([\s\S]*?)<\/script>/.exec(demo)?.[1] ?? "{}",
    ) as { publishableKey: string; badgeToken: string };
    const page = await browser.newPage({ viewport: { width: 480, height: 420 } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const scripts: string[] = [];
    page.on("response", (response) => {
      if (response.url().includes("/widgets/"))
        scripts.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    // A host page on Pulse's origin, with the demo page's strict policy: no inline script or style.
    await page.route(`${server.url}/host-ar.html`, (route) =>
      route.fulfill({
        contentType: "text/html; charset=utf-8",
        headers: {
          "content-security-policy":
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'",
        },
        body: `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>ar</title>
          <script type="module" src="/widgets/pulse-health-badge.js"></script></head><body>
          <pulse-health-badge variant="detailed" endpoint="${server.url}" publishable-key="${config.publishableKey}" token="${config.badgeToken}"></pulse-health-badge>
          </body></html>`,
      }),
    );
    await page.goto(`${server.url}/host-ar.html`);
    const badge = page.locator("pulse-health-badge");
    await expect
      .poll(
        () =>
          badge.evaluate((el) => el.shadowRoot?.querySelector("[part~=base]")?.getAttribute("aria-label")),
        {
          timeout: 15_000,
        },
      )
      .toMatch(/^الصحة \d+، (أخضر|أصفر|أحمر)$/);
    const components = await badge.evaluate((el) =>
      [...(el.shadowRoot?.querySelectorAll("[part~=component] > span:first-child") ?? [])].map(
        (name) => name.textContent,
      ),
    );
    expect(components.length).toBeGreaterThan(0);
    // Every name in Arabic script: none of the server's English labels.
    for (const name of components) expect(name).toMatch(/^[\u0600-\u06ff ]+$/);
    expect(scripts).toEqual(["200 /widgets/pulse-health-badge.js", "200 /widgets/pulse-health-badge-ar.js"]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(screenshots, "badge-arabic-rtl-real-server.png") });
    await page.close();
  });

  it("keeps a dismissed survey away for that visitor, on the server", async () => {
    const { page } = await openDemo();
    const survey = page.locator("pulse-ces-survey");
    const dismiss = survey.getByRole("button", { name: /dismiss|close/i });
    await dismiss.waitFor({ timeout: 15_000 });
    await dismiss.click();
    await expect
      .poll(async () => database.prisma.surveyDismissal.count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.close();
  });
});
