// Runs one load phase in the load-generator process (load-worker.ts) and returns its figures.
import { loadCpu } from "../config.ts";
import { exited, nextMessage, spawnNode } from "./processes.ts";

export interface LoadSpec {
  url: string;
  path: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Every answer must equal this, byte for byte (autocannon counts mismatches). */
  expectBody?: string;
  connections: number;
  warmup: { seconds?: number; amount?: number };
  seconds: number;
  /** Run a fixed number of requests, sized from the warm-up rate × `seconds`, within bounds. */
  amountFromWarmup?: { min: number; max: number };
  timeoutSeconds?: number;
  generator?:
    | {
        kind: "survey";
        /** Where answers go: Pulse's submission endpoint (as the widgets send them) or the GraphQL mutation. */
        transport: "endpoint" | "graphql";
        prefix: string;
        survey: string;
        workspaceId: string;
        signingSecret: string;
        accounts: string[];
        /** The servers' clock (the data set's "now"), which tokens are issued at. */
        now: string;
        /** Tokens (distinct contacts) to prepare: at least the most requests the phase can send. */
        count: number;
      }
    | {
        kind: "usage";
        prefix: string;
        now: string;
        batchSize: number;
        accounts: { externalId: string; contacts: string[] }[];
      };
}

export interface PhaseResult {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  latencyMax: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  /** Rows the generator saw acknowledged as created (ingestion phases). */
  rows: number;
  rowsPerSecond: number;
}

export interface LoadResult {
  measured: PhaseResult;
  warmupRequestsPerSecond: number;
  acknowledged: string[];
  retriesSent: number;
  failures: { count: number; sample: string[] };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const worker = spawnNode("load-worker.ts", { cpu: loadCpu });
  await nextMessage(worker, "ready");
  const reply = nextMessage<{ type: "result"; result: LoadResult }>(worker, "result");
  worker.send(spec);
  const { result } = await reply;
  await exited(worker);
  return result;
}
