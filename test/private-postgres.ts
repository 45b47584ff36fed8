// A PostgreSQL server of the test's own (own data folder and port), so a test can stop and
// restart it without touching the shared one. PostgreSQL refuses to run as root, so its
// commands run as the `postgres` user when the test runs as root.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
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

export class PrivatePostgres {
  readonly dir: string;
  readonly port: number;

  constructor(port = 20_000 + Math.floor(Math.random() * 20_000)) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), "pulse-pg-"));
    if (userInfo().uid === 0) chownSync(this.dir, Number(run("id", ["-u"]).trim()), Number(run("id", ["-g"]).trim()));
    run(postgresBin("initdb"), ["-D", join(this.dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    run(postgresBin("pg_ctl"), [
      "-D", join(this.dir, "data"), "-l", join(this.dir, "log"), "-w", "-t", "60",
      "-o", `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=on`, "start",
    ]);
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
