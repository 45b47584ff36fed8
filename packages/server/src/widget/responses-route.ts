// POST /widgets/v1/responses: survey submissions from the widgets without GraphQL. Yoga's
// per-request pipeline (Request/Response objects, parsing, validation, the security plugins)
// cost more than the submission itself, so the widgets' busiest write has this small endpoint.
// Its rules are the GraphQL path's, shared rather than copied: the same request guards
// (auth/guards.ts: body, IP limit, key, scope, origin, key limit, input; the server's one key
// cache, limiter and lookups, handed over by createPulseYoga) and the domain's
// submitSurveyResponse (domain/surveys.ts) for validation, the token, the survey and the write.
// The body is `SubmitSurveyResponseInput` as JSON; the answer is GraphQL's envelope, so clients
// parse one format: `{"data":{"submitSurveyResponse":{…}}}` or `{"errors":[{message,extensions:{code}}]}`.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { GraphQLError } from "graphql";
import type { AuthenticatedKey } from "../auth/api-keys.ts";
import {
  bodyGuard,
  inputGuard,
  type Refusal,
  type RequestGuards,
  rateLimitedRefusal,
  refusal,
} from "../auth/guards.ts";
import type { DomainServer } from "../domain/context.ts";
import { submitSurveyResponse, type WidgetContext } from "../domain/surveys.ts";
import { maskError } from "../errors.ts";
import { type Answer, headerReader, refusalAnswer, sendAnswer } from "../http-answers.ts";

export const RESPONSES_PATH = "/widgets/v1/responses";

export interface ResponsesRouteOptions {
  /** The GraphQL server's guards: one key cache (a revocation is seen here at once) and one budget per IP, key and visitor across both paths. */
  guards: RequestGuards;
  /** The server's database and domain parts (lookups, survey submissions, snapshots, limiter). */
  server: DomainServer;
  clock: () => Date;
  maxBodyBytes: number;
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

/** The endpoint's key scope (guard 4): the widgets' publishable key only. */
function publishableOnly(auth: AuthenticatedKey): Refusal | null {
  if (auth.kind === "PUBLISHABLE") return null;
  return refusal(
    403,
    "FORBIDDEN",
    "This endpoint takes the publishable key (pk_…) of the widgets; with a secret key, use the GraphQL API (/graphql, mutation submitSurveyResponse).",
  );
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
    return refusalAnswer(
      refusal(405, "METHOD_NOT_ALLOWED", `Send survey responses with POST.`, { allow: ALLOWED_METHODS }),
    );
  }
  const headers = headerReader(request.headers);
  const tooLong = bodyGuard(headers, options.maxBodyBytes);
  if (tooLong) return refusalAnswer(tooLong);
  const mediaType = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return refusalAnswer(
      refusal(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the submission as JSON, with `Content-Type: application/json`.",
      ),
    );
  }
  // Read while the key is checked; a refused request's body is read (and dropped) all the same.
  const body = readBody(request, options.maxBodyBytes);
  const principal = await options.guards.authenticate(
    {
      headers,
      node: request,
      selfOrigin: `${(request.socket as TLSSocket).encrypted ? "https:" : "http:"}//${headers.get("host")}`,
    },
    { scope: publishableOnly },
  );
  if (principal.refused) return refusalAnswer(principal);
  const text = await body;
  if (text === null) return refusalAnswer(refusal(400, "BAD_REQUEST", "The request body could not be read."));
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return refusalAnswer(refusal(400, "BAD_REQUEST", "The body is not valid JSON."));
  }
  const invalid = inputGuard({ input });
  if (invalid) return refusalAnswer(invalid);
  const { server } = options;
  const workspaceId = principal.auth.workspaceId;
  const ctx: WidgetContext = {
    prisma: server.database.prisma,
    workspaceId,
    now: options.clock(),
    accountsChanged: (accountIds) => server.snapshots.schedule(workspaceId, accountIds),
    rateLimiter: server.rateLimiter,
    lookups: server.lookups,
    submissions: server.submissions,
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
      return refusalAnswer(rateLimitedRefusal(Number(masked.extensions.retryAfter) || 1));
    return refusalAnswer(
      refusal(
        status,
        code,
        status === 500 ? "Unexpected error." : masked.message,
        status === 503 ? { "retry-after": "2" } : {},
      ),
    );
  }
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
