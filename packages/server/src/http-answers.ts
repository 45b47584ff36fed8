// How the HTTP routes outside Yoga answer: a status, headers and a JSON body, refusals in the one
// error envelope (errors.ts) from a guard's Refusal (auth/guards.ts).
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { type Refusal, refusalBody } from "./auth/guards.ts";

/** An HTTP answer: status, extra headers and the JSON body (none for a preflight). */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function refusalAnswer(refused: Refusal): Answer {
  return { status: refused.status, headers: refused.headers ?? {}, body: refusalBody(refused) };
}

export function sendAnswer(
  response: ServerResponse,
  answer: Answer,
  extraHeaders: Record<string, string> = {},
): void {
  const body = answer.body ?? "";
  response.writeHead(answer.status, {
    ...(answer.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
    "content-length": String(Buffer.byteLength(body)),
    ...extraHeaders,
    ...answer.headers,
  });
  response.end(body);
}

/** Node's header object read like fetch's Headers (one value per name). */
export function headerReader(headers: IncomingHttpHeaders): Pick<Headers, "get"> {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      return (Array.isArray(value) ? value.join(", ") : value) ?? null;
    },
  };
}
