// The reference dashboard (examples/dashboard) in a real Chromium against the real Pulse server
// with the demo workspace: the tiles show the values the API returns, the at-risk list opens an
// account's drill-down, axe finds nothing at 1440 and 360 px in English and German, and the
// screenshots land in docs/screenshots/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, openDatabase } from "@pulse/schema/database";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { DEMO_SECRET_KEY, seedDemoWorkspace } from "@pulse/server/seed";
import { recordHealthSnapshots } from "@pulse/server/snapshots";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.ts";

const screenshots = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface PortfolioAnswer {
  netRevenueRetention: number | null;
  grossRevenueRetention: number | null;
  logoChurnRate: number | null;
  nps: { score: number; responses: number } | null;
  arpa: { amount: string; currency: string } | null;
  atRiskCount: number;
  healthDistribution: Record<"green" | "yellow" | "red" | "insufficientData" | "noData", number>;
  atRiskAccounts: { id: string; name: string; health: { score: number | null } }[];
}

describe("the reference dashboard against the real server, in Chromium", () => {
  let database: Database;
  let server: StartedServer;
  let browser: Browser;

  async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_SECRET_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  beforeAll(async () => {
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

  async function openDashboard(
    width: number,
    query = "",
  ): Promise<{ page: Page; errors: string[]; credentials: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    // What each /graphql request authenticates with: key kind and whether a viewer token came along.
    const credentials: string[] = [];
    page.on("request", (request) => {
      if (!request.url().endsWith("/graphql")) return;
      const headers = request.headers();
      credentials.push(
        `${headers.authorization?.slice(0, "Bearer pk_".length)} ${headers["x-pulse-viewer-token"] ? "viewer token" : "no token"}`,
      );
    });
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.url}/demo/dashboard/${query}`);
    await page
      .locator("pulse-dashboard [data-tile=nrr]")
      .waitFor({ timeout: 20_000 })
      .catch((error: Error) => {
        throw new Error(`${error.message}\nPage errors:\n${errors.join("\n")}`);
      });
    return { page, errors, credentials };
  }

  async function expectAxeClean(page: Page): Promise<void> {
    // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') stays as served.
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const results = await axe.run(document, {
        runOnly: {
          type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        },
      });
      return results.violations.map(
        (violation) =>
          `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`,
      );
    });
    expect(violations).toEqual([]);
  }

  async function tileValue(page: Page, tile: string): Promise<string | null> {
    return page.locator(`pulse-dashboard [data-tile=${tile}]`).getAttribute("data-value");
  }

  it("shows the portfolio the API returns, and opens an at-risk account's drill-down", async () => {
    const { portfolio } = await api<{ portfolio: PortfolioAnswer }>(`{
      portfolio {
        netRevenueRetention grossRevenueRetention logoChurnRate atRiskCount
        nps { score responses } arpa { amount currency }
        healthDistribution { green yellow red insufficientData noData }
        atRiskAccounts(first: 10) { id name health { score } }
      }
    }`);
    const { page, errors, credentials } = await openDashboard(1440);
    // The browser holds no secret: a publishable key and the demo backend's viewer token.
    expect(new Set(credentials)).toEqual(new Set(["Bearer pk_ viewer token"]));
    const asText = (value: number | null | undefined) => (value == null ? "" : String(value));
    expect(await tileValue(page, "nrr")).toBe(asText(portfolio.netRevenueRetention));
    expect(await tileValue(page, "grr")).toBe(asText(portfolio.grossRevenueRetention));
    expect(await tileValue(page, "logo-churn")).toBe(asText(portfolio.logoChurnRate));
    expect(await tileValue(page, "nps")).toBe(asText(portfolio.nps?.score));
    expect(await tileValue(page, "arpa")).toBe(asText(portfolio.arpa ? Number(portfolio.arpa.amount) : null));
    // Real numbers, not placeholders: the demo workspace has revenue, responses and snapshots.
    expect(portfolio.netRevenueRetention).not.toBeNull();
    expect(portfolio.nps?.responses).toBeGreaterThan(0);
    const nrrText = await page.locator("pulse-dashboard [data-tile=nrr] .tile-value").textContent();
    expect(nrrText).toBe(
      new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(
        (portfolio.netRevenueRetention ?? 0) / 100,
      ),
    );
    for (const [band, count] of Object.entries({
      GREEN: portfolio.healthDistribution.green,
      YELLOW: portfolio.healthDistribution.yellow,
      RED: portfolio.healthDistribution.red,
      insufficientData: portfolio.healthDistribution.insufficientData,
      noData: portfolio.healthDistribution.noData,
    }))
      expect(await page.locator(`pulse-dashboard [data-band=${band}] [data-count]`).textContent()).toBe(
        String(count),
      );
    expect(portfolio.atRiskAccounts.length).toBeGreaterThan(0);
    const buttons = page.locator("pulse-dashboard button[data-account]");
    expect(
      await buttons.evaluateAll((all) => all.map((button) => button.getAttribute("data-account"))),
    ).toEqual(portfolio.atRiskAccounts.map((account) => account.id));
    // Four trend charts drawn by uPlot.
    await expect.poll(() => page.locator("pulse-dashboard pulse-trend-chart canvas").count()).toBe(4);
    await expectAxeClean(page);
    await page.screenshot({ path: join(screenshots, "dashboard-1440.png"), fullPage: true });

    const first = portfolio.atRiskAccounts[0];
    if (!first) throw new Error("no at-risk account");
    await page.getByRole("button", { name: first.name, exact: true }).click();
    const heading = page.locator("pulse-dashboard #account-heading");
    await expect.poll(() => heading.textContent(), { timeout: 15_000 }).toBe(first.name);
    // Focus moves to the drill-down's heading.
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id)).toBe(
      "account-heading",
    );
    const { node } = await api<{
      node: {
        health: { components: { key: string; value: number | null }[] };
        usage: { activeUsers: number };
      };
    }>(
      `query ($id: ID!) { node(id: $id) { ... on Account { health { components { key value } } usage { activeUsers } } } }`,
      {
        id: first.id,
      },
    );
    const rows = page.locator("pulse-dashboard [data-component]");
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-component")))).toEqual(
      node.health.components.map((component) => component.key),
    );
    await expect
      .poll(() => page.locator("pulse-dashboard .account pulse-trend-chart canvas").count())
      .toBe(1);
    await expectAxeClean(page);
    await page.screenshot({ path: join(screenshots, "dashboard-account-1440.png"), fullPage: true });
    await page.getByRole("button", { name: "Close account" }).click();
    await expect.poll(() => heading.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("fits a 360 px phone, portfolio and drill-down, without horizontal scrolling", async () => {
    const { page, errors } = await openDashboard(360);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectAxeClean(page);
    await page.screenshot({ path: join(screenshots, "dashboard-360.png"), fullPage: true });
    await page.locator("pulse-dashboard button[data-account]").first().click();
    await page.locator("pulse-dashboard #account-heading").waitFor();
    await expect
      .poll(() => page.locator("pulse-dashboard .account pulse-trend-chart canvas").count())
      .toBe(1);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectAxeClean(page);
    await page.screenshot({ path: join(screenshots, "dashboard-account-360.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("speaks German on a German page, with no English text left", async () => {
    const { page, errors } = await openDashboard(1440, "?lang=de");
    await page.locator("pulse-dashboard button[data-account]").first().click();
    await page.locator("pulse-dashboard #account-heading").waitFor();
    const text = await page
      .locator("pulse-dashboard")
      .evaluate((element) => element.shadowRoot?.textContent ?? "");
    expect(text).toContain("Kundenerfolg");
    expect(text).toContain("Netto-Umsatzbindung");
    expect(text).toContain("Verteilung der Kundengesundheit");
    for (const english of [
      "Customer success",
      "retention",
      "Health",
      "Refresh",
      "Usage",
      "Renewals",
      "responses",
      "No data",
    ])
      expect(text).not.toContain(english);
    expect(await page.title()).toBe("Pulse – Kundenerfolg");
    await expectAxeClean(page);
    await page.screenshot({ path: join(screenshots, "dashboard-account-de-1440.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a segment's viewer sees that segment's portfolio", async () => {
    const { portfolio } = await api<{ portfolio: PortfolioAnswer }>(`{
      portfolio(segment: "Enterprise") {
        netRevenueRetention grossRevenueRetention logoChurnRate nps { score responses } arpa { amount currency }
      }
    }`);
    const { page, errors } = await openDashboard(1440, "?seg=Enterprise");
    const asText = (value: number | null | undefined) => (value == null ? "" : String(value));
    expect(await tileValue(page, "nrr")).toBe(asText(portfolio.netRevenueRetention));
    expect(await tileValue(page, "grr")).toBe(asText(portfolio.grossRevenueRetention));
    expect(await tileValue(page, "nps")).toBe(asText(portfolio.nps?.score));
    expect(await tileValue(page, "arpa")).toBe(asText(portfolio.arpa ? Number(portfolio.arpa.amount) : null));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("updates live from the domain events: a new survey response shows in the NPS tile", async () => {
    const { page, errors } = await openDashboard(1440);
    const status = page.locator("pulse-dashboard [role=status]");
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain("Live updates on");
    const responses = () => page.locator("pulse-dashboard [data-tile=nps] .muted").textContent();
    const before = Number((await responses())?.replace(/\D/g, ""));
    const { upsertSurveyResponse } = await api<{ upsertSurveyResponse: { __typename: string } }>(
      `mutation ($input: SurveyResponseInput!) { upsertSurveyResponse(input: $input) { __typename } }`,
      {
        input: {
          survey: "nps-main",
          accountExternalId: "acct_0001",
          idempotencyKey: "dashboard-e2e-live-1",
          score: 10,
        },
      },
    );
    expect(upsertSurveyResponse.__typename).toBe("MutationUpsertSurveyResponseSuccess");
    await expect.poll(responses, { timeout: 20_000 }).toBe(`${before + 1} responses`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says when live updates are refused, and Refresh still reloads (axe clean)", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // The server refuses the subscription as it would a token that may not subscribe.
    await page.route("**/graphql", (route) =>
      route.request().headers().accept === "text/event-stream"
        ? route.fulfill({
            status: 403,
            json: { errors: [{ message: "not for this token", extensions: { code: "FORBIDDEN" } }] },
          })
        : route.continue(),
    );
    let portfolioReads = 0;
    page.on("request", (request) => {
      if (request.url().endsWith("/graphql") && request.postData()?.includes("DashboardPortfolio"))
        portfolioReads++;
    });
    await page.goto(`${server.url}/demo/dashboard/`);
    await page.locator("pulse-dashboard [data-tile=nrr]").waitFor({ timeout: 20_000 });
    await page.getByText("Live updates are not available for this token: use Refresh.").waitFor();
    expect(await page.locator("pulse-dashboard .live").count()).toBe(0);
    await expectAxeClean(page);
    const before = portfolioReads;
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect.poll(() => portfolioReads).toBe(before + 1);
    await page.close();
  });

  it("is accessible while loading, then renders", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The token's answer waits until the loading state has been checked.
    await page.route("**/demo/viewer-token", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.url}/demo/dashboard/`);
    await expect
      .poll(() => page.locator("pulse-dashboard [role=status]").textContent(), { timeout: 15_000 })
      .toContain("Loading…");
    await expectAxeClean(page);
    release();
    await page.locator("pulse-dashboard [data-tile=nrr]").waitFor({ timeout: 20_000 });
    await page.close();
  });

  it("shows a failed start as an alert (axe clean)", async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 900 } });
    await page.route("**/demo/viewer-token", (route) => route.fulfill({ status: 503, body: "down" }));
    await page.goto(`${server.url}/demo/dashboard/?lang=de`);
    const alert = page.getByRole("alert");
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toBe(
        "Das Dashboard konnte nicht geladen werden (TOKEN_UNAVAILABLE). Bitte „Aktualisieren“ versuchen.",
      );
    await expectAxeClean(page);
    await page.close();
  });
});
