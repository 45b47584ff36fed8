// The badge endpoints (/badge/<token>.svg and .json): anonymous traffic limited like the widgets'
// (per IP ceiling, per signed visitor — the token's account —, Retry-After); a cached answer
// lives no longer than its token and dies with a signing-secret rotation; and the shields.io
// endpoint format answers errors as 200 with isError, which shields renders as a badge.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimits } from "../src/auth/rate-limiter.ts";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

const NO_LIMITS: RateLimits = {
  perIp: 10_000,
  perSecretKey: 10_000,
  perPublishableVisitor: 10_000,
  perPublishableIp: 10_000,
  perPublishableKey: 10_000,
  trustProxy: true,
};

describe.each(DATABASE_KINDS)("badges on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let acme: CreatedWorkspace;
  let clockMs = Date.now();
  const servers: StartedServer[] = [];

  async function serve(rateLimits: Partial<RateLimits> = {}): Promise<StartedServer> {
    const server = await startHttpServer({
      database,
      port: 0,
      host: "127.0.0.1",
      clock: () => new Date(clockMs),
      rateLimits: { ...NO_LIMITS, ...rateLimits },
    });
    servers.push(server);
    return server;
  }
  const badgeToken = (account: string, expiresInSeconds: number | null = null) =>
    signWidgetToken({ workspaceId: acme.workspaceId, account, expiresInSeconds }, acme.signingSecret);

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "badge"));
    acme = await newWorkspace(database, "acme");
    for (const id of ["a1", "a2", "a3", "a4"]) {
      await database.prisma.account.create({
        data: {
          workspaceId: acme.workspaceId,
          externalId: id,
          name: `Account ${id}`,
          signedUpAt: new Date("2026-01-01"),
        },
      });
    }
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await drop?.();
  });

  it("answers shields.io JSON errors as 200 with isError, and SVG errors with their status", async () => {
    const server = await serve();
    const good = await badgeToken("a1");
    const cases = [
      [`${good}x`, "invalid token"],
      [await badgeToken("nobody"), "not found"],
      [`${good}.json?style=<b>`, "bad request"],
    ] as const;
    for (const [token, message] of cases) {
      const path = token.includes("?") ? `/badge/${token}` : `/badge/${token}.json`;
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toMatchObject({
        schemaVersion: 1,
        label: "health",
        message,
        color: "lightgrey",
        isError: true,
      });
    }
    expect((await fetch(`${server.url}/badge/${good}x.svg`)).status).toBe(403);
    const ok = await fetch(`${server.url}/badge/${good}.json`);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ schemaVersion: 1, label: "health" });
    expect(body.isError).toBeUndefined();
  });

  it("caches an answer no longer than its token lives", async () => {
    const server = await serve();
    clockMs = Date.now();
    const shortLived = await badgeToken("a2", 5);
    const first = await fetch(`${server.url}/badge/${shortLived}.svg`);
    expect(first.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(5);
    // 40 s later (past the expiry and its 30 s clock tolerance, within the 60 s cache): refused.
    clockMs += 40_000;
    const later = await fetch(`${server.url}/badge/${shortLived}.svg`);
    expect(later.status).toBe(403);
    const json = await fetch(`${server.url}/badge/${shortLived}.json`);
    expect(await json.json()).toMatchObject({ isError: true, message: "invalid token" });
    clockMs = Date.now();
  });

  it("stops serving a cached badge once the signing secret is rotated", async () => {
    const server = await serve();
    const token = await badgeToken("a3");
    for (const format of ["svg", "json"])
      expect((await fetch(`${server.url}/badge/${token}.${format}`)).status).toBe(200);
    const rotated = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${acme.secretKey}` },
      body: JSON.stringify({ query: "mutation { rotateSigningSecret }" }),
    });
    const { data } = (await rotated.json()) as { data: { rotateSigningSecret: string } };
    expect((await fetch(`${server.url}/badge/${token}.svg`)).status).toBe(403);
    expect(await (await fetch(`${server.url}/badge/${token}.json`)).json()).toMatchObject({ isError: true });
    acme.signingSecret = data.rotateSigningSecret;
    expect((await fetch(`${server.url}/badge/${await badgeToken("a3")}.svg`)).status).toBe(200);
  });

  it("limits each signed visitor (cached answers included) with 429 and Retry-After", async () => {
    const server = await serve({ perPublishableVisitor: 2 });
    const token = await badgeToken("a4");
    const office = { "x-forwarded-for": "198.51.100.20" };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(`${server.url}/badge/${token}.svg`, { headers: office })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await fetch(`${server.url}/badge/${token}.svg`, { headers: office });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("access-control-expose-headers")).toMatch(/retry-after/i);
    const json = await fetch(`${server.url}/badge/${token}.json`, { headers: office });
    expect(json.status).toBe(200);
    expect(Number(json.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json.json()).toMatchObject({ isError: true, message: "rate limited" });
    // Another account's badge behind the same address is another visitor.
    expect(
      (await fetch(`${server.url}/badge/${await badgeToken("a1")}.svg`, { headers: office })).status,
    ).toBe(200);
  });

  it("holds one address to a looser ceiling over all badges of a workspace", async () => {
    const server = await serve({ perPublishableIp: 3 });
    const office = { "x-forwarded-for": "198.51.100.30" };
    const statuses: number[] = [];
    for (const account of ["a1", "a2", "a3", "a4"]) {
      statuses.push(
        (await fetch(`${server.url}/badge/${await badgeToken(account)}.svg`, { headers: office })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(
      (
        await fetch(`${server.url}/badge/${await badgeToken("a4")}.svg`, {
          headers: { "x-forwarded-for": "198.51.100.31" },
        })
      ).status,
    ).toBe(200);
  });
});
