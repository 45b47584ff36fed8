// C: the dashboard page with 1 and with 3 Pulse servers on one database, behind PgBouncer in
// transaction mode (its own, on a free loopback port, started and stopped here), sharing Redis.
// PgBouncer 1.18 cannot keep named prepared statements in transaction mode, so every server runs
// with prepared statements off (as `PULSE_DB_PREPARED_STATEMENTS=false` does). The servers are not
// pinned (three servers, PostgreSQL and PgBouncer share the machine's cores); the load generators
// are, on the load core: one per server, each with its share of the connections.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { cpus, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { load, PAGE_SIZE, redisUrl } from "../config.ts";
import { DASHBOARD_QUERY, graphqlBody } from "../dashboard.ts";
import { canonical, post } from "../lib/http.ts";
import { exited } from "../lib/processes.ts";
import { type MeasuredTogether, measureTogether, type Run } from "../lib/run.ts";
import { RunningServer } from "../lib/server.ts";

const PGBOUNCER = "/usr/sbin/pgbouncer";

export interface ClusterResults {
  cores: number;
  redis: string | null;
  pgbouncer: string;
  connections: number;
  /** By number of servers (1 and 3). */
  runs: { servers: number; measured: MeasuredTogether }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** A PgBouncer of this run's own, in the foreground as a child process (as `postgres` when root). */
class Bouncer {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(databaseUrl: string): Promise<Bouncer> {
    const target = new URL(databaseUrl);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "pulse-bench-pgbouncer-"));
    const asRoot = userInfo().uid === 0;
    writeFileSync(join(dir, "users.txt"), '"postgres" ""\n');
    writeFileSync(
      join(dir, "pgbouncer.ini"),
      [
        "[databases]",
        `* = host=${target.hostname} port=${target.port || 5432}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        `unix_socket_dir = ${dir}`,
        "auth_type = trust",
        `auth_file = ${join(dir, "users.txt")}`,
        "pool_mode = transaction",
        "max_client_conn = 500",
        // Three servers with pools of 10 share 20 server connections.
        "default_pool_size = 20",
        `logfile = ${join(dir, "pgbouncer.log")}`,
        `pidfile = ${join(dir, "pgbouncer.pid")}`,
        "",
      ].join("\n"),
    );
    if (asRoot) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    }
    const [command, args] = asRoot
      ? ["runuser", ["-u", "postgres", "--", PGBOUNCER, join(dir, "pgbouncer.ini")]]
      : [PGBOUNCER, [join(dir, "pgbouncer.ini")]];
    // Its log goes to pgbouncer.log (and in the foreground to stderr too, which is dropped here).
    const child = spawn(command, args, { stdio: "ignore" });
    const url = new URL(databaseUrl);
    url.port = String(port);
    const bouncer = new Bouncer(url.toString(), dir, child);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) {
        const logged = existsSync(join(dir, "pgbouncer.log"))
          ? readFileSync(join(dir, "pgbouncer.log"), "utf8")
          : "";
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pgbouncer exited (code ${child.exitCode}): ${logged.slice(-500)}`);
      }
      const client = new pg.Client({ connectionString: bouncer.url });
      try {
        await client.connect();
        await client.query("SELECT 1");
        await client.end();
        return bouncer;
      } catch (error) {
        await client.end().catch(() => {});
        if (Date.now() > deadline) {
          await bouncer.stop();
          throw new Error(`pgbouncer did not answer on port ${port}: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async stop(): Promise<void> {
    // SIGTERM to pgbouncer itself (its pid file: the process started here), then to its parent.
    const pidFile = join(this.dir, "pgbouncer.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      if (pid > 0) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
    // runuser ends with it; SIGTERM to runuser itself only if it has not after 5 s, SIGKILL after 10.
    const term = setTimeout(() => this.child.kill("SIGTERM"), 5_000);
    const kill = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited(this.child);
    clearTimeout(term);
    clearTimeout(kill);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pgbouncerVersion(): string {
  const first = execFileSync(PGBOUNCER, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "";
  return first.trim() || "PgBouncer";
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error("no postgres user to run pgbouncer as");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Dashboard through `count` servers; every server's first page must equal the direct one. */
async function withServers(
  run: Run,
  env: Record<string, string>,
  count: number,
  expected: string,
): Promise<MeasuredTogether> {
  const servers: RunningServer[] = [];
  try {
    for (let index = 0; index < count; index++) {
      servers.push(
        await RunningServer.start(`C${count}.${index + 1}`, "pulse-server.ts", env, { cpu: null }),
      );
    }
    const body = graphqlBody(DASHBOARD_QUERY, { first: PAGE_SIZE, after: null });
    let answer = "";
    for (const server of servers) {
      const reply = await post(`${server.url}/graphql`, body, run.headers);
      if (reply.status !== 200 || canonical(JSON.parse(reply.text)) !== expected) {
        throw new Error(
          `${server.name} through PgBouncer answered differently (${reply.status}): ${reply.text.slice(0, 300)}`,
        );
      }
      answer = reply.text;
    }
    const perServer = Math.max(1, Math.round(load.clusterConnections / count));
    return await measureTogether(servers, {
      path: "/graphql",
      headers: run.headers,
      body,
      expectBody: answer,
      connections: perServer,
      warmup: { seconds: load.warmupSeconds },
      seconds: load.seconds,
      timeoutSeconds: 60,
    });
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

export async function clusterScenario(run: Run, direct: RunningServer): Promise<ClusterResults> {
  const body = graphqlBody(DASHBOARD_QUERY, { first: PAGE_SIZE, after: null });
  const reference = await post(`${direct.url}/graphql`, body, run.headers);
  if (reference.status !== 200)
    throw new Error(`D answered ${reference.status}: ${reference.text.slice(0, 300)}`);
  const expected = canonical(JSON.parse(reference.text));
  const redis = (await reachable(redisUrl)) ? redisUrl : null;
  if (!redis) run.log(`C: Redis at ${redisUrl} is not reachable: the servers run without it`);
  const bouncer = await Bouncer.start(run.data.url);
  try {
    const env: Record<string, string> = {
      ...run.serverEnv,
      BENCH_DATABASE_URL: bouncer.url,
      BENCH_PREPARED_STATEMENTS: "false",
      ...(redis ? { BENCH_REDIS_URL: redis } : {}),
    };
    const runs: ClusterResults["runs"] = [];
    for (const servers of [1, 3]) {
      const measured = await withServers(run, env, servers, expected);
      runs.push({ servers, measured });
      run.log(
        `C: ${servers} server(s) behind PgBouncer: ${measured.requestsPerSecond.toFixed(1)} req/s, p50 ${measured.latencyP50} ms, ` +
          `p99 ${measured.latencyP99} ms, ${measured.requests} requests, errors ${measured.errors}, ` +
          `${measured.statementsPerRequest.toFixed(1)} statements/request, ${measured.cpuMsPerRequest.toFixed(2)} server CPU ms/request`,
      );
    }
    return {
      cores: cpus().length,
      redis,
      pgbouncer: `${pgbouncerVersion()}, transaction mode, default_pool_size 20, prepared statements off`,
      connections: load.clusterConnections,
      runs,
    };
  } finally {
    await bouncer.stop();
  }
}
