// Start-up: from `pulse start` on a new embedded (PGlite) database to the first answered query,
// the way a developer first meets Pulse. The command migrates, seeds the demo workspace and
// serves; the clock stops at the first dashboard-like query answered with data.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repositoryRoot } from "../config.ts";
import { graphqlBody } from "../dashboard.ts";
import { exited } from "../lib/processes.ts";
import { DEMO_SECRET_KEY } from "../lib/pulse.ts";
import type { Run } from "../lib/run.ts";

export interface StartupResults {
  command: string;
  seconds: number[];
  median: number;
  /** What the command printed, with seconds since the command started (last run). */
  timeline: { at: number; line: string }[];
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

async function once(timeline: StartupResults["timeline"]): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), "pulse-bench-start-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULSE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  delete env.DATABASE_URL;
  const startedAt = performance.now();
  const child = spawn(process.execPath, [join(repositoryRoot, "packages/server/bin/pulse.mjs"), "start"], {
    cwd: repositoryRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  timeline.length = 0;
  const record = (chunk: Buffer) => {
    const at = Math.round((performance.now() - startedAt) / 10) / 100;
    for (const line of chunk.toString("utf8").split("\n"))
      if (line.trim()) timeline.push({ at, line: line.trim() });
  };
  child.stdout.on("data", record);
  child.stderr.on("data", record);
  try {
    const body = graphqlBody("{ accounts(first: 5) { edges { node { name health { score } } } } }");
    const deadline = startedAt + 120_000;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`pulse start exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_SECRET_KEY}` },
          body,
        });
        const answer = (await response.json()) as { data?: { accounts?: { edges: unknown[] } } };
        if (response.status === 200 && (answer.data?.accounts?.edges.length ?? 0) > 0) {
          const seconds = (performance.now() - startedAt) / 1000;
          timeline.push({ at: Math.round(seconds * 100) / 100, line: "(first query answered)" });
          return seconds;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("pulse start did not answer within 120 s");
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited(child);
    clearTimeout(timer);
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function startupScenario(run: Run, runs = 3): Promise<StartupResults> {
  const seconds: number[] = [];
  const timeline: StartupResults["timeline"] = [];
  for (let i = 0; i < runs; i++) {
    seconds.push(await once(timeline));
    run.log(`start-up ${i + 1}/${runs}: ${seconds.at(-1)?.toFixed(2)} s`);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    command: "node packages/server/bin/pulse.mjs start (new PGlite data folder)",
    seconds,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    timeline: timeline.filter((entry) => !entry.line.startsWith("Try:") && !entry.line.startsWith("-H")),
  };
}
