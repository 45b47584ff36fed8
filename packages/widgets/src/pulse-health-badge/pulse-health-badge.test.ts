import { describe, expect, test } from "vitest";
import { commands, page } from "vitest/browser";
import type { WidgetBadge } from "../internal/client";
import { expectNoAxeViolations } from "../test-support/axe";
import { acmeBadge, history } from "../test-support/badges";
import { fakeEndpoint, fakePublishableKey } from "../test-support/fake-pulse-graphql";
import { events, fakePulseForEachTest, mount, screenshot, shadow } from "../test-support/fixtures";
import "./pulse-health-badge";
import type { PulseHealthBadge } from "./pulse-health-badge";

const acme = acmeBadge;

const server = fakePulseForEachTest((fake) => {
  fake.badges.set("tok_acme", acme);
  fake.badges.set("tok_globex", {
    ...acme,
    accountName: "Globex",
    score: 55,
    band: "YELLOW",
    trend: -3,
    history: history(64, 55),
  });
  fake.badges.set("tok_initech", {
    ...acme,
    accountName: "Initech",
    score: 31,
    band: "RED",
    trend: -12,
    history: history(50, 31),
  });
  // What the server answers for an account with too little data for a score (the workspace's
  // minimum coverage): no score, no band, and insufficientData, which the badge does not need to ask for.
  fake.badges.set("tok_sparse", {
    accountName: "Sparse Inc",
    score: null,
    band: null,
    trend: null,
    components: [{ key: "support", label: "Support", value: 100, weight: 20, used: true }],
    history: [],
    insufficientData: true,
  } as WidgetBadge);
  fake.badges.set("tok_new", {
    accountName: "Hooli",
    score: null,
    band: null,
    trend: null,
    components: [],
    history: [],
  });
});

function attributes(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { endpoint: fakeEndpoint, "publishable-key": fakePublishableKey, token, ...extra };
}

async function mountBadge(
  token: string,
  extra: Record<string, string> = {},
  frame?: string,
): Promise<PulseHealthBadge> {
  const badge = await mount("pulse-health-badge", attributes(token, extra), frame);
  await expect.poll(() => badge.status).not.toBe("loading");
  await badge.updateComplete;
  return badge;
}

/** Whether `delta` (a sign and a digit) shows with the sign on the left, as written, inside `element`. */
function signBeforeDigit(element: Element, delta: string): boolean {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent?.indexOf(delta) ?? -1;
    if (at < 0) continue;
    const left = (offset: number) => {
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      return range.getBoundingClientRect().left;
    };
    return left(at) < left(at + 1);
  }
  throw new Error(`No ${delta} in the text`);
}

