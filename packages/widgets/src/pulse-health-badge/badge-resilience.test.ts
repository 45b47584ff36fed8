import { describe, expect, onTestFinished, test, vi } from "vitest";
import { acmeBadge } from "../test-support/badges";
import { fakeEndpoint, fakePublishableKey } from "../test-support/fake-pulse-graphql";
import { events, fakePulseForEachTest, mount, shadow } from "../test-support/fixtures";
import "./pulse-health-badge";

const server = fakePulseForEachTest((fake) => {
  fake.badges.set("tok_acme", acmeBadge);
  fake.badges.set("tok_acme_fresh", { ...acmeBadge, score: 61, band: "YELLOW" });
});

function badgeAttributes(token = "tok_acme", extra: Record<string, string> = {}): Record<string, string> {
  return { endpoint: fakeEndpoint, "publishable-key": fakePublishableKey, token, ...extra };
}

const name = (badge: HTMLElement) => shadow(badge, "[part~=base]").getAttribute("aria-label");

describe("the badge's refused loads, as the surveys' (loadGraphQL)", () => {
  test("a 429 load is retried after its Retry-After, three times at most", async () => {
    server.failNext({ rateLimited: "0" }, { rateLimited: "0" });
    const badge = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => badge.status).toBe("ready");
    expect(server.operations("PulseWidgetBadge")).toHaveLength(3);
    expect(name(badge)).toBe("Health 82, green");

    const errors = events("pulse-error");
    server.failNext(...Array.from({ length: 5 }, () => ({ rateLimited: "0" })));
    const refused = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => refused.status).toBe("error");
    // The first try and three retries.
    expect(server.operations("PulseWidgetBadge")).toHaveLength(3 + 4);
    expect(errors).toMatchObject([{ code: "RATE_LIMITED", operation: "widgetBadge", retryable: true }]);
  });

  test("a 503 waits as long as Retry-After says, and is not retried without one", async () => {
    server.failNext({ unavailable: "1" });
    const started = Date.now();
    const badge = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => badge.status).toBe("ready");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.operations("PulseWidgetBadge")).toHaveLength(2);

    const errors = events("pulse-error");
    server.failNext({ unavailable: null });
    const once = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => once.status).toBe("error");
    expect(server.operations("PulseWidgetBadge")).toHaveLength(2 + 1);
    expect(errors).toMatchObject([{ code: "DATABASE_UNAVAILABLE", operation: "widgetBadge" }]);
  });
});

describe("the badge on a long-lived page: a fresh token", () => {
  test("a refused token fires pulse-token-expired, takes the provider's token and loads with it", async () => {
    const expired = events("pulse-token-expired");
    const errors = events("pulse-error");
    server.failNext({ code: "INVALID_TOKEN", message: "The token has expired." });
    const badge = document.createElement("pulse-health-badge");
    const provider = vi.fn(async () => "tok_acme_fresh");
    badge.tokenProvider = provider;
    for (const [attribute, value] of Object.entries(badgeAttributes())) badge.setAttribute(attribute, value);
    document.body.append(badge);
    onTestFinished(() => badge.remove());
    await expect.poll(() => badge.status).toBe("ready");
    expect(expired).toEqual([{ operation: "widgetBadge" }]);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(server.operations("PulseWidgetBadge").map((request) => request.variables.token)).toEqual([
      "tok_acme",
      "tok_acme_fresh",
    ]);
    expect(badge.token).toBe("tok_acme_fresh");
    expect(name(badge)).toBe("Health 61, yellow");
    expect(errors).toEqual([]);
  });

  test("live refresh after the token expired: the page sets token in its handler, the numbers stay on screen", async () => {
    const renew = (event: Event) => {
      (event.target as HTMLElement & { token?: string }).token = "tok_acme_fresh";
    };
    document.addEventListener("pulse-token-expired", renew);
    onTestFinished(() => document.removeEventListener("pulse-token-expired", renew));
    const badge = await mount("pulse-health-badge", badgeAttributes("tok_acme", { refresh: "1" }));
    await expect.poll(() => badge.status).toBe("ready");
    const statuses: string[] = [];
    const watch = setInterval(() => statuses.push(badge.status), 20);
    onTestFinished(() => clearInterval(watch));
    server.failNext({ code: "INVALID_TOKEN", message: "The token has expired." });
    await expect.poll(() => name(badge), { timeout: 5_000 }).toBe("Health 61, yellow");
    // The renewed token continued the badge: the old numbers stayed until the new ones came.
    expect(statuses.filter((status) => status !== "ready")).toEqual([]);
    expect(server.operations("PulseWidgetBadge").map((request) => request.variables.token)).toEqual([
      "tok_acme",
      "tok_acme",
      "tok_acme_fresh",
    ]);
  });

  test("without a fresh token the refusal is reported, once", async () => {
    const errors = events("pulse-error");
    const expired = events("pulse-token-expired");
    server.failNext({ code: "INVALID_TOKEN" });
    const badge = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => badge.status).toBe("error");
    expect(expired).toHaveLength(1);
    expect(errors).toMatchObject([{ code: "INVALID_TOKEN", operation: "widgetBadge", retryable: false }]);
    expect(server.operations("PulseWidgetBadge")).toHaveLength(1);
  });
});

describe("the badge on a page whose origin the workspace does not allow", () => {
  test("shows no numbers and says why in the console, with the origin and the call that allows it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const message = `Origin ${location.origin} is not allowed for this workspace's publishable key. Allow it with the secret key: mutation { setAllowedOrigins(input: { origins: ["${location.origin}", …] }) { __typename } }`;
    server.failNext({ code: "ORIGIN_NOT_ALLOWED", message });
    const errors = events("pulse-error");
    const badge = await mount("pulse-health-badge", badgeAttributes());
    await expect.poll(() => badge.status).toBe("error");
    expect(name(badge)).toBe("Health unavailable");
    expect(errors).toMatchObject([{ code: "ORIGIN_NOT_ALLOWED", operation: "widgetBadge" }]);
    expect(warn).toHaveBeenCalledWith(`Pulse: ${message}`);
  });
});
