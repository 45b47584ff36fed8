// One routing decision on the parsed path: GraphQL is /graphql exactly, and every request that
// reaches it passes every guard (IP rate limit, API key, origin, key rate limit); any other path
// whose text merely ends in "/graphql" is a 404, in-process and over HTTP.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

const LOOKALIKES = [
  "/graphql/",
  "/x?y=/graphql",
  "/x/graphql",
  "/graphql%2F",
  "//graphql",
  "/graphql/graphql",
];
const limits = {
  perIp: 3,
  perSecretKey: 1000,
  perPublishableVisitor: 1000,
  perPublishableIp: 1000,
  perPublishableKey: 1000,
  trustProxy: false,
};

describe.each(DATABASE_KINDS)("GraphQL routing on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let acme: CreatedWorkspace;
  let yoga: PulseYoga;
  let server: StartedServer;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "routing"));
    acme = await newWorkspace(database, "acme");
    yoga = createPulseYoga({ database, rateLimits: limits });
    server = await startHttpServer({ database, port: 0, host: "127.0.0.1", rateLimits: limits });
  });
  afterAll(async () => {
    await server?.close();
    await yoga?.rateLimiter?.close();
    await drop?.();
  });

  const body = JSON.stringify({ query: "{ workspace { slug signingSecret } }" });
  const send = (base: string | PulseYoga, path: string, key: string | null) => {
    const init = {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    };
    return typeof base === "string"
      ? fetch(`${base}${path}`, init)
      : base.fetch(`http://pulse.test${path}`, init);
  };

  it("answers 404 for every path that only looks like /graphql, with or without a key", async () => {
    for (const target of [yoga, server.url]) {
      for (const path of LOOKALIKES) {
        for (const key of [null, acme.secretKey]) {
          const response = await send(target, path, key);
          const text = await response.text();
          expect({ path, status: response.status }).toEqual({ path, status: 404 });
          expect(text).not.toContain(acme.signingSecret);
          expect(JSON.parse(text).errors[0].extensions.code).toBe("NOT_FOUND");
        }
      }
    }
  });

  it("holds /graphql itself (with any query string) to the key check and the per-IP limit", async () => {
    const fresh = await startHttpServer({ database, port: 0, host: "127.0.0.1", rateLimits: limits });
    try {
      expect((await send(fresh.url, "/graphql?y=1", null)).status).toBe(401);
      const ok = await send(fresh.url, "/graphql?x=/graphql", acme.secretKey);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        data: { workspace: { slug: "acme", signingSecret: acme.signingSecret } },
      });
      // The per-IP budget (3 a minute) counted those two; look-alikes do not get around it.
      for (const path of LOOKALIKES) expect((await send(fresh.url, path, acme.secretKey)).status).toBe(404);
      expect((await send(fresh.url, "/graphql", acme.secretKey)).status).toBe(200);
      const limited = await send(fresh.url, "/graphql", acme.secretKey);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });
});
