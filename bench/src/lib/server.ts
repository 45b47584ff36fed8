// The runner's handle on one server under test (see servers/child.ts for the other side).
import type { ChildProcess } from "node:child_process";
import { profileDirectory, serverCpu } from "../config.ts";
import type { TracedStatement } from "../servers/child.ts";
import { exited, nextMessage, spawnNode } from "./processes.ts";

export interface ServerStats {
  requests: number;
  statements: number;
  /** Requests received and not yet answered (or abandoned by their client). */
  inFlight: number;
  /** CPU time the server process has used so far (user + system), in milliseconds. */
  cpuMs: number;
}

export class RunningServer {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  /** Process id of the server (taskset execs node, so it is node's own). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Starts a server under test, pinned to the server core unless `options.cpu` says otherwise
   * (null: not pinned, as the several-servers scenario runs them).
   */
  static async start(
    name: string,
    script: string,
    env: Record<string, string>,
    options: { cpu?: string | null } = {},
  ): Promise<RunningServer> {
    // BENCH_PROFILE=1: each server writes V8 CPU profiles (one per thread) of its whole life when it stops.
    const nodeArgs = profileDirectory
      ? ["--cpu-prof", `--cpu-prof-dir=${profileDirectory}/${name}-${Date.now()}`]
      : [];
    // Every server gets the V8 settings Pulse's start command uses (a 32 MB young generation:
    // fewer scavenges and promotions for request-scoped garbage); BENCH_NODE_ARGS overrides them.
    nodeArgs.push(...(process.env.BENCH_NODE_ARGS ?? "--max-semi-space-size=32").split(" ").filter(Boolean));
    // Every server under test runs its libraries in production mode, as deployments do (graphql-js
    // skips its development checks); BENCH_NODE_ENV=development measures them with the checks.
    const nodeEnv = process.env.BENCH_NODE_ENV ?? "production";
    const child = spawnNode(`servers/${script}`, {
      cpu: options.cpu === null ? undefined : (options.cpu ?? serverCpu),
      env: { NODE_ENV: nodeEnv, ...env },
      nodeArgs,
    });
    const ready = await nextMessage<{ type: "ready"; url: string }>(child, "ready");
    return new RunningServer(name, ready.url, child);
  }

  async stats(): Promise<ServerStats> {
    const reply = nextMessage<{ type: "stats" } & ServerStats>(this.child, "stats");
    this.child.send({ type: "stats" });
    const { requests, statements, inFlight, cpuMs } = await reply;
    return { requests, statements, inFlight, cpuMs };
  }

  /**
   * Waits until the server has answered everything it received: a load phase that ends on time
   * leaves requests running, which must not spill into the next phase or its counts.
   */
  async drained(timeoutMs = 120_000): Promise<ServerStats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await this.stats();
      if (stats.inFlight === 0 || Date.now() > deadline) return stats;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The SQL statements sent while `work` runs (Pulse only; others return none). */
  async trace(work: () => Promise<unknown>): Promise<TracedStatement[]> {
    const started = nextMessage(this.child, "trace-started");
    this.child.send({ type: "trace-start" });
    await started;
    await work();
    const reply = nextMessage<{ type: "trace"; statements: TracedStatement[] }>(this.child, "trace");
    this.child.send({ type: "trace-stop" });
    return (await reply).statements;
  }

  async stop(): Promise<void> {
    if (this.child.connected) this.child.send({ type: "close" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited(this.child);
    clearTimeout(timer);
  }
}
