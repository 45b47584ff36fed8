import { afterEach, describe, expect, test } from "vitest";
import { page } from "vitest/browser";
import type { PulseNpsSurvey } from "../src/pulse-nps-survey/pulse-nps-survey";
import { acmeBadge } from "../src/test-support/badges";
import { FakePulseGraphQL, fakeEndpoint, fakePublishableKey } from "../src/test-support/fake-pulse-graphql";
import { screenshot, shadow } from "../src/test-support/fixtures";
import { applyDemoConfig, readDemoConfig } from "./demo";
import demoHtml from "./index.html?raw";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Waits for the entrance animations of the widgets in the demo, so a screenshot shows them as a person sees them. */
async function widgetsSettled(view: Window): Promise<void> {
  const widgets = [
    ...view.document.querySelectorAll("pulse-nps-survey, pulse-csat-survey, pulse-health-badge"),
  ];
  await Promise.all(
    widgets.flatMap(
      (widget) => widget.shadowRoot?.getAnimations().map((animation) => animation.finished) ?? [],
    ),
  );
}

function parseDemo(): Document {
  return new DOMParser().parseFromString(demoHtml, "text/html");
}

/**
 * The demo page as shipped, in an iframe of this size, its widgets script as built (see
 * scripts/vitest-global-setup.mjs), configured for the fake endpoint installed in the iframe.
 */
function openDemo(width: number, height: number) {
  const frame = document.createElement("iframe");
  frame.setAttribute("style", `width: ${width}px; height: ${height}px; border: 0`);
  document.body.append(frame);
  cleanups.push(() => frame.remove());
  const view = frame.contentWindow as Window & typeof globalThis;

  // The iframe keeps its window when its document is written, so the fake endpoint answers there.
  const server = new FakePulseGraphQL().install(view);
  server.addSurvey({
    key: "nps-main",
    kind: "NPS",
    question: "How likely are you to recommend Acme to a friend?",
  });
  server.addSurvey({ key: "csat-main", kind: "CSAT", question: "How satisfied are you with Acme?" });
  server.badges.set("tok_acme", acmeBadge);

  const violations: string[] = [];
  view.addEventListener("securitypolicyviolation", (event) =>
    violations.push(`${event.violatedDirective} ${event.blockedURI}`),
  );

  const html = demoHtml
    .replace(
      'src="/widgets/pulse-widgets.js"',
      `src="${new URL("../dist/test/pulse-widgets.js", import.meta.url).href}"`,
    )
    .replace('src="./demo.js"', `src="${new URL("./demo.ts", import.meta.url).href}"`)
    .replace('href="./demo.css"', `href="${new URL("./demo.css", import.meta.url).href}"`)
    .replace(
      '<script type="application/json" id="pulse-demo-config">{}</script>',
      `<script type="application/json" id="pulse-demo-config">${JSON.stringify({
        endpoint: fakeEndpoint,
        publishableKey: fakePublishableKey,
        token: "tok_alice",
        badgeToken: "tok_acme",
        surveys: { nps: "nps-main", csat: "csat-main" },
      })}</script>`,
    );
  view.document.open();
  view.document.write(html);
  view.document.close();
  return { frame, view, server, violations };
}

