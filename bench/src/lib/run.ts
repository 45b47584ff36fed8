// What every scenario of a run shares, and the measurement of one load phase on one server.
import type { DataSet } from "../seed.ts";
import { type LoadSpec, type PhaseResult, runLoad } from "./load.ts";
import type { RunningServer } from "./server.ts";

export interface Run {
  data: DataSet;
  /** Environment of every server under test: the database, the pinned clock, the pool size. */
  serverEnv: Record<string, string>;
  /** Authorization header of the benchmark workspace's secret key. */
  headers: Record<string, string>;
  log(line: string): void;
}

export interface Measured extends PhaseResult {
  /** SQL statements the server sent per request received in the measured phase. */
  statementsPerRequest: number;
  /** The server's CPU milliseconds per request in the measured phase: steadier than req/s under load. */
  cpuMsPerRequest: number;
  failures?: { count: number; sample: string[] };
}

/**
 * Warm-up, then the measured phase, each in a load-generator process of its own; the server
 * drains between them, so the measured phase (and its statement count) starts and ends clean.
 */
export async function measure(server: RunningServer, spec: Omit<LoadSpec, "url">): Promise<Measured> {
  if (spec.warmup.seconds) {
    await runLoad({ ...spec, url: server.url, seconds: spec.warmup.seconds, warmup: {} });
  }
  const before = await server.drained();
  const result = await runLoad({ ...spec, url: server.url, warmup: {} });
  const after = await server.drained();
  const requests = after.requests - before.requests;
  return {
    ...result.measured,
    statementsPerRequest: requests === 0 ? 0 : (after.statements - before.statements) / requests,
    cpuMsPerRequest: requests === 0 ? 0 : (after.cpuMs - before.cpuMs) / requests,
    ...(result.failures.count ? { failures: result.failures } : {}),
  };
}

export function describePhase(name: string, phase: Measured): string {
  return (
    `${name}: ${phase.requestsPerSecond.toFixed(1)} req/s, p50 ${phase.latencyP50} ms, p99 ${phase.latencyP99} ms, ` +
    `${phase.requests} requests, errors ${phase.errors + phase.non2xx + phase.mismatches + phase.timeouts}, ` +
    `${phase.statementsPerRequest.toFixed(1)} statements/request, ${phase.cpuMsPerRequest.toFixed(2)} server CPU ms/request`
  );
}
