// Child processes of a run: each server under test and the load generator run in their own
// process, pinned to their own core when `taskset` exists (the machine has two), and are
// talked to over Node's IPC channel. Only processes started here are ever stopped, by handle.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { benchRoot } from "../config.ts";

const hasTaskset = (() => {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export const pinning = hasTaskset ? "taskset" : "none";

/** Starts `node --import tsx <script>` (on `cpu` when pinning works) with an IPC channel. */
export function spawnNode(
  script: string,
  options: { cpu?: string; env?: Record<string, string>; nodeArgs?: string[] } = {},
): ChildProcess {
  const nodeArgs = [...(options.nodeArgs ?? []), "--import", "tsx", join(benchRoot, "src", script)];
  const [command, args] =
    hasTaskset && options.cpu !== undefined
      ? ["taskset", ["-c", options.cpu, process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  return spawn(command, args, {
    cwd: benchRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** Resolves with the next message of `type` from the child (or rejects if it exits first). */
export function nextMessage<Message extends { type: string }>(
  child: ChildProcess,
  type: string,
): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (code ${code}) before sending "${type}"`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
