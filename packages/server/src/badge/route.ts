// GET /badge/<token>.svg and /badge/<token>.json (shields.io endpoint): the badge without
// JavaScript or an API key. The signed token alone names the workspace and account; answers are
// cached briefly in memory because badges are fetched far more often than health changes.
import { claimedWorkspace, verifyWidgetToken, WidgetTokenError } from "../auth/widget-token.ts";
import { type ServerContext, workspaceContext } from "../context.ts";
import { isUuid } from "../ids.ts";
import { badgeFor } from "../schema/widget.ts";
import { type BadgeOptions, renderBadgeSvg, shieldsEndpoint } from "./svg.ts";

const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 2_000;

export interface BadgeResponse {
  status: number;
  contentType: string;
  body: string;
  cacheControl: string;
}

export class BadgeCache {
  private readonly entries = new Map<string, { expires: number; response: BadgeResponse }>();
  get(key: string, now: number): BadgeResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.response;
  }
  set(key: string, response: BadgeResponse, now: number): void {
    if (this.entries.size >= CACHE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { expires: now + CACHE_TTL_MS, response });
  }
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

function failure(format: "svg" | "json", status: number, message: string): BadgeResponse {
  if (format === "json") {
    return { status, contentType: "application/json", cacheControl: "no-store", body: JSON.stringify({ error: message }) };
  }
  const text = status === 403 ? "invalid token" : status === 404 ? "not found" : "bad request";
  return {
    status,
    contentType: "image/svg+xml",
    cacheControl: "no-store",
    body: renderBadgeSvg({ accountName: "", score: null, band: null, trend: null, history: [] }, { style: "flat", theme: "light", label: text }),
  };
}

export async function badgeResponse(server: ServerContext, url: URL, cache: BadgeCache, now: Date): Promise<BadgeResponse> {
  const match = /^\/badge\/([A-Za-z0-9_.-]+)\.(svg|json)$/.exec(url.pathname);
  const format = url.pathname.endsWith(".json") ? "json" : "svg";
  if (!match?.[1]) return failure(format, 404, "Use /badge/<token>.svg or /badge/<token>.json");
  const token = match[1];
  const options = parseOptions(url.searchParams);
  if (typeof options === "string") return failure(format, 400, options);
  const cacheKey = `${format}|${token}|${options.style}|${options.theme}|${options.label}`;
  const cached = cache.get(cacheKey, now.getTime());
  if (cached) return cached;

  const workspaceId = claimedWorkspace(token);
  const workspace =
    workspaceId && isUuid(workspaceId)
      ? await server.database.prisma.workspace.findUnique({ where: { id: workspaceId, disabledAt: null }, select: { signingSecret: true } })
      : null;
  if (!workspaceId || !workspace) return failure(format, 403, "The token is not valid.");
  let identity: Awaited<ReturnType<typeof verifyWidgetToken>>;
  try {
    identity = await verifyWidgetToken(token, workspace.signingSecret, now);
  } catch (error) {
    if (error instanceof WidgetTokenError) return failure(format, 403, error.message);
    throw error;
  }
  const ctx = workspaceContext(server, { keyId: "badge-token", workspaceId, kind: "PUBLISHABLE", scopes: [] }, now);
  let data: Awaited<ReturnType<typeof badgeFor>>;
  try {
    data = await badgeFor(ctx, identity);
  } catch {
    return failure(format, 404, "The token's account is not known.");
  }
  const response: BadgeResponse =
    format === "json"
      ? { status: 200, contentType: "application/json", cacheControl: "public, max-age=60", body: JSON.stringify(shieldsEndpoint(data, options.label)) }
      : { status: 200, contentType: "image/svg+xml", cacheControl: "public, max-age=60", body: renderBadgeSvg(data, options) };
  cache.set(cacheKey, response, now.getTime());
  return response;
}