describe("<pulse-health-badge>", () => {
  test("too little data for a score: a neutral no-data state, in the page's language, compact and detailed", async () => {
    const compact = await mountBadge("tok_sparse");
    expect(compact.status).toBe("ready");
    const pill = shadow(compact, "[part~=base]");
    expect(pill.getAttribute("aria-label")).toBe("No health data yet");
    expect([...pill.classList].filter((name) => ["green", "yellow", "red"].includes(name))).toEqual([]);
    expect(compact.shadowRoot?.querySelector("[part~=score]")).toBeNull();
    const detailed = await mountBadge("tok_sparse", { variant: "detailed", lang: "de" });
    expect(shadow(detailed, "[part~=base]").getAttribute("aria-label")).toBe("Noch keine Gesundheitsdaten");
    expect(shadow(detailed, "[part~=account]").textContent).toBe("Sparse Inc");
    expect(detailed.shadowRoot?.querySelector("[part~=components]")).toBeNull();
    await expectNoAxeViolations(detailed);
    await screenshot("health-badge-insufficient-data", detailed.parentElement ?? detailed);
  });

  test("has no axe-core violations in every band and state, compact and detailed, light and dark", async () => {
    for (const token of ["tok_acme", "tok_globex", "tok_initech", "tok_new", "tok_unknown"]) {
      await expectNoAxeViolations(await mountBadge(token));
      await expectNoAxeViolations(await mountBadge(token, { variant: "detailed" }));
      await expectNoAxeViolations(
        await mountBadge(token, { variant: "detailed", theme: "dark" }, "padding: 16px; background: #030712"),
      );
      await expectNoAxeViolations(
        await mountBadge(token, { theme: "dark" }, "padding: 16px; background: #030712"),
      );
    }
  });

  test('compact: score and band, named "Health 82, green" for screen readers', async () => {
    const badge = await mountBadge("tok_acme");
    await expect.element(page.getByRole("img", { name: "Health 82, green" })).toBeVisible();
    expect(shadow(badge, "[part~=score]").textContent).toBe("82");
    expect(shadow(badge, "[part~=band]").textContent).toBe("green");
    const [request] = server.operations("PulseWidgetBadge");
    expect(request).toMatchObject({
      variables: { token: "tok_acme" },
      authorization: `Bearer ${fakePublishableKey}`,
    });
  });

  test("compact pills in every band and state, side by side", async () => {
    server.hold();
    const row = document.createElement("div");
    row.setAttribute("style", "display: flex; gap: 12px; padding: 16px; flex-wrap: wrap; width: 820px");
    document.body.append(row);
    try {
      const badges = ["tok_acme", "tok_globex", "tok_initech", "tok_new", "tok_unknown", "tok_acme"].map(
        (token) => {
          const badge = document.createElement("pulse-health-badge");
          for (const [name, value] of Object.entries(attributes(token))) badge.setAttribute(name, value);
          row.append(badge);
          return badge;
        },
      );
      await badges[5].updateComplete;
      expect(badges[5].status).toBe("loading");
      expect(page.getByRole("img", { name: "Loading health…" }).elements()).toHaveLength(6);
      server.release();
      // The last one stays "loading" on purpose, for the picture: a new badge whose answer is held.
      await expect
        .poll(() => badges.slice(0, 5).map((badge) => badge.status))
        .toEqual(["ready", "ready", "ready", "ready", "error"]);
      server.hold();
      badges[5].setAttribute("token", "tok_globex");
      await badges[5].updateComplete;
      await expect.element(page.getByRole("img", { name: "Health 82, green" })).toBeVisible();
      await expect.element(page.getByRole("img", { name: "Loading health…" })).toBeVisible();
      await expect.element(page.getByRole("img", { name: "Health 55, yellow" })).toBeVisible();
      await expect.element(page.getByRole("img", { name: "Health 31, red" })).toBeVisible();
      await expect.element(page.getByRole("img", { name: "No health data yet" })).toBeVisible();
      await expect.element(page.getByRole("img", { name: "Health unavailable" })).toBeVisible();
      await screenshot("health-badge-compact-states", row);
      server.release();
    } finally {
      row.remove();
    }
  });

  test("detailed: account, score, band, trend, 90-day sparkline and the three heaviest used components", async () => {
    const badge = await mountBadge("tok_acme", { variant: "detailed" });
    await expect.element(page.getByRole("group", { name: "Health 82, green" })).toBeVisible();
    expect(shadow(badge, "[part~=account]").textContent).toBe("Acme Corporation");
    expect(shadow(badge, "[part~=trend]").textContent?.replace(/\s+/g, " ").trim()).toBe("↑ +4 in 30 days");
    const sparkline = shadow(badge, "[part~=sparkline]");
    expect(sparkline.getAttribute("aria-label")).toBe("Last 90 days: 74 to 82");
    expect(sparkline.querySelector("polyline")?.getAttribute("points")?.split(" ")).toHaveLength(90);
    const rows = [...(badge.shadowRoot?.querySelectorAll("[part~=component]") ?? [])].map((row) =>
      row.textContent?.replace(/\s+/g, " ").trim(),
    );
    expect(rows).toEqual(["Product usage 85", "Customer feedback 72", "Support 95"]);
    await expect.element(page.getByRole("list", { name: "Top components" })).toBeVisible();
    await screenshot("health-badge-detailed-green", badge.parentElement ?? badge);
  });

  test("detailed: yellow and red with falling trends, no-data and error states, dark theme", async () => {
    const frame =
      "padding: 16px; display: grid; grid-template-columns: repeat(2, 20rem); gap: 16px; width: 720px";
    const container = document.createElement("div");
    container.setAttribute("style", frame);
    document.body.append(container);
    try {
      for (const token of ["tok_globex", "tok_initech", "tok_new", "tok_unknown"]) {
        const badge = document.createElement("pulse-health-badge");
        for (const [name, value] of Object.entries(attributes(token, { variant: "detailed" }))) {
          badge.setAttribute(name, value);
        }
        container.append(badge);
      }
      const [globex, initech, hooli, unknown] = [...container.children] as PulseHealthBadge[];
      await expect.poll(() => unknown.status).toBe("error");
      await expect.poll(() => hooli.status).toBe("ready");
      await initech.updateComplete;
      expect(shadow(globex, "[part~=trend]").textContent?.replace(/\s+/g, " ").trim()).toBe(
        "↓ -3 in 30 days",
      );
      expect(shadow(initech, "[part~=band]").textContent).toBe("red");
      expect(shadow(hooli, "[part~=base]").textContent?.replace(/\s+/g, " ").trim()).toBe(
        "Hooli No health data yet",
      );
      expect(shadow(unknown, "[part~=base]").textContent?.trim()).toBe("Health unavailable");
      await screenshot("health-badge-detailed-states", container);

      container.style.background = "#030712";
      for (const badge of container.children) badge.setAttribute("theme", "dark");
      await globex.updateComplete;
      await screenshot("health-badge-detailed-states-dark", container);
    } finally {
      container.remove();
    }
  });

  test("errors are reported with the server's code", async () => {
    const errors = events("pulse-error");
    const badge = await mountBadge("tok_unknown");
    expect(badge.status).toBe("error");
    expect(errors).toEqual([
      { code: "NOT_FOUND", message: "No such account.", operation: "widgetBadge", retryable: false },
    ]);
    await mountBadge("not-a-token");
    expect(errors[1]).toMatchObject({ code: "INVALID_TOKEN" });
  });

  test("live refresh: reloads every `refresh` seconds and keeps the old numbers until new ones arrive", async () => {
    const badge = await mountBadge("tok_acme", { refresh: "1" });
    expect(server.operations("PulseWidgetBadge")).toHaveLength(1);
    server.badges.set("tok_acme", { ...acme, score: 69.6, band: "YELLOW" });
    server.hold();
    // While the reload waits, the badge still shows the previous numbers, not a loading state.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(badge.status).toBe("ready");
    expect(shadow(badge, "[part~=base]").getAttribute("aria-label")).toBe("Health 82, green");
    server.release();
    await expect
      .poll(() => shadow(badge, "[part~=base]").getAttribute("aria-label"))
      .toBe("Health 70, yellow");

    badge.refresh = 0;
    await badge.updateComplete;
    const requests = server.operations("PulseWidgetBadge").length;
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(server.operations("PulseWidgetBadge")).toHaveLength(requests);
  });

  test("i18n: lang attribute, page language and text-* overrides", async () => {
    const japanese = await mountBadge("tok_acme", { lang: "ja", variant: "detailed" });
    expect(shadow(japanese, "[part~=base]").getAttribute("aria-label")).toBe("ヘルス 82、緑");
    expect(shadow(japanese, "[part~=trend]").textContent).toMatch(/30日間で\+4/);
    await screenshot("health-badge-detailed-ja", japanese.parentElement ?? japanese);

    document.documentElement.lang = "de";
    const german = await mountBadge("tok_initech");
    expect(shadow(german, "[part~=base]").getAttribute("aria-label")).toBe("Gesundheit 31, rot");

    const custom = await mountBadge("tok_acme", {
      "text-label": "Score",
      "text-name": "Account health {score} ({band})",
      "text-band-green": "healthy",
    });
    expect(shadow(custom, "[part~=base]").getAttribute("aria-label")).toBe("Account health 82 (healthy)");
    expect(shadow(custom, "[part~=label]").textContent).toBe("Score");
  });

  test("Arabic and Hebrew pages: texts, component names from the server, the signed trend, mirrored layout", async () => {
    document.documentElement.lang = "ar";
    document.documentElement.dir = "rtl";
    try {
      const arabic = await mountBadge("tok_acme", { variant: "detailed" });
      await expectNoAxeViolations(arabic);
      expect(shadow(arabic, "[part~=base]").getAttribute("aria-label")).toBe("الصحة 82، أخضر");
      // The server names the components in English; the badge shows them in the page's language.
      expect(
        [...(arabic.shadowRoot?.querySelectorAll("[part~=component] > span:first-child") ?? [])].map(
          (name) => name.textContent,
        ),
      ).toEqual(["استخدام المنتج", "آراء العملاء", "الدعم"]);
      // "+4" isolated, so it is not shown as "4+" in right-to-left text.
      expect(signBeforeDigit(shadow(arabic, "[part~=trend]"), "+4")).toBe(true);
      expect(shadow(arabic, "[part~=trend]").textContent).toContain("\u2066+4\u2069 خلال 30 يومًا");
      expect(getComputedStyle(shadow(arabic, "[part~=base]")).direction).toBe("rtl");
      // Mirrored: the account name starts at the right edge, time in the sparkline runs leftwards.
      const card = shadow(arabic, "[part~=base]").getBoundingClientRect();
      const account = shadow(arabic, "[part~=account]");
      const range = document.createRange();
      range.selectNodeContents(account);
      expect(card.right - range.getBoundingClientRect().right).toBeLessThan(24);
      expect(getComputedStyle(shadow(arabic, "[part~=sparkline]")).scale).toBe("-1 1");
      await screenshot("health-badge-arabic-rtl", arabic.parentElement ?? arabic);

      document.documentElement.lang = "he";
      const hebrew = await mountBadge("tok_globex", { variant: "detailed" });
      expect(shadow(hebrew, "[part~=base]").getAttribute("aria-label")).toBe("בריאות 55, צהוב");
      expect(shadow(hebrew, "[part~=trend]").textContent).toContain("\u2066-3\u2069 ב־30 ימים");
      expect(signBeforeDigit(shadow(hebrew, "[part~=trend]"), "-3")).toBe(true);
      const pill = await mountBadge("tok_initech");
      expect(shadow(pill, "[part~=label]").textContent).toBe("בריאות");
      // The pill mirrored: the dot at the start, on the right.
      const dot = shadow(pill, "[part~=dot]").getBoundingClientRect();
      expect(dot.left).toBeGreaterThan(shadow(pill, "[part~=score]").getBoundingClientRect().right);
      await expectNoAxeViolations(hebrew);
      await screenshot("health-badge-hebrew-rtl", document.body);
    } finally {
      document.documentElement.removeAttribute("dir");
    }
  });

  test("a page in a language not fetched yet never sees English: nothing, then its own texts", async () => {
    // Portuguese is used by no other test of this file, so its module is not loaded yet.
    const shown: string[] = [];
    const badge = document.createElement("pulse-health-badge");
    badge.lang = "pt-BR";
    document.body.append(badge);
    const record = () =>
      shown.push(badge.shadowRoot?.querySelector("[part~=base]")?.getAttribute("aria-label") ?? "");
    await badge.updateComplete;
    record();
    const watcher = new MutationObserver(record);
    watcher.observe(badge.shadowRoot as ShadowRoot, { subtree: true, childList: true, attributes: true });
    try {
      await expect.poll(() => shown.at(-1)).toBe("Saúde indisponível");
    } finally {
      watcher.disconnect();
      badge.remove();
    }
    // No configuration: an error at once, shown only once its Portuguese text is there.
    expect(badge.status).toBe("error");
    expect(shown.filter((label) => label !== "" && label !== "Saúde indisponível")).toEqual([]);
    expect(shown[0]).toBe("");
  });

  test("theming: ::part, band colour properties and forced colours", async () => {
    const style = document.createElement("style");
    style.textContent = `
      pulse-health-badge.branded { --pulse-band-green: rgb(0, 100, 0); --pulse-font-family: Georgia, serif; }
      pulse-health-badge.branded::part(score) { font-size: 20px; }
    `;
    document.head.append(style);
    try {
      const badge = await mountBadge("tok_acme", { class: "branded" });
      expect(getComputedStyle(shadow(badge, "[part~=dot]")).backgroundColor).toBe("rgb(0, 100, 0)");
      expect(getComputedStyle(shadow(badge, "[part~=base]")).borderTopColor).toBe("rgb(0, 100, 0)");
      expect(getComputedStyle(shadow(badge, "[part~=score]")).fontSize).toBe("20px");
      expect(getComputedStyle(shadow(badge, "[part~=base]")).fontFamily).toMatch(/Georgia/);
    } finally {
      style.remove();
    }
    await commands.emulateMedia({ forcedColors: "active" });
    const forced = await mountBadge("tok_acme", { variant: "detailed" });
    await screenshot("health-badge-detailed-forced-colors", forced.parentElement ?? forced);
  });
});
