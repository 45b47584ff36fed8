// While a server holds an embedded data folder, no other process may open it (one writer; see
// @pulse/schema's data-dir-lock.ts). The server takes the CLI's database commands instead, on a
// local socket in a private folder (mode 0700: only this user, or root, can connect), whose
// path it records in the folder's lock. The CLI sends its command line; the server parses and
// runs it with the same code as the CLI would (commands.ts) on its own database, so the running
// server knows at once what the command wrote.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database, LockHolder } from "@pulse/schema/database";
import type { ApiKeyCache } from "./auth/api-keys.ts";
import { type CommandOutput, isDatabaseCommand, parseCommandLine, runDatabaseCommand } from "./commands.ts";
import type { PulseConfig } from "./config.ts";

interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  files: { path: string; base64: string }[];
}

export interface AdminSocket {
  address: string;
  close(): Promise<void>;
}

async function readBody(message: IncomingMessage, limit: number): Promise<string> {
  let body = "";
  for await (const chunk of message) {
    body += chunk;
    if (body.length > limit) throw new Error("command too long");
  }
  return body;
}

/** Runs one forwarded command line in this process and collects what it prints and writes. */
async function runForwarded(
  argv: unknown,
  context: { database: Database; config: PulseConfig; keys?: ApiKeyCache },
): Promise<CommandResult> {
  const result: CommandResult = { exitCode: 0, stdout: "", stderr: "", files: [] };
  const output: CommandOutput = {
    out: (line) => {
      result.stdout += `${line}\n`;
    },
    err: (line) => {
      result.stderr += `${line}\n`;
    },
    writeFile: async (path, bytes) => {
      result.files.push({ path, base64: Buffer.from(bytes).toString("base64") });
    },
  };
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === "string")) {
    return { ...result, exitCode: 2, stderr: "expected { argv: string[] }\n" };
  }
  try {
    const parsed = parseCommandLine(argv);
    const command = parsed.positionals[0] ?? "";
    if (!isDatabaseCommand(command))
      return { ...result, exitCode: 2, stderr: `"${command}" does not run through a server\n` };
    result.exitCode = await runDatabaseCommand({ ...context, output }, parsed);
  } catch (error) {
    output.err(error instanceof Error ? error.message : String(error));
    result.exitCode = result.exitCode || 1;
  }
  return result;
}

export async function startAdminSocket(context: {
  database: Database;
  config: PulseConfig;
  keys?: ApiKeyCache;
}): Promise<AdminSocket> {
  const lock = context.database.lock;
  if (!lock) throw new Error("only an embedded data folder takes commands through its server");
  const folder = process.platform === "win32" ? null : mkdtempSync(join(tmpdir(), "pulse-admin-"));
  const address = folder
    ? join(folder, "admin.sock")
    : `\\\\.\\pipe\\pulse-admin-${randomBytes(12).toString("hex")}`;
  const server = createServer((message, response) => {
    if (message.method !== "POST" || message.url !== "/run") {
      response.writeHead(404).end();
      return;
    }
    readBody(message, 64 * 1024)
      .then((body) => runForwarded((JSON.parse(body) as { argv?: unknown }).argv, context))
      .then(
        (result) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(result));
        },
        (error: unknown) => {
          response.writeHead(400, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              exitCode: 2,
              stdout: "",
              stderr: `${error instanceof Error ? error.message : error}\n`,
              files: [],
            }),
          );
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, () => resolve());
  });
  lock.advertise(address);
  return {
    address,
    close: async () => {
      lock.advertise(undefined);
      // Commands under way finish first (close waits for their connections).
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Sends a command line to the server holding the data folder and relays what it answers. */
export async function runThroughServer(
  holder: LockHolder,
  argv: string[],
  output: CommandOutput,
): Promise<number> {
  const socketPath = holder.adminSocket;
  if (!socketPath) throw new Error(`process ${holder.pid} takes no commands`);
  const body = JSON.stringify({ argv });
  const answer = await new Promise<string>((resolve, reject) => {
    const sent = request(
      {
        socketPath,
        path: "/run",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        readBody(response, 2 * 1024 * 1024 * 1024).then(resolve, reject);
      },
    );
    sent.once("error", (error) =>
      reject(
        new Error(
          `process ${holder.pid} holds the data folder but did not answer on ${socketPath}: ${error.message}`,
        ),
      ),
    );
    sent.end(body);
  });
  const result = JSON.parse(answer) as CommandResult;
  for (const file of result.files) await output.writeFile(file.path, Buffer.from(file.base64, "base64"));
  if (result.stdout) output.out(result.stdout.replace(/\n$/, ""));
  if (result.stderr) output.err(result.stderr.replace(/\n$/, ""));
  return result.exitCode;
}
