// POST /widgets/v1/responses: survey submissions from the widgets without GraphQL. Yoga's
// per-request pipeline (Request/Response objects, parsing, validation, the security plugins)
// cost more than the submission itself, so the widgets' busiest write has this small endpoint.
// Its rules are the GraphQL path's, shared rather than copied: the same key cache and rate
// limiter (handed over by createPulseYoga), the same origin rule and input sanity check, and
// submitSurveyResponse (widget/operations.ts) for validation, the token, the survey and the write.
// The body is `SubmitSurveyResponseInput` as JSON; the answer is GraphQL's envelope, so clients
// parse one format: `{"data":{"submitSurveyResponse":{…}}}` or `{"errors":[{message,extensions:{code}}]}`.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Database } from "@pulse/schema/database";
import { GraphQLError } from "graphql";
import { type ApiKeyCache, type AuthenticatedKey, readApiKey } from "../auth/api-keys.ts";
import { databaseUnavailableError, isDatabaseUnavailable, maskError } from "../errors.ts";
import type { SnapshotRefresher } from "../health/refresher.ts";
import {
  originAllowed,
  originNotAllowedMessage,
  unauthenticatedMessage,
} from "../plugins/use-api-key-auth.ts";
import { findInvalid, invalidTextMessage } from "../plugins/use-input-sanity.ts";
import { type RateLimiter, rateLimitedBody } from "../plugins/use-rate-limit.ts";
import { submitSurveyResponse, type WidgetContext } from "./operations.ts";

export const RESPONSES_PATH = "/widgets/v1/responses";

export interface ResponsesRouteOptions {
  database: Database;
  /** The GraphQL server's key cache, so a revocation through it is seen here at once. */
  keys: ApiKeyCache;
  /** The GraphQL server's limiter: one budget per IP, key and visitor across both paths. */
  rateLimiter: RateLimiter | null;
  snapshots: SnapshotRefresher;
  clock: () => Date;
  maxBodyBytes: number;
}

/** An HTTP answer: status, extra headers and the JSON body (none for a preflight). */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

// Any page may call (the key and the signed token authorize, never cookies), and may read
// Retry-After to back off.
const CORS_HEADERS = { "access-control-allow-origin": "*", "access-control-expose-headers": "retry-after" };
const ALLOWED_METHODS = "POST, OPTIONS";

/** HTTP statuses of the codes submitSurveyResponse refuses with; any other code is a 400. */
const STATUS_OF_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  INVALID_TOKEN: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_ANSWERED: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function errorAnswer(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return { status, headers, body: JSON.stringify({ errors: [{ message, extensions: { code } }] }) };
}

/**
 * Refuses a POST body before anything reads it: its length must be declared (fetch, curl and
 * browsers send one) and within the limit. Null when the body may be read.
 */