describe("demo page", () => {
  test("is plain HTML under a strict CSP: no inline script, no inline style, loads /widgets/pulse-widgets.js", () => {
    const demo = parseDemo();
    const policy =
      demo.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
    expect(policy).toMatch(/script-src 'self';/);
    expect(policy).toMatch(/style-src 'self';/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    const scripts = [...demo.querySelectorAll("script")];
    for (const script of scripts) expect(script.src || script.type).toBeTruthy();
    expect(scripts.filter((script) => !script.src).map((script) => script.type)).toEqual([
      "application/json",
    ]);
    expect(scripts.map((script) => script.getAttribute("src"))).toContain("/widgets/pulse-widgets.js");
    expect(demo.querySelectorAll("style, [style]")).toHaveLength(0);
  });

  test("settings come from the injected data block, else from the query string", () => {
    const demo = parseDemo();
    const url = new URL(
      "https://app.example/widgets/demo/?key=pk_q&token=tok_q&nps=nps-main&lang=de&theme=dark",
    );
    expect(readDemoConfig(demo, url)).toEqual({
      endpoint: "https://app.example",
      publishableKey: "pk_q",
      token: "tok_q",
      badgeToken: undefined,
      surveys: { nps: "nps-main", ces: undefined, csat: undefined },
      lang: "de",
      theme: "dark",
    });
    const block = demo.getElementById("pulse-demo-config") as HTMLScriptElement;
    block.textContent = JSON.stringify({
      publishableKey: "pk_i",
      token: "tok_i",
      surveys: { csat: "csat-x" },
    });
    expect(readDemoConfig(demo, url)).toEqual({
      endpoint: "https://app.example",
      publishableKey: "pk_i",
      token: "tok_i",
      surveys: { csat: "csat-x" },
    });
  });

  test("widgets get their attributes; surveys without a key are removed; the notice shows what is missing", () => {
    const demo = parseDemo();
    applyDemoConfig(demo, { endpoint: "https://pulse.example", surveys: {} });
    expect(demo.getElementById("pulse-demo-missing")?.hidden).toBe(false);
    expect(demo.querySelectorAll("pulse-nps-survey, pulse-ces-survey, pulse-csat-survey")).toHaveLength(0);

    const configured = parseDemo();
    applyDemoConfig(configured, {
      endpoint: "https://pulse.example",
      publishableKey: "pk_1",
      token: "tok_contact",
      badgeToken: "tok_account",
      surveys: { nps: "nps-main" },
      theme: "auto",
    });
    expect(configured.getElementById("pulse-demo-missing")?.hidden).toBe(true);
    const badge = configured.querySelector("pulse-health-badge");
    const nps = configured.querySelector("pulse-nps-survey");
    expect(badge?.getAttribute("token")).toBe("tok_account");
    expect(badge?.hasAttribute("survey")).toBe(false);
    expect([nps?.getAttribute("token"), nps?.getAttribute("survey"), nps?.getAttribute("theme")]).toEqual([
      "tok_contact",
      "nps-main",
      "auto",
    ]);
    expect(configured.querySelector("pulse-ces-survey")).toBeNull();
  });

  test("runs the shipped pulse-widgets.js under its own Content-Security-Policy: no violation, widgets styled and working", async () => {
    await page.viewport(900, 1400);
    cleanups.push(() => void page.viewport(900, 700));
    const { frame, view, server, violations } = openDemo(860, 1380);

    const nps = () => view.document.querySelector("pulse-nps-survey") as PulseNpsSurvey | null;
    await expect.poll(() => nps()?.status, { timeout: 10_000 }).toBe("rating");
    await expect.poll(() => view.document.querySelectorAll("pulse-health-badge[token]").length).toBe(2);
    const survey = nps() as PulseNpsSurvey;
    expect(survey.shadowRoot?.adoptedStyleSheets.length).toBeGreaterThan(0);
    expect(
      view.getComputedStyle(survey.shadowRoot?.querySelector("[part~=base]") as Element).borderTopStyle,
    ).toBe("solid");
    expect(view.document.querySelector("pulse-ces-survey")).toBeNull();
    // Minified templates still make the same DOM: each of the three bars has two sibling rects, not nested ones.
    const badge = view.document.querySelector("pulse-health-badge[variant=detailed]") as Element;
    await expect.poll(() => badge.shadowRoot?.querySelectorAll("svg.bar > rect").length).toBe(6);
    const csat = view.document.querySelector("pulse-csat-survey") as Element;
    await expect.poll(() => csat.shadowRoot?.querySelectorAll(".choice svg > path").length).toBe(5);
    await widgetsSettled(view);
    await screenshot("demo-page", frame);

    shadow(survey, "input[value='9']").click();
    shadow(survey, "[part~=submit-button]").click();
    await expect
      .poll(() => view.document.getElementById("pulse-demo-log")?.textContent)
      .toMatch(/pulse-nps-survey pulse-submit .*"score":9/);
    expect(server.responses.size).toBe(1);
    await survey.updateComplete;

    // axe-core cannot be injected here (the page's CSP forbids it); each widget's own tests run it.
    expect(violations).toEqual([]);
  });

  test.each([
    [1280, 900, "wide"],
    [360, 700, "phone"],
  ] as const)(
    "at %i px the page uses its width and the events panel says what it waits for",
    async (width, height, layout) => {
      await page.viewport(width, height);
      cleanups.push(() => void page.viewport(900, 700));
      const { frame, view } = openDemo(width, height);
      const nps = () => view.document.querySelector("pulse-nps-survey") as PulseNpsSurvey | null;
      await expect.poll(() => nps()?.status, { timeout: 10_000 }).toBe("rating");
      const badge = view.document.querySelector("pulse-health-badge[variant=detailed]") as HTMLElement & {
        status: string;
      };
      await expect.poll(() => badge.status).toBe("ready");
      const box = (selector: string) =>
        (view.document.querySelector(selector) as Element).getBoundingClientRect();
      const waiting = view.document.getElementById("pulse-demo-waiting") as HTMLElement;
      expect(waiting.hidden).toBe(false);
      expect(waiting.textContent).toMatch(/Waiting for the widgets' events.*pulse-submit/s);
      const [badges, surveys, events] = [box(".badges"), box(".surveys"), box(".events")];
      if (layout === "wide") {
        // Three columns side by side, filling the page.
        expect(surveys.left).toBeGreaterThan(badges.right);
        expect(events.left).toBeGreaterThan(surveys.right);
        expect(events.right - badges.left).toBeGreaterThan(width * 0.9);
      } else {
        // One column, nothing wider than the phone.
        expect(surveys.top).toBeGreaterThan(badges.bottom);
        expect(events.top).toBeGreaterThan(surveys.bottom);
        expect(view.document.documentElement.scrollWidth).toBeLessThanOrEqual(width);
      }
      await widgetsSettled(view);
      await screenshot(`demo-${width}`, frame);

      const survey = nps() as PulseNpsSurvey;
      shadow(survey, "input[value='9']").click();
      shadow(survey, "[part~=submit-button]").click();
      await expect.poll(() => view.document.getElementById("pulse-demo-log")?.children.length).toBe(1);
      expect(waiting.hidden).toBe(true);
    },
  );
});
