// GET /badge/<token>.svg and /badge/<token>.json (shields.io endpoint): the badge without
// JavaScript or an API key. The signed token alone names the workspace and account; answers are
// cached briefly in memory because badges are fetched far more often than health changes.
//
// Badges are anonymous traffic like the widgets': limited per client IP, per badge workspace and
// IP, and per signed visitor (the token's account), with Retry-After. A cached answer lives at
// most 60 s and never past its token's expiry, and is only served while the workspace's signing
// secret is the one that verified its token: a rotation on this server drops it at once (the
// server's widget lookups are evicted), on other servers within the lookups' few seconds. An
// answer not cached is made with the secret read afresh (one statement among the badge's reads).
// What it shows is the domain's (domain/badges.ts), as GraphQL's `widgetBadge` answers it; the
// token alone names the workspace, so no API key is made up for it.
import type { Database } from "@pulse/schema/database";
import type { RateLimiter } from "../auth/rate-limiter.ts";
import { claimedWorkspace, WidgetTokenError } from "../auth/widget-token.ts";
import { type Badge, badgeFor } from "../domain/badges.ts";
import { workspaceReads } from "../domain/context.ts";
import { identify } from "../domain/surveys.ts";
import { isUuid } from "../ids.ts";
import { WidgetLookups } from "../widget/lookups.ts";
import { type BadgeOptions, renderBadgeSvg, shieldsEndpoint } from "./svg.ts";

const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 2_000;

export interface BadgeResponse {
  status: number;
  contentType: string;
  body: string;
  cacheControl: string;
  /** Extra headers (Retry-After on a rate-limit refusal). */
  headers?: Record<string, string>;
}

interface CachedBadge {
  /** When the answer stops being served: 60 s after it was made, or the token's expiry if sooner. */
  expires: number;
  /** The signing secret that verified the token: the answer is void once the workspace has another. */
  signingSecret: string;
  workspaceId: string;
  account: string;
  response: BadgeResponse;
}

