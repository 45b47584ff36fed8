// The side of a server under test that talks to the benchmark runner over the IPC channel:
// it says where it listens, and reports how many requests it answered and how many SQL
// statements it sent (optionally the statements themselves, for one request's trace).
import type { Server } from "node:http";

export interface TracedStatement {
  sql: string;
  ms: number | null;
}

export interface ServerUnderTest {
  url: string;
  server: Server;
  /** SQL statements sent so far. */
  statements(): number;
  /** Starts recording statements; `stopTrace` returns them. */
  startTrace?(): void;
  stopTrace?(): TracedStatement[];
  close(): Promise<void>;
}

export type RunnerMessage =
  | { type: "stats" }
  | { type: "trace-start" }
  | { type: "trace-stop" }
  | { type: "close" };

/** CPU time of this process so far (user + system), in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export async function serveChild(start: () => Promise<ServerUnderTest>): Promise<void> {
  if (!process.send) throw new Error("run this through the benchmark runner (it needs an IPC channel)");
  const send = (message: unknown) => process.send?.(message);
  const underTest = await start();
  let requests = 0;
  let inFlight = 0;
  underTest.server.on("request", (_request, response) => {
    requests += 1;
    inFlight += 1;
    response.once("close", () => {
      inFlight -= 1;
    });
  });
  process.on("message", (message: RunnerMessage) => {
    switch (message.type) {
      case "stats":
        send({ type: "stats", requests, inFlight, statements: underTest.statements(), cpuMs: cpuMs() });
        break;
      case "trace-start":
        underTest.startTrace?.();
        send({ type: "trace-started" });
        break;
      case "trace-stop":
        send({ type: "trace", statements: underTest.stopTrace?.() ?? [] });
        break;
      case "close":
        underTest.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
        break;
    }
  });
  // The runner going away (crash, ^C) must not leave a server behind.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", url: underTest.url });
}
