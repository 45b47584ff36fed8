// A PostgreSQL server of the test's own (own data folder and port), so a test can stop and
// restart it without touching the shared one. PostgreSQL refuses to run as root, so its
// commands run as the `postgres` user when the test runs as root.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

function postgresBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const version = readdirSync(root).sort().at(-1);
  if (!version) throw new Error("no PostgreSQL installation under /usr/lib/postgresql");
  return join(root, version, "bin", name);
}

function run(command: string, args: string[]): string {
  const asRoot = userInfo().uid === 0;
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

/** A folder of the test's own, owned by the user the servers run as. */
function ownFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (userInfo().uid === 0)
    chownSync(dir, Number(run("id", ["-u"]).trim()), Number(run("id", ["-g"]).trim()));
  return dir;
}

export class PrivatePostgres {
  readonly dir: string;
  readonly port: number;

  /** A new cluster, or with `replicaOf` a streaming replica of that running primary. */
  constructor(port = randomPort(), options: { replicaOf?: PrivatePostgres } = {}) {
    this.port = port;
    this.dir = ownFolder("pulse-pg-");
    const data = join(this.dir, "data");
    if (options.replicaOf) {
      // A base backup that writes standby.signal and primary_conninfo (-R): it streams from then on.
      run(postgresBin("pg_basebackup"), [
        "-h",
        "127.0.0.1",
        "-p",
        String(options.replicaOf.port),
        "-U",
        "postgres",
        "-D",
        data,
        "-R",
        "-X",
        "stream",
      ]);
    } else {
      run(postgresBin("initdb"), [
        "-D",
        data,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-instructions",
      ]);
    }
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    run(postgresBin("pg_ctl"), [
      "-D",
      join(this.dir, "data"),
      "-l",
      join(this.dir, "log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=on`,
      "start",
    ]);
  }

  /** Runs one SQL command with psql (as the server's user) and returns its unaligned output. */
  psql(command: string, database = "postgres"): string {
    return run(postgresBin("psql"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(this.port),
      "-U",
      "postgres",
      "-d",
      database,
      "-Atc",
      command,
    ]).trim();
  }

  stop(mode: "fast" | "immediate" = "fast"): void {
    run(postgresBin("pg_ctl"), ["-D", join(this.dir, "data"), "-m", mode, "-w", "stop"]);
  }

  destroy(): void {
    try {
      if (existsSync(join(this.dir, "data", "postmaster.pid"))) this.stop("immediate");
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * PgBouncer (Debian's, 1.18) in transaction pooling mode in front of one PostgreSQL server, on a
 * port and folder of its own. It refuses to run as root, so it runs as `postgres` too.
 */
export class PrivatePgBouncer {
  readonly dir: string;
  readonly port: number;
  private readonly config: string;

  constructor(target: PrivatePostgres, port = randomPort()) {
    this.port = port;
    this.dir = ownFolder("pulse-pgbouncer-");
    this.config = join(this.dir, "pgbouncer.ini");
    writeFileSync(join(this.dir, "users.txt"), '"postgres" ""\n');
    writeFileSync(
      this.config,
      [
        "[databases]",
        `* = host=127.0.0.1 port=${target.port}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        `unix_socket_dir = ${this.dir}`,
        "auth_type = trust",
        `auth_file = ${join(this.dir, "users.txt")}`,
        "pool_mode = transaction",
        "max_client_conn = 500",
        "default_pool_size = 20",
        `logfile = ${join(this.dir, "pgbouncer.log")}`,
        `pidfile = ${join(this.dir, "pgbouncer.pid")}`,
        "",
      ].join("\n"),
    );
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    run("/usr/sbin/pgbouncer", ["-d", this.config]);
  }

  destroy(): void {
    try {
      const pidFile = join(this.dir, "pgbouncer.pid");
      if (existsSync(pidFile)) run("sh", ["-c", `kill $(cat ${pidFile})`]);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
