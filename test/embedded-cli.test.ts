// One process per embedded data folder, as a new user meets it: every CLI command while a server
// runs goes through that server (which knows the result at once, and so does a restart); a
// second server is refused; a server killed with SIGKILL during writes loses none it acknowledged.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { query, type RunningPulse, runPulse, startPulse, stop } from "./pulse-process.ts";

const DEMO_SECRET_KEY = "sk_demo0000000000000000000000000000000000000";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "pulse-embedded-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

async function serve(env: NodeJS.ProcessEnv): Promise<RunningPulse> {
  const pulse = await startPulse(["serve", "--port", "0"], env);
  cleanups.push(() => void pulse.process.kill("SIGKILL"));
  return pulse;
}

function printedKey(output: string, label: string): string {
  const key = new RegExp(`${label}\\s+((sk|pk)_\\S+)`).exec(output)?.[1];
  if (!key) throw new Error(`no ${label} in:\n${output}`);
  return key;
}

describe("the CLI while a server holds the embedded data folder", () => {
  it("runs every database command through the server, which knows the results at once; a restart finds them", {
    timeout: 300_000,
  }, async () => {
    const dataDir = newFolder();
    // Production on loopback: not development on loopback, so the demo gets random keys.
    const env = { PULSE_DATA_DIR: dataDir, DATABASE_URL: "", PULSE_ENV: "production" };
    const server = await serve(env);
    const pid = server.process.pid as number;
    const through = `process ${pid} (\`pulse serve\`) holds ${dataDir}: running the command through it`;

    // seed runs long (the demo and 90 days of history): the other commands go on meanwhile.
    const seeding = runPulse(["seed"], env);

    const migrate = await runPulse(["migrate"], env);
    expect(migrate).toMatchObject({ status: 0 });
    expect(migrate.stderr).toContain(through);
    expect(migrate.stdout).toMatch(
      /embedded PGlite at .*; 0 migration\(s\) applied, [1-9]\d* already applied/,
    );

    const created = await runPulse(["workspace", "create", "--name", "Acme", "--slug", "acme"], env);
    expect(created).toMatchObject({ status: 0 });
    expect(created.stderr).toContain(through);
    const acmeKey = printedKey(created.stdout, "secret key");
    // The running server knows the workspace and its key at once.
    expect((await query(server, acmeKey, "{ workspace { slug } }")).body.data).toEqual({
      workspace: { slug: "acme" },
    });

    const readOnly = await runPulse(
      ["keys", "create", "--workspace", "acme", "--kind", "secret", "--name", "reader", "--read-only"],
      env,
    );
    expect(readOnly).toMatchObject({ status: 0 });
    const readerKey = readOnly.stdout.split("\n")[0] as string;
    const doomed = await runPulse(
      ["keys", "create", "--workspace", "acme", "--kind", "secret", "--name", "doomed"],
      env,
    );
    const doomedKey = doomed.stdout.split("\n")[0] as string;
    expect((await query(server, readerKey, "{ workspace { slug } }")).body.data).toEqual({
      workspace: { slug: "acme" },
    });
    expect((await query(server, doomedKey, "{ workspace { slug } }")).status).toBe(200);

    const listed = await runPulse(["keys", "list", "--workspace", "acme"], env);
    expect(listed).toMatchObject({ status: 0 });
    const doomedLine = listed.stdout.split("\n").find((line) => line.includes("doomed")) as string;
    const listedPrefix = doomedLine.split(/\s+/)[0] as string;
    expect(listedPrefix).toBe(`${doomedKey.slice(0, 11)}…`);
    const revoked = await runPulse(["keys", "revoke", "--workspace", "acme", listedPrefix], env);
    expect(revoked).toMatchObject({ status: 0 });
    expect(revoked.stdout).toContain("this server refuses it now");
    expect((await query(server, doomedKey, "{ workspace { slug } }")).status).toBe(401);

    // A relative backup path is the caller's, not the server's.
    const backupDir = newFolder();
    const backup = await runPulse(["backup", "acme.tar.gz"], env, backupDir);
    expect(backup).toMatchObject({ status: 0 });
    expect(backup.stdout).toContain(`backup written to ${join(backupDir, "acme.tar.gz")}`);
    expect(existsSync(join(backupDir, "acme.tar.gz"))).toBe(true);

    const later = await runPulse(["workspace", "create", "--name", "Later", "--slug", "later"], env);
    const laterKey = printedKey(later.stdout, "secret key");

    // restore would replace the folder under the server: refused, naming it.
    const restoreRefused = await runPulse(["restore", join(backupDir, "acme.tar.gz")], env);
    expect(restoreRefused.status).toBe(1);
    expect(restoreRefused.stderr).toContain(`in use by process ${pid} (\`pulse serve\``);
    expect(restoreRefused.stderr).toContain(`stop process ${pid} first`);

    const seeded = await seeding;
    expect(seeded).toMatchObject({ status: 0 });
    expect(seeded.stderr).toContain(through);
    expect(seeded.stdout).toMatch(/demo workspace seeded in [\d.]+ s: 240 account/);
    const demoKey = printedKey(seeded.stdout, "secret key");
    expect(demoKey).not.toBe(DEMO_SECRET_KEY);
    expect((await query(server, demoKey, "{ accounts(first: 1) { totalCount } }")).body.data).toEqual({
      accounts: { totalCount: 240 },
    });
    expect((await query(server, DEMO_SECRET_KEY, "{ workspace { slug } }")).status).toBe(401);

    expect(await stop(server)).toBe(0);
    expect(existsSync(join(dataDir, "pulse.lock"))).toBe(false);

    const again = await serve(env);
    expect(again.output()).not.toContain("WARNING");
    expect(again.output()).toContain("No demo keys here");
    expect((await query(again, acmeKey, "{ workspace { slug } }")).body.data).toEqual({
      workspace: { slug: "acme" },
    });
    expect((await query(again, readerKey, "{ workspace { slug } }")).status).toBe(200);
    expect((await query(again, doomedKey, "{ workspace { slug } }")).status).toBe(401);
    expect((await query(again, demoKey, "{ accounts(first: 1) { totalCount } }")).body.data).toEqual({
      accounts: { totalCount: 240 },
    });
    expect((await query(again, laterKey, "{ workspace { slug } }")).status).toBe(200);
    expect(await stop(again)).toBe(0);

    // With the server gone, restore replaces the folder by the backup (taken before "later").
    const restored = await runPulse(["restore", join(backupDir, "acme.tar.gz")], env);
    expect(restored).toMatchObject({ status: 0 });
    const previous = /kept as (\S+)/.exec(restored.stdout)?.[1] as string;
    cleanups.push(() => rmSync(previous, { recursive: true, force: true }));
    const restarted = await serve(env);
    expect((await query(restarted, acmeKey, "{ workspace { slug } }")).body.data).toEqual({
      workspace: { slug: "acme" },
    });
    expect((await query(restarted, laterKey, "{ workspace { slug } }")).status).toBe(401);
    expect(await stop(restarted)).toBe(0);
  });

  it("refuses a second server on the same folder, naming the first and what to do", async () => {
    const dataDir = newFolder();
    const env = { PULSE_DATA_DIR: dataDir, DATABASE_URL: "" };
    const first = await serve(env);
    for (const command of ["serve", "start"]) {
      // A second server that starts anyway is a failure of its own (and is stopped at once).
      const second = await startPulse([command, "--port", "0"], env).then(
        (started) => {
          started.process.kill("SIGKILL");
          return `a second server started at ${started.url}`;
        },
        (error: Error) => error.message,
      );
      expect(second).toMatch(/^Pulse exited with 1:/);
      expect(second).toContain(`is in use by process ${first.process.pid} (\`pulse serve\``);
      expect(second).toContain(`stop that one first (kill ${first.process.pid})`);
    }
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect(await stop(first)).toBe(0);
  });

  it("keeps every acknowledged write when the server is killed with SIGKILL during writes", async () => {
    const dataDir = newFolder();
    const env = { PULSE_DATA_DIR: dataDir, DATABASE_URL: "" };
    const server = await serve(env);
    const created = await runPulse(["workspace", "create", "--name", "Writes", "--slug", "writes"], env);
    const key = printedKey(created.stdout, "secret key");
    const acknowledged: string[] = [];
    let failed = 0;
    const writer = async (lane: number) => {
      for (let n = 0; ; n += 1) {
        const externalId = `acct-${lane}-${n}`;
        try {
          const answer = await query(
            server,
            key,
            `mutation($input: AccountInput!) { upsertAccount(input: $input) { __typename } }`,
            { input: { externalId, name: `Account ${externalId}`, signedUpAt: "2026-01-01T00:00:00Z" } },
          );
          if (
            answer.body.data?.upsertAccount &&
            (answer.body.data.upsertAccount as { __typename: string }).__typename ===
              "MutationUpsertAccountSuccess"
          ) {
            acknowledged.push(externalId);
          }
        } catch {
          failed += 1;
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    while (acknowledged.length < 60) await new Promise((resolve) => setTimeout(resolve, 20));
    server.process.kill("SIGKILL");
    await Promise.all(writers);
    expect(failed).toBe(4);

    // The dead server's lock is taken over; its acknowledged writes are all there.
    const restarted = await serve(env);
    const ids = new Set<string>();
    for (let after: string | null = null; ; ) {
      const page = await query(
        restarted,
        key,
        "query($after: String) { accounts(first: 100, after: $after) { edges { node { externalId } } pageInfo { hasNextPage endCursor } } }",
        { after },
      );
      const accounts = page.body.data?.accounts as {
        edges: { node: { externalId: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      for (const edge of accounts.edges) ids.add(edge.node.externalId);
      if (!accounts.pageInfo.hasNextPage) break;
      after = accounts.pageInfo.endCursor;
    }
    expect(ids.size).toBeGreaterThanOrEqual(acknowledged.length);
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    expect(await stop(restarted)).toBe(0);
  });
});