export class BadgeCache {
  private readonly entries = new Map<string, CachedBadge>();
  get(key: string, now: number): CachedBadge | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
  set(key: string, entry: CachedBadge): void {
    if (this.entries.size >= CACHE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** What a badge request needs besides the database: the limiter and the client's address. */
export interface BadgeRequest {
  rateLimiter: RateLimiter | null | undefined;
  ip: string;
}

/** The server a badge is answered by: its database and its widget lookups. */
export interface BadgeServer {
  database: Database;
  /** The server's lookups (its signing secrets); a call outside a server has lookups of its own. */
  lookups?: WidgetLookups;
}

function parseOptions(params: URLSearchParams): BadgeOptions | string {
  const style = params.get("style") ?? "flat";
  const theme = params.get("theme") ?? "light";
  const label = params.get("label") ?? "health";
  if (style !== "flat" && style !== "pill" && style !== "card") return "style must be flat, pill or card";
  if (theme !== "light" && theme !== "dark") return "theme must be light or dark";
  if (label.length === 0 || label.length > 40) return "label must be 1–40 characters";
  return { style, theme, label };
}

function failure(
  format: "svg" | "json",
  status: number,
  message: string,
  headers?: Record<string, string>,
): BadgeResponse {
  const text =
    status === 429
      ? "rate limited"
      : status === 403
        ? "invalid token"
        : status === 404
          ? "not found"
          : "bad request";
  if (format === "json") {
    // shields.io's endpoint format: an error is a 200 with isError, which it renders as a badge
    // saying what went wrong (any other status shows as a broken image).
    return {
      status: 200,
      contentType: "application/json",
      cacheControl: "no-store",
      headers,
      body: JSON.stringify({
        schemaVersion: 1,
        label: "health",
        message: text,
        color: "lightgrey",
        isError: true,
        error: message,
      }),
    };
  }
  return {
    status,
    contentType: "image/svg+xml",
    cacheControl: "no-store",
    headers,
    body: renderBadgeSvg(
      { accountName: "", score: null, band: null, trend: null, history: [] },
      { style: "flat", theme: "light", label: text },
    ),
  };
}

function rateLimited(format: "svg" | "json", retryAfter: number): BadgeResponse {
  return failure(format, 429, `Too many requests; retry in ${retryAfter} s.`, {
    "retry-after": String(retryAfter),
  });
}

/**
 * The signing secret a workspace has, or null when there is no such workspace (or it is
 * disabled): the server's cached one (seconds old at most), or read afresh.
 */
async function currentSigningSecret(
  database: Database,
  lookups: WidgetLookups,
  workspaceId: string,
  fresh: boolean,
): Promise<string | null> {
  try {
    const secret = fresh
      ? await lookups.freshSigningSecret(database.prisma, workspaceId)
      : await lookups.signingSecret(database.prisma, workspaceId);
    return secret.secret;
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2025") return null;
    throw error;
  }
}

export async function badgeResponse(
  server: BadgeServer,
  url: URL,
  cache: BadgeCache,
  now: Date,
  request: BadgeRequest = { rateLimiter: null, ip: "unknown" },
): Promise<BadgeResponse> {
  const format = url.pathname.endsWith(".json") ? "json" : "svg";
  const { rateLimiter, ip } = request;
  const lookups = server.lookups ?? new WidgetLookups();
  const ipRetry = await rateLimiter?.consumeIp(ip);
  if (ipRetry != null) return rateLimited(format, ipRetry);
  const match = /^\/badge\/([A-Za-z0-9_.-]+)\.(svg|json)$/.exec(url.pathname);
  if (!match?.[1]) return failure(format, 404, "Use /badge/<token>.svg or /badge/<token>.json");
  const token = match[1];
  const options = parseOptions(url.searchParams);
  if (typeof options === "string") return failure(format, 400, options);

  const workspaceId = claimedWorkspace(token);
  if (!workspaceId || !isUuid(workspaceId)) return failure(format, 403, "The token is not valid.");
  const badgeRetry = await rateLimiter?.consumeBadge(workspaceId, ip);
  if (badgeRetry != null) return rateLimited(format, badgeRetry);
  const cacheKey = `${format}|${token}|${options.style}|${options.theme}|${options.label}`;
  const cached = cache.get(cacheKey, now.getTime());
  if (cached) {
    // A cached answer is served while the workspace's secret (as this server caches it) is the
    // one that verified its token.
    const current = await currentSigningSecret(server.database, lookups, workspaceId, false);
    if (current === null) return failure(format, 403, "The token is not valid.");
    if (cached.signingSecret === current) {
      const visitorRetry = await rateLimiter?.consumeVisitor({ workspaceId, account: cached.account });
      return visitorRetry != null ? rateLimited(format, visitorRetry) : cached.response;
    }
    cache.delete(cacheKey);
  }
  // An answer to make is made with the secret as it is now: a rotation or a disabled workspace
  // counts at once, whichever server of the workspace changed it.
  const signingSecret = await currentSigningSecret(server.database, lookups, workspaceId, true);
  if (signingSecret === null) return failure(format, 403, "The token is not valid.");

  const ctx = workspaceReads(
    { database: server.database, rateLimiter: rateLimiter ?? null, lookups },
    workspaceId,
    now,
  );
  let identity: Awaited<ReturnType<typeof identify>>;
  try {
    // Verified as the widgets' tokens are (the same secret lookups), and counted per visitor.
    identity = await identify(ctx, token, "badge");
  } catch (error) {
    if (error instanceof WidgetTokenError) return failure(format, 403, error.message);
    const code = (error as { extensions?: { code?: unknown; retryAfter?: unknown } }).extensions;
    if (code?.code === "RATE_LIMITED") return rateLimited(format, Number(code.retryAfter) || 1);
    if (code?.code === "INVALID_TOKEN") return failure(format, 403, (error as Error).message);
    throw error;
  }
  let data: Badge;
  try {
    data = await badgeFor(ctx, identity);
  } catch {
    return failure(format, 404, "The token's account is not known.");
  }
  const expires = Math.min(
    now.getTime() + CACHE_TTL_MS,
    identity.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
  );
  const maxAge = Math.max(0, Math.floor((expires - now.getTime()) / 1000));
  const cacheControl = maxAge > 0 ? `public, max-age=${maxAge}` : "no-store";
  const response: BadgeResponse =
    format === "json"
      ? {
          status: 200,
          contentType: "application/json",
          cacheControl,
          body: JSON.stringify(shieldsEndpoint(data, options.label)),
        }
      : { status: 200, contentType: "image/svg+xml", cacheControl, body: renderBadgeSvg(data, options) };
  if (expires > now.getTime()) {
    cache.set(cacheKey, {
      expires,
      signingSecret,
      workspaceId,
      account: identity.accountExternalId,
      response,
    });
  }
  return response;
}