export function bodyLengthRefusal(request: IncomingMessage, maxBodyBytes: number): Answer | null {
  const length = request.headers["content-length"];
  if (length === undefined) {
    return errorAnswer(411, "LENGTH_REQUIRED", "Send a Content-Length header.", { connection: "close" });
  }
  if (Number(length) > maxBodyBytes) {
    return errorAnswer(413, "PAYLOAD_TOO_LARGE", `Request body larger than ${maxBodyBytes} bytes.`, {
      connection: "close",
    });
  }
  return null;
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

/** Answers one request to RESPONSES_PATH; unexpected errors reject (the caller logs and answers 500). */
export async function handleResponsesRoute(
  request: IncomingMessage,
  response: ServerResponse,
  options: ResponsesRouteOptions,
): Promise<void> {
  const answer = await answerSubmission(request, options);
  // Whatever was not read of a refused request's body is drained, so the connection stays usable.
  if (!request.readableEnded) request.resume();
  sendAnswer(response, answer, {
    ...CORS_HEADERS,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
}

async function answerSubmission(request: IncomingMessage, options: ResponsesRouteOptions): Promise<Answer> {
  if (request.method === "OPTIONS") {
    return {
      status: 204,
      headers: {
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": "authorization, content-type, x-api-key",
        "access-control-max-age": "600",
      },
    };
  }
  if (request.method !== "POST") {
    return errorAnswer(405, "METHOD_NOT_ALLOWED", `Send survey responses with POST.`, {
      allow: ALLOWED_METHODS,
    });
  }
  const lengthRefused = bodyLengthRefusal(request, options.maxBodyBytes);
  if (lengthRefused) return lengthRefused;
  const mediaType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return errorAnswer(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the submission as JSON, with `Content-Type: application/json`.",
    );
  }
  // Read while the key is checked; a refused request's body is read (and dropped) all the same.
  const body = readBody(request, options.maxBodyBytes);
  const headers = headerReader(request.headers);
  const { rateLimiter } = options;
  const ip = rateLimiter?.clientIp(headers, request);
  if (rateLimiter && ip !== undefined) {
    const retryAfter = await rateLimiter.consumeIp(ip);
    if (retryAfter !== null) return rateLimited(retryAfter);
  }
  const key = readApiKey(headers);
  let auth: AuthenticatedKey | null;
  try {
    auth = key ? await options.keys.find(options.database.prisma, key) : null;
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return errorAnswer(503, "DATABASE_UNAVAILABLE", databaseUnavailableError().message, {
      "retry-after": "2",
    });
  }
  if (!auth) {
    return errorAnswer(401, "UNAUTHENTICATED", unauthenticatedMessage(key), {
      "www-authenticate": 'Bearer realm="pulse"',
    });
  }
  if (auth.kind !== "PUBLISHABLE") {
    return errorAnswer(
      403,
      "FORBIDDEN",
      "This endpoint takes the publishable key (pk_…) of the widgets; with a secret key, use the GraphQL API (/graphql, mutation submitSurveyResponse).",
    );
  }
  const origin = headers.get("origin");
  const selfOrigin = `${(request.socket as TLSSocket).encrypted ? "https:" : "http:"}//${headers.get("host")}`;
  if (!originAllowed(auth, origin, selfOrigin)) {
    return errorAnswer(403, "ORIGIN_NOT_ALLOWED", originNotAllowedMessage(origin));
  }
  if (rateLimiter && ip !== undefined) {
    const retryAfter = await rateLimiter.consumeKey(auth, ip);
    if (retryAfter !== null) return rateLimited(retryAfter);
  }
  const text = await body;
  if (text === null) return errorAnswer(400, "BAD_REQUEST", "The request body could not be read.");
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return errorAnswer(400, "BAD_REQUEST", "The body is not valid JSON.");
  }
  const invalid = findInvalid(input, "input");
  if (invalid) return errorAnswer(400, "BAD_USER_INPUT", invalidTextMessage(invalid));
  const workspaceId = auth.workspaceId;
  const ctx: WidgetContext = {
    prisma: options.database.prisma,
    database: options.database,
    workspaceId,
    now: options.clock(),
    accountsChanged: (accountIds) => options.snapshots.schedule(workspaceId, accountIds),
    rateLimiter: options.rateLimiter,
  };
  try {
    const receipt = await submitSurveyResponse(ctx, input);
    return {
      status: 200,
      body: JSON.stringify({
        data: { submitSurveyResponse: { ...receipt, createdAt: receipt.createdAt.toISOString() } },
      }),
    };
  } catch (error) {
    // Refusals keep their code; a lost database becomes DATABASE_UNAVAILABLE; anything else is logged and masked.
    const masked = maskError(error, "Unexpected error.");
    const code =
      masked instanceof GraphQLError && typeof masked.extensions.code === "string"
        ? masked.extensions.code
        : "INTERNAL_SERVER_ERROR";
    const status = STATUS_OF_CODE[code] ?? 400;
    if (status === 429 && masked instanceof GraphQLError)
      return rateLimited(Number(masked.extensions.retryAfter) || 1);
    return errorAnswer(
      status,
      code,
      status === 500 ? "Unexpected error." : masked.message,
      status === 503 ? { "retry-after": "2" } : {},
    );
  }
}

function rateLimited(retryAfterSeconds: number): Answer {
  return {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: rateLimitedBody(retryAfterSeconds),
  };
}

/** Node's header object read like fetch's Headers (one value per name). */
function headerReader(headers: IncomingHttpHeaders): Pick<Headers, "get"> {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      return (Array.isArray(value) ? value.join(", ") : value) ?? null;
    },
  };
}

/** The whole body as UTF-8, or null when the client went away or sent more than allowed. */
function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBodyBytes) chunks.push(chunk);
    });
    request.once("end", () =>
      resolve(received <= maxBodyBytes ? Buffer.concat(chunks).toString("utf8") : null),
    );
    request.once("error", () => resolve(null));
    request.once("aborted", () => resolve(null));
  });
}
