// What every scenario of a run shares, and the measurement of one load phase on one server.
import type { DataSet } from "../seed.ts";
import { type LoadSpec, type PhaseResult, runLoad } from "./load.ts";
import { type MemoryFigures, sampleMemory } from "./memory.ts";
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
  /** The server's resident memory during the measured phase (null where /proc is not there). */
  memory: MemoryFigures | null;
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
  const memory = sampleMemory(server.pid);
  const result = await runLoad({ ...spec, url: server.url, warmup: {} });
  const memoryFigures = memory.stop();
  const after = await server.drained();
  const requests = after.requests - before.requests;
  return {
    ...result.measured,
    statementsPerRequest: requests === 0 ? 0 : (after.statements - before.statements) / requests,
    cpuMsPerRequest: requests === 0 ? 0 : (after.cpuMs - before.cpuMs) / requests,
    ...(result.failures.count ? { failures: result.failures } : {}),
    memory: memoryFigures,
  };
}

export interface MeasuredTogether {
  /** Completed requests over the measured time, all servers together. */
  requestsPerSecond: number;
  requests: number;
  /** Request-weighted mean of the load generators' p50s (their histograms are not merged). */
  latencyP50: number;
  /** The highest of the load generators' p99s. */
  latencyP99: number;
  errors: number;
  /** Statements and server CPU of every server over the requests of every server. */
  statementsPerRequest: number;
  cpuMsPerRequest: number;
  /** Each server's own phase figures and memory. */
  perServer: {
    requests: number;
    requestsPerSecond: number;
    cpuMsPerRequest: number;
    memory: MemoryFigures | null;
  }[];
}

/**
 * One load generator per server, all at once (warm-up, drain, measured phase, drain), each with
 * the same spec: load spread evenly over the servers.
 */
export async function measureTogether(
  servers: RunningServer[],
  spec: Omit<LoadSpec, "url">,
): Promise<MeasuredTogether> {
  if (spec.warmup.seconds) {
    const seconds = spec.warmup.seconds;
    await Promise.all(servers.map((server) => runLoad({ ...spec, url: server.url, seconds, warmup: {} })));
  }
  const before = await Promise.all(servers.map((server) => server.drained()));
  const memories = servers.map((server) => sampleMemory(server.pid));
  const results = await Promise.all(
    servers.map((server) => runLoad({ ...spec, url: server.url, warmup: {} })),
  );
  const memoryFigures = memories.map((memory) => memory.stop());
  const after = await Promise.all(servers.map((server) => server.drained()));
  let requests = 0;
  let statements = 0;
  let cpuMs = 0;
  const perServer = servers.map((_server, index) => {
    const served = (after[index]?.requests ?? 0) - (before[index]?.requests ?? 0);
    const cpu = (after[index]?.cpuMs ?? 0) - (before[index]?.cpuMs ?? 0);
    requests += served;
    statements += (after[index]?.statements ?? 0) - (before[index]?.statements ?? 0);
    cpuMs += cpu;
    const measured = results[index]?.measured;
    return {
      requests: measured?.requests ?? 0,
      requestsPerSecond: measured?.requestsPerSecond ?? 0,
      cpuMsPerRequest: served === 0 ? 0 : cpu / served,
      memory: memoryFigures[index] ?? null,
    };
  });
  const measured = results.map((result) => result.measured);
  const completed = measured.reduce((sum, m) => sum + m.requests, 0);
  return {
    requestsPerSecond: measured.reduce((sum, m) => sum + m.requestsPerSecond, 0),
    requests: completed,
    latencyP50:
      completed === 0
        ? 0
        : Math.round(measured.reduce((sum, m) => sum + m.latencyP50 * m.requests, 0) / completed),
    latencyP99: Math.max(...measured.map((m) => m.latencyP99)),
    errors: measured.reduce((sum, m) => sum + m.errors + m.non2xx + m.mismatches + m.timeouts, 0),
    statementsPerRequest: requests === 0 ? 0 : statements / requests,
    cpuMsPerRequest: requests === 0 ? 0 : cpuMs / requests,
    perServer,
  };
}

export function describePhase(name: string, phase: Measured): string {
  return (
    `${name}: ${phase.requestsPerSecond.toFixed(1)} req/s, p50 ${phase.latencyP50} ms, p99 ${phase.latencyP99} ms, ` +
    `${phase.requests} requests, errors ${phase.errors + phase.non2xx + phase.mismatches + phase.timeouts}, ` +
    `${phase.statementsPerRequest.toFixed(1)} statements/request, ${phase.cpuMsPerRequest.toFixed(2)} server CPU ms/request`
  );
}
