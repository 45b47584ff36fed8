// Rate limits with rate-limiter-flexible (a maintained library with the same API over Redis and
// memory): per client IP before authentication (protects key lookups from guessing), then per
// API key. Anonymous traffic (publishable keys from any page, and badges, which need no key) is
// limited per signed visitor — the contact a verified widget token names, or its account for
// badges — so an office behind one address is not one visitor; a looser ceiling per client IP
// and one per publishable key (or badge workspace) bound what one address or page can send.
// A dashboard's viewer (a verified viewer token's `sub`, or its client IP without one) has its
// own budget under those same two ceilings.
// Redis-backed when REDIS_URL is set, so several servers share one budget; in memory otherwise.
// Every refusal says when to retry (Retry-After); the guards (auth/guards.ts) and the badge route
// consume from it, one limiter per server.
import type { IncomingMessage } from "node:http";
import { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { AuthenticatedKey } from "./api-keys.ts";

export interface RateLimits {
  /** Requests per minute per client IP (any key or none). */
  perIp: number;
  /** Requests per minute per secret key. */
  perSecretKey: number;
  /** Requests per minute per signed visitor: a widget token's contact (its account for badges). */
  perPublishableVisitor: number;
  /** Requests per minute per publishable key (or badge workspace) and client IP: a whole office behind one NAT. */
  perPublishableIp: number;
  /** Requests per minute per publishable key (or badge workspace) over all visitors. */
  perPublishableKey: number;
  /**
   * Requests per minute per viewer of a dashboard (a viewer token's `sub`, or the client IP for a
   * token without one), under the publishable key's per-IP and per-key ceilings (default 300).
   */
  perViewer?: number;
  /** Trust X-Forwarded-For (behind a proxy you run). */
  trustProxy: boolean;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perIp: 1_200,
  perSecretKey: 3_000,
  perPublishableVisitor: 60,
  perPublishableIp: 600,
  perPublishableKey: 6_000,
  perViewer: 300,
  trustProxy: false,
};

/** Who a verified widget token names, as the per-visitor limit counts them. */
export type SignedVisitor =
  | { workspaceId: string; contact: string }
  | { workspaceId: string; account: string };

export class RateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly secret: RateLimiterAbstract;
  private readonly visitor: RateLimiterAbstract;
  private readonly publishableIp: RateLimiterAbstract;
  private readonly publishable: RateLimiterAbstract;
  private readonly viewer: RateLimiterAbstract;
  readonly redis: Redis | null;

  constructor(
    readonly limits: RateLimits,
    redisUrl?: string,
  ) {
    this.redis = redisUrl
      ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : null;
    this.redis?.on("error", () => {
      // Connection problems surface as insurance fallbacks below; ioredis reconnects by itself.
    });
    const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
      if (!this.redis) return memory;
      // If Redis is unreachable, each server keeps limiting on its own rather than failing open.
      return new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `pulse:rl:${keyPrefix}`,
        points,
        duration: 60,
        insuranceLimiter: memory,
      });
    };
    this.ip = make("ip", limits.perIp);
    this.secret = make("sk", limits.perSecretKey);
    this.visitor = make("pkv", limits.perPublishableVisitor);
    this.publishableIp = make("pkip", limits.perPublishableIp);
    this.publishable = make("pk", limits.perPublishableKey);
    this.viewer = make("pkview", limits.perViewer ?? DEFAULT_RATE_LIMITS.perViewer ?? 300);
  }

  clientIp(headers: Pick<Headers, "get">, node: IncomingMessage | undefined): string {
    if (this.limits.trustProxy) {
      const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
      if (forwarded) return forwarded;
    }
    return node?.socket?.remoteAddress ?? "unknown";
  }

  /** Seconds to wait when over the limit, or null when the request may go on. */
  async consumeIp(ip: string): Promise<number | null> {
    return consume(this.ip, ip);
  }

  async consumeKey(key: AuthenticatedKey, ip: string): Promise<number | null> {
    if (key.kind !== "PUBLISHABLE") return consume(this.secret, key.keyId);
    return this.consumeAnonymous(key.keyId, ip);
  }

  /** Badges, which need no key: the same ceilings as a publishable key, per workspace. */
  async consumeBadge(workspaceId: string, ip: string): Promise<number | null> {
    return this.consumeAnonymous(`badge:${workspaceId}`, ip);
  }

  /** Once a widget token is verified: the budget of the visitor it names. */
  async consumeVisitor(visitor: SignedVisitor): Promise<number | null> {
    const who = "contact" in visitor ? `c:${visitor.contact}` : `a:${visitor.account}`;
    return consume(this.visitor, `${visitor.workspaceId}|${who}`);
  }

  /** Once a viewer token is verified: the budget of its viewer (`sub`), or of the client IP without one. */
  async consumeViewer(workspaceId: string, subject: string | null, ip: string): Promise<number | null> {
    return consume(this.viewer, `${workspaceId}|${subject === null ? `ip:${ip}` : `sub:${subject}`}`);
  }

  private async consumeAnonymous(source: string, ip: string): Promise<number | null> {
    return (
      (await consume(this.publishableIp, `${source}|${ip}`)) ?? (await consume(this.publishable, source))
    );
  }

  /** Resolves once Redis is connected (immediately without Redis); until then limits are per server. */
  async ready(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === "ready") return;
    await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection;
  }
}
