// The README's start command, end to end: a new embedded database, migrations, the demo seed,
// the HTTP server, and the first query a new user sends with the printed demo key.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@pulse/schema/test/postgres";
import { afterAll, describe, expect, it } from "vitest";
import { cli, query, startPulse, stop } from "./pulse-process.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("pulse start on a new embedded database", () => {
  it("migrates, seeds the demo, serves GraphQL and answers the README's first query", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pulse-start-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const pulse = await startPulse(["start", "--port", "0"], { PULSE_DATA_DIR: dataDir, DATABASE_URL: "" });
    cleanups.push(() => void pulse.process.kill("SIGKILL"));
    expect(pulse.output()).toMatch(/applied migration \d+_init/);
    expect(pulse.output()).toMatch(/applied migration \d+_contact_indexes/);
    expect(pulse.output()).toMatch(/demo workspace seeded in [\d.]+ s: 240 account/);
    expect(pulse.secretKey).toMatch(/^sk_/);
    expect(pulse.output()).toMatch(/Demo publishable key\s+pk_/);

    const first = await query(pulse, pulse.secretKey, "{ accounts(first: 5) { edges { node { name } } } }");
    expect(first.status).toBe(200);
    const edges = (first.body.data?.accounts as { edges: { node: { name: string } }[] } | undefined)?.edges;
    expect(edges).toHaveLength(5);
    for (const edge of edges ?? []) expect(edge.node.name).toMatch(/\w+ \w+ \d+/);

    const graphiql = await fetch(`${pulse.url}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain("Pulse");

    // The banner's reference dashboard is served (built by the start path when missing), and its
    // credential route signs a viewer token for the demo workspace.
    expect(pulse.output()).toContain(`Reference dashboard ${pulse.url}/demo/dashboard/`);
    const dashboard = await fetch(`${pulse.url}/demo/dashboard/`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("<pulse-dashboard");
    const viewer = await fetch(`${pulse.url}/demo/viewer-token`);
    expect(viewer.status).toBe(200);
    expect(await viewer.json()).toMatchObject({ publishableKey: expect.stringMatching(/^pk_/) });

    expect(await stop(pulse)).toBe(0);
    expect(pulse.output()).toContain("SIGTERM: draining requests and closing");

    // A second start on the same folder keeps the data and seeds nothing again.
    const again = await startPulse(["start", "--port", "0"], { PULSE_DATA_DIR: dataDir, DATABASE_URL: "" });
    cleanups.push(() => void again.process.kill("SIGKILL"));
    expect(again.output()).toMatch(/0 migration\(s\) applied, [1-9]\d* already applied/);
    expect(again.output()).toContain("demo workspace present");
    const count = await query(
      again,
      again.secretKey,
      "{ accounts(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }",
    );
    expect(
      (count.body.data?.accounts as { pageInfo: { hasNextPage: boolean } } | undefined)?.pageInfo.hasNextPage,
    ).toBe(true);
    expect(await stop(again)).toBe(0);

    // The same folder outside development on loopback: the README's demo keys it holds are a
    // warning at every start, and neither the banner nor GraphiQL offers them.
    for (let start = 0; start < 2; start += 1) {
      const exposed = await startPulse(["start", "--port", "0"], {
        PULSE_DATA_DIR: dataDir,
        DATABASE_URL: "",
        PULSE_ENV: "production",
      });
      cleanups.push(() => void exposed.process.kill("SIGKILL"));
      expect(exposed.output()).toContain(
        "WARNING: this server is not development on loopback (PULSE_ENV=production, HOST=127.0.0.1), and it holds the",
      );
      expect(exposed.output()).toContain(
        'workspace "demo": active secret key sk_demo0000… (reads and writes it)',
      );
      expect(exposed.output()).toContain("widget tokens signed with the README's signing secret");
      expect(exposed.secretKey).toBe("");
      expect(await stop(exposed)).toBe(0);
    }
  });
});

describe("pulse start outside development on loopback", () => {
  it("creates no well-known credentials and offers none", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pulse-start-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const pulse = await startPulse(["start", "--port", "0"], {
      PULSE_DATA_DIR: dataDir,
      DATABASE_URL: "",
      PULSE_ENV: "production",
    });
    cleanups.push(() => void pulse.process.kill("SIGKILL"));
    expect(pulse.output()).toContain(
      "[seed] demo workspace not seeded: this server is not development on loopback (PULSE_ENV=production, HOST=127.0.0.1)",
    );
    expect(pulse.output()).not.toContain("sk_demo");
    expect(pulse.output()).not.toContain("WARNING");
    expect(pulse.output()).not.toContain("Widgets demo page");
    expect(pulse.output()).not.toContain("Reference dashboard");
    expect(pulse.output()).toContain("No demo keys here");
    expect(
      (await query(pulse, "sk_demo0000000000000000000000000000000000000", "{ workspace { slug } }")).status,
    ).toBe(401);
    expect(await stop(pulse)).toBe(0);
  });
});

describe("pulse against an external PostgreSQL", () => {
  it("migrates and serves with DATABASE_URL", async () => {
    const database = await createTestDatabase("cli");
    cleanups.push(() => database.drop());
    const migrate = spawnSync(process.execPath, [cli, "migrate"], {
      env: { ...process.env, DATABASE_URL: database.url },
      encoding: "utf8",
    });
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/PostgreSQL; [1-9]\d* migration\(s\) applied, 0 already applied/);
    const pulse = await startPulse(["serve", "--port", "0"], { DATABASE_URL: database.url });
    cleanups.push(() => void pulse.process.kill("SIGKILL"));
    expect(pulse.output()).toMatch(/0 migration\(s\) applied, [1-9]\d* already applied/);
    // No demo workspace here: the banner offers no demo key.
    expect(pulse.output()).not.toContain("sk_demo");
    expect(pulse.output()).toContain("No demo keys here");
    expect(pulse.output()).toContain("-H 'authorization: Bearer <secret key>'");
    const health = await fetch(`${pulse.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", database: "postgres" });
    expect(await stop(pulse)).toBe(0);
  });
});

describe("pulse CLI", () => {
  it("prints help, and refuses unknown commands and bad configuration clearly", () => {
    const help = spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    for (const command of ["start", "serve", "migrate", "seed"]) expect(help.stdout).toContain(command);
    const unknown = spawnSync(process.execPath, [cli, "frobnicate"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    const badUrl = spawnSync(process.execPath, [cli, "migrate"], {
      env: { ...process.env, DATABASE_URL: "mysql://nope" },
      encoding: "utf8",
    });
    expect(badUrl.status).toBe(1);
    expect(badUrl.stderr).toContain("DATABASE_URL must be a postgresql:// connection string");
  });
});
