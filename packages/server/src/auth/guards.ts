// The request guards, one ordered pipeline that every keyed endpoint runs: /graphql (through
// plugins/use-request-guards.ts and plugins/use-input-sanity.ts) and the widgets' submission
// endpoint (widget/responses-route.ts) call these same functions, in this order:
//
//   1. body       a POST's declared length, within the limit (before anything reads the body)
//   2. IP limit   per client address, before any lookup (protects key lookups from guessing)
//   3. API key    `Authorization: Bearer sk_/pk_/ak_…` or `X-Api-Key`, with its workspace
//   4. scope      the endpoint's rule of which keys it takes (GraphQL's is per operation, at
//                 execution: plugins/use-key-scope.ts)
//   5. origin     a publishable key's page origin against the workspace's allowed origins
//   6. key limit  per key (a publishable key per page and client address, and over all)
//   7. viewer     a dashboard's viewer token (GraphQL only) and its viewer's limit
//   8. input      text PostgreSQL cannot store, once the input is parsed
//
// Each guard is a plain function over a description of the request that returns a Refusal (the
// answer's status, code, message and headers) or what it established; transports turn a refusal
// into their own answer with `refusalBody`, so the same refusal reads the same everywhere.
import type { IncomingMessage } from "node:http";
import type { Database } from "@pulse/schema/database";
import { originAllowed, originNotAllowedMessage } from "../domain/config.ts";
import { DATABASE_UNAVAILABLE_MESSAGE, errorEnvelope, isDatabaseUnavailable } from "../errors.ts";
import { findInvalid, invalidTextMessage } from "../invalid-text.ts";
import type { WidgetLookups } from "../widget/lookups.ts";
import { type ApiKeyCache, type AuthenticatedKey, readApiKey } from "./api-keys.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import {
  claimedViewerWorkspace,
  VIEWER_TOKEN_HEADER,
  type Viewer,
  ViewerTokenError,
  verifyViewerToken,
} from "./viewer-token.ts";

/** A request as the guards read it. */
export interface GuardRequest {
  headers: Pick<Headers, "get">;
  /** The Node request (the client's address), when there is one. */
  node: IncomingMessage | undefined;
  /** This server's own origin (`http://host:port`): its pages may use any key. */
  selfOrigin: string;
}

