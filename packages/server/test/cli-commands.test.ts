// The CLI's database commands in-process (the code the CLI and a server holding the data folder
// both run): key listings, key references as listed, and where the demo's well-known keys may exist.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandOutput, ensureDemo, parseCommandLine, runDatabaseCommand } from "../src/commands.ts";
import { isDevelopmentOnLoopback, type PulseConfig, readConfig } from "../src/config.ts";
import { DEMO_SECRET_KEY, findDocumentedDemoCredentials, seedDemoWorkspace } from "../src/seed/demo.ts";
import { createPulseYoga } from "../src/yoga.ts";
import { graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await openTestDatabase("pglite"));
});
afterAll(() => drop());

async function run(argv: string[], config: PulseConfig = readConfig({})) {
  const lines = { out: [] as string[], err: [] as string[] };
  const output: CommandOutput = {
    out: (line) => lines.out.push(line),
    err: (line) => lines.err.push(line),
    writeFile: async () => {},
  };
  const code = await runDatabaseCommand({ database, config, output }, parseCommandLine(argv));
  return { code, out: lines.out.join("\n"), err: lines.err.join("\n") };
}

describe("pulse keys", () => {
  it("lists every publishable key with the same scope, whoever made it", async () => {
    await newWorkspace(database, "listing");
    expect(
      (await run(["keys", "create", "--workspace", "listing", "--kind", "publishable", "--name", "site"]))
        .code,
    ).toBe(0);
    expect(
      (
        await run([
          "keys",
          "create",
          "--workspace",
          "listing",
          "--kind",
          "secret",
          "--name",
          "ro",
          "--read-only",
        ])
      ).code,
    ).toBe(0);
    const listed = (await run(["keys", "list", "--workspace", "listing"])).out.split("\n");
    const scopeOf = (line: string) => line.split(/\s{2,}/)[2];
    const publishable = listed.filter((line) => line.includes("PUBLISHABLE"));
    expect(publishable).toHaveLength(2);
    expect(publishable.map(scopeOf)).toEqual(["widgets", "widgets"]);
    expect(listed.filter((line) => line.includes("SECRET")).map(scopeOf)).toEqual(["read,write", "read"]);
  });

  it("shows no scopes for publishable keys through the API either, and stores none", async () => {
    const created = await newWorkspace(database, "api-scopes");
    const workspace = await database.prisma.workspace.findUniqueOrThrow({ where: { slug: "api-scopes" } });
    const stored = await database.prisma.apiKey.findMany({
      where: { workspaceId: workspace.id },
      select: { kind: true, scopes: true },
    });
    expect(stored.map((key) => [key.kind, key.scopes]).sort()).toEqual([
      ["PUBLISHABLE", []],
      ["SECRET", ["read", "write"]],
    ]);
    // Rows written before publishable keys stored no scopes held a secret key's default.
    await database.prisma.apiKey.updateMany({
      where: { workspaceId: workspace.id, kind: "PUBLISHABLE" },
      data: { scopes: ["read", "write"] },
    });
    const yoga = createPulseYoga({ database });
    const result = await graphql<{ workspace: { apiKeys: { kind: string; scopes: string[] }[] } }>(
      yoga,
      created.secretKey,
      "{ workspace { apiKeys { kind scopes } } }",
    );
    expect(result.data?.workspace.apiKeys.map((key) => [key.kind, key.scopes]).sort()).toEqual([
      ["PUBLISHABLE", []],
      ["SECRET", ["read", "write"]],
    ]);
  });

  it("revokes a key named by its prefix exactly as listed (with …), and by ..., the bare prefix, the key or its id", async () => {
    await newWorkspace(database, "revoking");
    const references = async (key: string, id: string) => [
      `${key.slice(0, 11)}…`,
      `${key.slice(0, 11)}...`,
      key.slice(0, 11),
      key,
      id,
    ];
    for (let variant = 0; variant < 5; variant += 1) {
      const created = await run([
        "keys",
        "create",
        "--workspace",
        "revoking",
        "--kind",
        "secret",
        "--name",
        `k${variant}`,
      ]);
      const key = created.out.split("\n")[0] as string;
      const row = await database.prisma.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 11) } });
      const reference = (await references(key, row.id))[variant] as string;
      const listedLine = (await run(["keys", "list", "--workspace", "revoking"])).out
        .split("\n")
        .find((line) => line.includes(row.id));
      expect(listedLine?.startsWith(`${key.slice(0, 11)}…  `)).toBe(true);
      const revoked = await run(["keys", "revoke", "--workspace", "revoking", reference]);
      expect({ reference, ...revoked }).toMatchObject({ code: 0 });
      expect(
        (await database.prisma.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt,
      ).not.toBeNull();
    }
    const unknown = await run(["keys", "revoke", "--workspace", "revoking", "sk_nothing00…"]);
    expect(unknown).toMatchObject({ code: 2, err: "no active key sk_nothing00…" });
  });
});

describe("the demo's well-known keys", () => {
  it("exist only in development on loopback", () => {
    const exposure = (PULSE_ENV: string, HOST: string) =>
      isDevelopmentOnLoopback(readConfig({ PULSE_ENV, HOST }));
    expect(exposure("development", "127.0.0.1")).toBe(true);
    expect(exposure("development", "localhost")).toBe(true);
    expect(exposure("development", "::1")).toBe(true);
    expect(exposure("development", "0.0.0.0")).toBe(false);
    expect(exposure("development", "::")).toBe(false);
    expect(exposure("development", "192.168.1.20")).toBe(false);
    expect(exposure("production", "127.0.0.1")).toBe(false);
  });

  it("pulse seed outside development on loopback gives the demo random keys, printed once", {
    timeout: 120_000,
  }, async () => {
    // The seed without its 90-day history backfill (which the seed command adds after it).
    const lines: string[] = [];
    const output: CommandOutput = {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      writeFile: async () => {},
    };
    const config = readConfig({ PULSE_ENV: "production", HOST: "0.0.0.0" });
    expect(await ensureDemo({ database, config, output }, false)).toMatch(/^[0-9a-f-]{36}$/);
    const secretKey = /secret key\s+(sk_\S+)/.exec(lines.join("\n"))?.[1];
    expect(secretKey).toMatch(/^sk_/);
    expect(secretKey).not.toBe(DEMO_SECRET_KEY);
    expect(await findDocumentedDemoCredentials(database.prisma)).toEqual({
      secretKey: [],
      publishableKey: [],
      signingSecret: [],
    });
    const yoga = createPulseYoga({ database });
    expect((await graphql(yoga, DEMO_SECRET_KEY, "{ workspace { slug } }")).status).toBe(401);
    expect((await graphql(yoga, secretKey as string, "{ workspace { slug } }")).data).toEqual({
      workspace: { slug: "demo" },
    });
    // Seeded with the documented keys (development, tests), they are found, to warn about.
    const other = await openTestDatabase("pglite");
    try {
      await seedDemoWorkspace(other.database.prisma, { accounts: 2 });
      expect(await findDocumentedDemoCredentials(other.database.prisma)).toEqual({
        secretKey: ["demo"],
        publishableKey: ["demo"],
        signingSecret: ["demo"],
      });
    } finally {
      await other.drop();
    }
  });
});
