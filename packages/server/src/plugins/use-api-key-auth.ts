// Authenticates every GraphQL request by its API key before anything is parsed, so a request
// without a valid key gets a 401 and costs no parsing or validation. Publishable keys are held
// to the workspace's allowed origins and to their own (stricter) rate limits. The GraphiQL page
// itself (a browser GET asking for HTML) is served without a key; its queries send one.
// A publishable key with a viewer token (`x-pulse-viewer-token`, auth/viewer-token.ts) is a
// dashboard's credential: the token is verified here, with the workspace's signing secret, and
// its viewer then has its own rate limit under the key's.
import type { IncomingMessage } from "node:http";
import type { Database } from "@pulse/schema/database";
import type { Plugin } from "graphql-yoga";
import { type ApiKeyCache, type AuthenticatedKey, readApiKey } from "../auth/api-keys.ts";
import {
  claimedViewerWorkspace,
  VIEWER_TOKEN_HEADER,
  type Viewer,
  ViewerTokenError,
  verifyViewerToken,
} from "../auth/viewer-token.ts";
import { databaseUnavailableError, isDatabaseUnavailable } from "../errors.ts";
import { WidgetLookups } from "../widget/lookups.ts";
import { type RateLimiter, rateLimitedResponse } from "./use-rate-limit.ts";

const authenticated = new WeakMap<Request, AuthenticatedKey>();

export function authenticatedKey(request: Request): AuthenticatedKey | undefined {
  return authenticated.get(request);
}

function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * Whether a request from the page at `origin` (the Origin header, null without one) may use this
 * key: publishable keys are held to the workspace's allowed origins, if it lists any; Pulse's own
 * pages (the widget demo), whose origin is `selfOrigin`, are always allowed.
 */
export function originAllowed(auth: AuthenticatedKey, origin: string | null, selfOrigin: string): boolean {
  if (auth.kind !== "PUBLISHABLE" || !origin || origin === selfOrigin || !auth.allowedOrigins?.length)
    return true;
  return auth.allowedOrigins.includes(origin);
}

export function unauthenticatedMessage(key: string | null): string {
  return key
    ? "Invalid or revoked API key."
    : "Missing API key: send `Authorization: Bearer sk_…` (or a publishable pk_… key).";
}

/**
 * Says the fix too: a survey shows nothing on such a page and logs this message to its console.
 * The call needs the secret key, so naming it tells a visitor nothing they could use.
 */
export function originNotAllowedMessage(origin: string | null): string {
  return `Origin ${origin} is not allowed for this workspace's publishable key. Allow it with the secret key: mutation { setAllowedOrigins(input: { origins: [${JSON.stringify(origin)}, …the origins of query { workspace { allowedOrigins } }] }) { __typename } } (the list replaces the stored one).`;
}

/**
 * The viewer a request's token names, verified with the workspace's signing secret (re-read once
 * when it fails: another server may have rotated it). Throws ViewerTokenError.
 */
export async function verifiedViewer(
  database: Database,
  auth: AuthenticatedKey,
  token: string,
  now: Date,
): Promise<Viewer> {
  if (auth.kind !== "PUBLISHABLE") {
    throw new ViewerTokenError(
      "A viewer token goes with the workspace's publishable key (pk_…); secret keys need none.",
    );
  }
  if (claimedViewerWorkspace(token) !== auth.workspaceId) {
    throw new ViewerTokenError("The viewer token is not valid for this workspace.");
  }
  const lookups = WidgetLookups.of(database);
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

export function useApiKeyAuth(options: {
  database: Database;
  keys: ApiKeyCache;
  rateLimiter: RateLimiter | null;
  /** The clock viewer tokens' expiry is checked against (tests pin it). */
  clock?: () => Date;
}): Plugin<object, { req?: IncomingMessage }> {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      // useGraphQLEndpoint came first: every request here is for GraphQL, whatever its URL's text.
      if (request.method === "GET" && request.headers.get("accept")?.includes("text/html")) return;
      if (request.method === "OPTIONS") return;
      const key = readApiKey(request.headers);
      let auth: AuthenticatedKey | null = null;
      try {
        auth = key ? await options.keys.find(options.database.prisma, key) : null;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        const unavailable = databaseUnavailableError();
        endResponse(
          errorResponse(fetchAPI, 503, "DATABASE_UNAVAILABLE", unavailable.message, { "retry-after": "2" }),
        );
        return;
      }
      if (!auth) {
        endResponse(
          errorResponse(fetchAPI, 401, "UNAUTHENTICATED", unauthenticatedMessage(key), {
            "www-authenticate": 'Bearer realm="pulse"',
          }),
        );
        return;
      }
      const origin = request.headers.get("origin");
      if (!originAllowed(auth, origin, `${url.protocol}//${request.headers.get("host") ?? url.host}`)) {
        endResponse(errorResponse(fetchAPI, 403, "ORIGIN_NOT_ALLOWED", originNotAllowedMessage(origin)));
        return;
      }
      const ip = options.rateLimiter?.clientIp(request.headers, serverContext?.req) ?? "unknown";
      if (options.rateLimiter) {
        const retryAfter = await options.rateLimiter.consumeKey(auth, ip);
        if (retryAfter !== null) {
          endResponse(rateLimitedResponse(fetchAPI, retryAfter));
          return;
        }
      }
      const viewerToken = request.headers.get(VIEWER_TOKEN_HEADER)?.trim();
      if (viewerToken) {
        let viewer: Viewer;
        try {
          viewer = await verifiedViewer(options.database, auth, viewerToken, options.clock?.() ?? new Date());
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            const unavailable = databaseUnavailableError();
            endResponse(
              errorResponse(fetchAPI, 503, "DATABASE_UNAVAILABLE", unavailable.message, {
                "retry-after": "2",
              }),
            );
            return;
          }
          if (!(error instanceof ViewerTokenError)) throw error;
          endResponse(
            errorResponse(fetchAPI, 401, error.code, error.message, {
              "www-authenticate": 'Bearer realm="pulse", error="invalid_token"',
            }),
          );
          return;
        }
        if (options.rateLimiter) {
          const retryAfter = await options.rateLimiter.consumeViewer(auth.workspaceId, viewer.subject, ip);
          if (retryAfter !== null) {
            endResponse(rateLimitedResponse(fetchAPI, retryAfter));
            return;
          }
        }
        authenticated.set(request, { ...auth, viewer });
        return;
      }
      authenticated.set(request, auth);
    },
  };
}