/** Why a request is refused: the HTTP status, the error code and message, and extra headers. */
export interface Refusal {
  refused: true;
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** Extensions beside `code` (a rate limit's `retryAfter`). */
  extensions?: Record<string, unknown>;
}

/** Who a request that passed the guards acts as, and from which address. */
export interface Principal {
  refused?: false;
  auth: AuthenticatedKey;
  ip: string;
}

export function refusal(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
  extensions?: Record<string, unknown>,
): Refusal {
  return { refused: true, status, code, message, headers, extensions };
}

/** The JSON body of a refusal (GraphQL's error envelope). */
export function refusalBody(refused: Refusal): string {
  return errorEnvelope(refused.message, refused.code, refused.extensions);
}

export function rateLimitedRefusal(retryAfterSeconds: number): Refusal {
  return refusal(
    429,
    "RATE_LIMITED",
    `Too many requests; retry in ${retryAfterSeconds} s.`,
    { "retry-after": String(retryAfterSeconds) },
    { retryAfter: retryAfterSeconds },
  );
}

export function databaseUnavailableRefusal(): Refusal {
  return refusal(503, "DATABASE_UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE, { "retry-after": "2" });
}

export function unauthenticatedMessage(key: string | null): string {
  return key
    ? "Invalid or revoked API key."
    : "Missing API key: send `Authorization: Bearer sk_…` (or a publishable pk_… key).";
}

/** 1. A POST body must declare its length (fetch, curl and browsers do), within the limit. */
export function bodyGuard(headers: Pick<Headers, "get">, maxBodyBytes: number): Refusal | null {
  const length = headers.get("content-length");
  if (length === null) {
    return refusal(411, "LENGTH_REQUIRED", "Send a Content-Length header.", { connection: "close" });
  }
  if (Number(length) > maxBodyBytes) {
    return refusal(413, "PAYLOAD_TOO_LARGE", `Request body larger than ${maxBodyBytes} bytes.`, {
      connection: "close",
    });
  }
  return null;
}

/** 8. Every string of the parsed input (`{ variables: …}`, `{ input: … }`) must be storable text. */
export function inputGuard(parts: Record<string, unknown>): Refusal | null {
  for (const [path, value] of Object.entries(parts)) {
    const invalid = findInvalid(value, path);
    if (invalid) return refusal(400, "BAD_USER_INPUT", invalidTextMessage(invalid));
  }
  return null;
}

/** What an endpoint asks of the guards besides the order they share. */
export interface EndpointRules {
  /** 4. The keys the endpoint takes (none: every key, as GraphQL, which checks per operation). */
  scope?: (auth: AuthenticatedKey) => Refusal | null;
  /** 7. Whether a viewer token is read (GraphQL's dashboards). */
  viewerTokens?: boolean;
}

export interface GuardOptions {
  database: Database;
  keys: ApiKeyCache;
  rateLimiter: RateLimiter | null;
  lookups: WidgetLookups;
  /** The clock viewer tokens' expiry is checked against (tests pin it). */
  clock?: () => Date;
}

/** Guards 2–7 of one server: its key cache, rate limiter and signing-secret lookups. */
export class RequestGuards {
  constructor(private readonly options: GuardOptions) {}

  /** 2. The client's address, or the refusal of its limit. */
  async ipLimit(request: GuardRequest): Promise<Refusal | { ip: string }> {
    const { rateLimiter } = this.options;
    if (!rateLimiter) return { ip: "unknown" };
    const ip = rateLimiter.clientIp(request.headers, request.node);
    const retryAfter = await rateLimiter.consumeIp(ip);
    return retryAfter === null ? { ip } : rateLimitedRefusal(retryAfter);
  }

  /** Guards 2 to 7 in order: the request's principal, or the first refusal. */
  async authenticate(request: GuardRequest, rules: EndpointRules = {}): Promise<Refusal | Principal> {
    const limited = await this.ipLimit(request);
    if ("refused" in limited) return limited;
    return this.authenticateKey(request, limited.ip, rules);
  }

  /** Guards 3 to 7, once the IP limit has passed. */
  async authenticateKey(
    request: GuardRequest,
    ip: string,
    rules: EndpointRules = {},
  ): Promise<Refusal | Principal> {
    const { database, keys, rateLimiter } = this.options;
    const key = readApiKey(request.headers);
    let auth: AuthenticatedKey | null;
    try {
      auth = key ? await keys.find(database.prisma, key) : null;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return databaseUnavailableRefusal();
    }
    if (!auth) {
      return refusal(401, "UNAUTHENTICATED", unauthenticatedMessage(key), {
        "www-authenticate": 'Bearer realm="pulse"',
      });
    }
    const scoped = rules.scope?.(auth);
    if (scoped) return scoped;
    const origin = request.headers.get("origin");
    if (!originAllowed(auth, origin, request.selfOrigin)) {
      return refusal(403, "ORIGIN_NOT_ALLOWED", originNotAllowedMessage(origin));
    }
    if (rateLimiter) {
      const retryAfter = await rateLimiter.consumeKey(auth, ip);
      if (retryAfter !== null) return rateLimitedRefusal(retryAfter);
    }
    const viewerToken = rules.viewerTokens ? request.headers.get(VIEWER_TOKEN_HEADER)?.trim() : undefined;
    if (!viewerToken) return { auth, ip };
    let viewer: Viewer;
    try {
      viewer = await this.verifiedViewer(auth, viewerToken, this.options.clock?.() ?? new Date());
    } catch (error) {
      if (isDatabaseUnavailable(error)) return databaseUnavailableRefusal();
      if (!(error instanceof ViewerTokenError)) throw error;
      return refusal(401, error.code, error.message, {
        "www-authenticate": 'Bearer realm="pulse", error="invalid_token"',
      });
    }
    if (rateLimiter) {
      const retryAfter = await rateLimiter.consumeViewer(auth.workspaceId, viewer.subject, ip);
      if (retryAfter !== null) return rateLimitedRefusal(retryAfter);
    }
    return { auth: { ...auth, viewer }, ip };
  }

  /**
   * The viewer a request's token names, verified with the workspace's signing secret (re-read once
   * when it fails: another server may have rotated it). Throws ViewerTokenError.
   */
  private async verifiedViewer(auth: AuthenticatedKey, token: string, now: Date): Promise<Viewer> {
    const { database, lookups } = this.options;
    if (auth.kind !== "PUBLISHABLE") {
      throw new ViewerTokenError(
        "A viewer token goes with the workspace's publishable key (pk_…); secret keys need none.",
      );
    }
    if (claimedViewerWorkspace(token) !== auth.workspaceId) {
      throw new ViewerTokenError("The viewer token is not valid for this workspace.");
    }
    try {
      return await verifyViewerToken(
        token,
        (await lookups.signingSecret(database.prisma, auth.workspaceId)).key,
        now,
      );
    } catch (error) {
      if (!(error instanceof ViewerTokenError) || error.code === "EXPIRED_VIEWER_TOKEN") throw error;
      const rechecked = await lookups.recheckedSigningSecret(database.prisma, auth.workspaceId);
      if (rechecked === null) throw error;
      return verifyViewerToken(token, rechecked.key, now);
    }
  }
}
