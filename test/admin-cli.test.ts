// Admin keys end to end through the real CLI: `pulse keys create --admin` prints a key once, a
// served Pulse provisions a workspace with it, and bad usage changes nothing.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "server", "bin", "pulse.mjs");

describe("pulse keys --admin", () => {
  let database: TestDatabase;
  const env = () => ({ ...process.env, DATABASE_URL: database.url, PULSE_RATE_LIMIT: "off" });
  const pulse = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { env: env(), encoding: "utf8" });

  beforeAll(async () => {
    database = await createTestDatabase("admin_cli");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("creates an admin key that provisions workspaces through a served Pulse, and lists and revokes it", async () => {
    const refused = pulse("keys", "create", "--admin");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("usage: pulse keys create --admin --name <name>");
    expect(pulse("keys", "list", "--admin").stdout).not.toContain("ak_");

    const created = pulse("keys", "create", "--admin", "--name", "partner portal");
    expect(created.status, created.stderr).toBe(0);
    const key = /^(ak_[A-Za-z0-9]{40})$/m.exec(created.stdout)?.[1] ?? "";
    expect(key).not.toBe("");
    expect(pulse("keys", "list", "--admin").stdout).toContain(`${key.slice(0, 11)}…  ADMIN  active`);

    const server = spawn(process.execPath, [cli, "serve", "--port", "0"], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let output = "";
      server.stdout?.on("data", (chunk) => {
        output += chunk;
      });
      await expect
        .poll(() => /GraphQL \+ GraphiQL\s+(\S+)\/graphql/.exec(output)?.[1], {
          timeout: 60_000,
          interval: 100,
        })
        .toBeTruthy();
      const url = /GraphQL \+ GraphiQL\s+(\S+)\/graphql/.exec(output)?.[1] ?? "";
      const send = async (query: string) => {
        const response = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ query }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] },
        };
      };
      const provisioned =
        await send(`mutation { createWorkspace(input: { name: "Customer 7", slug: "customer-7" }) {
        ... on MutationCreateWorkspaceSuccess { data { workspace { slug } secretKey } }
        ... on ValidationError { message fields { path message } } } }`);
      expect(provisioned.body.errors).toBeUndefined();
      expect(provisioned.body.data?.createWorkspace).toMatchObject({
        data: { workspace: { slug: "customer-7" }, secretKey: expect.stringMatching(/^sk_/) },
      });
      const data = await send(`{ accounts(first: 1) { totalCount } }`);
      expect(data.status).toBe(403);

      const revoked = pulse("keys", "revoke", "--admin", `${key.slice(0, 11)}…`);
      expect(revoked.status, revoked.stderr).toBe(0);
      // The running server's key cache holds the key for up to 10 s.
      await expect
        .poll(async () => (await send(`{ workspaces(first: 1) { edges { node { slug } } } }`)).status, {
          timeout: 15_000,
          interval: 500,
        })
        .toBe(401);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
