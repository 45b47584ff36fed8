// A webhook receiver on loopback for tests: a real node:http server that verifies every request
// with the `standardwebhooks` package (as a customer's receiver would), can fail its first
// attempts or hold requests open, and de-duplicates by webhook-id.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signatures: string[];
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** Whether the request verified with the receiver's secret. */
  verified: boolean;
}

export interface ReceiverOptions {
  /** The secret to verify with (set after creating the endpoint). */
  secret?: string;
  /** Answer 500 to the first N requests. */
  failFirst?: number;
  /** Status to answer with (default 204) once the failures are over. */
  status?: number;
  /** Hold each request this long before answering (ms). */
  delayMs?: number;
  /** Never answer the first N requests (their sender gives up or dies). */
  hangFirst?: number;
}

export interface Receiver {
  url: string;
  options: ReceiverOptions;
  /** Every request, in arrival order (repeats included). */
  requests: ReceivedWebhook[];
  /** Verified requests answered 2xx, once per webhook-id: what the receiver's app processed. */
  processed: Map<string, ReceivedWebhook>;
  /** Requests under way now, and the most there were at once. */
  concurrent: number;
  maxConcurrent: number;
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    options,
    requests: [],
    processed: new Map(),
    concurrent: 0,
    maxConcurrent: 0,
    close: async () => {},
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    receiver.concurrent += 1;
    receiver.maxConcurrent = Math.max(receiver.maxConcurrent, receiver.concurrent);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": String(request.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(request.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(request.headers["webhook-signature"] ?? ""),
      };
      let verified = false;
      if (receiver.options.secret) {
        try {
          new Webhook(receiver.options.secret).verify(raw, headers);
          verified = true;
        } catch {
          verified = false;
        }
      }
      const received: ReceivedWebhook = {
        id: headers["webhook-id"],
        timestamp: headers["webhook-timestamp"],
        signatures: headers["webhook-signature"].split(" "),
        body: JSON.parse(raw),
        verified,
      };
      receiver.requests.push(received);
      const index = receiver.requests.length;
      if (index <= (receiver.options.hangFirst ?? 0)) {
        await new Promise<void>((resolve) => request.socket.once("close", () => resolve()));
        return;
      }
      if (receiver.options.delayMs)
        await new Promise((resolve) => setTimeout(resolve, receiver.options.delayMs));
      if (index <= (receiver.options.failFirst ?? 0)) {
        response.writeHead(500).end("not yet");
        return;
      }
      if (!verified) {
        response.writeHead(401).end("bad signature");
        return;
      }
      const status = receiver.options.status ?? 204;
      if (status >= 200 && status < 300 && !receiver.processed.has(received.id))
        receiver.processed.set(received.id, received);
      response.writeHead(status).end();
    } finally {
      receiver.concurrent -= 1;
    }
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
