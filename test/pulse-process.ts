// Runs the `pulse` CLI as a user would: a child process of bin/pulse.mjs, its output collected.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const cli = join(repositoryRoot, "packages", "server", "bin", "pulse.mjs");

export interface RunningPulse {
  process: ChildProcess;
  output: () => string;
  url: string;
  /** The demo secret key the banner printed, or "" when it printed none. */
  secretKey: string;
}

/** Starts `pulse <args>` and resolves once its banner names the URL it serves. */
export function startPulse(args: string[], env: NodeJS.ProcessEnv): Promise<RunningPulse> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Pulse did not start in time:\n${output}`)), 150_000);
    const poll = setInterval(() => {
      const url = /GraphQL \+ GraphiQL\s+(\S+)\/graphql/.exec(output)?.[1];
      const secretKey = /Demo secret key\s+(sk_\S+)/.exec(output)?.[1] ?? "";
      // The banner ends with its curl line: wait for the whole of it.
      if (url && /Try: curl/.test(output)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ process: child, output: () => output, url, secretKey });
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`Pulse exited with ${code}:\n${output}`));
    });
  });
}

/** SIGTERM, then the exit code. */
export async function stop(pulse: RunningPulse): Promise<number | null> {
  if (pulse.process.exitCode !== null) return pulse.process.exitCode;
  const exited = new Promise<number | null>((resolve) => pulse.process.once("exit", (code) => resolve(code)));
  pulse.process.kill("SIGTERM");
  return exited;
}

export interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pulse <args>` to its end (asynchronously, so a server in this process keeps answering). */
export function runPulse(args: string[], env: NodeJS.ProcessEnv, cwd = repositoryRoot): Promise<CommandRun> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once("exit", (status) => resolve({ status, stdout, stderr })));
}

export async function query(
  pulse: RunningPulse,
  key: string,
  body: string,
  variables?: Record<string, unknown>,
) {
  const response = await fetch(`${pulse.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: body, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] },
  };
}
