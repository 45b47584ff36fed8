// API keys: `sk_…` secret keys (whole workspace, server side only), `pk_…` publishable keys
// (widgets) and `ak_…` administrator keys (no workspace: create, list and disable workspaces;
// made only by the CLI). Only a SHA-256 hash and a short prefix are stored; the key is shown once.
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@pulse/schema/prisma";
import type { Viewer } from "./viewer-token.ts";

/** The kinds of key that belong to a workspace (the `ApiKey` table). */
export type WorkspaceKeyKind = "SECRET" | "PUBLISHABLE";
export type ApiKeyKind = WorkspaceKeyKind | "ADMIN";

/**
 * The workspace id of an admin key's requests: no workspace has it, so anything workspace-scoped
 * reads nothing even if it were reached (the key scope lets admin keys reach admin fields only).
 */
export const NO_WORKSPACE = "00000000-0000-0000-0000-000000000000";

export interface IssuedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

const KEY_PREFIX: Record<ApiKeyKind, string> = { SECRET: "sk_", PUBLISHABLE: "pk_", ADMIN: "ak_" };
const KEY_PATTERN = /^(sk|pk|ak)_[A-Za-z0-9]{32,64}$/;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function randomBase62(length: number): string {
  // 248 = 4 × 62: rejecting bytes ≥ 248 keeps every character equally likely.
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function issueApiKey(kind: ApiKeyKind): IssuedApiKey {
  const key = `${KEY_PREFIX[kind]}${randomBase62(40)}`;
  return { key, prefix: key.slice(0, 11), hash: hashApiKey(key) };
}

export interface AuthenticatedKey {
  keyId: string;
  workspaceId: string;
  kind: ApiKeyKind;
  scopes: string[];
  /** Origins the workspace allows for publishable keys; empty = any. */
  allowedOrigins?: string[];
  /** A publishable key's request with a verified viewer token: read-only, scoped to its accounts. */
  viewer?: Viewer;
}

/** Reads the key from `Authorization: Bearer …` or `X-Api-Key`. */
export function readApiKey(headers: Pick<Headers, "get">): string | null {
  const authorization = headers.get("authorization");
  if (authorization) {
    // Anything after "Bearer " is the key; a malformed one is refused as invalid, not missing.
    return authorization.trim().replace(/^Bearer\s+/i, "");
  }
  return headers.get("x-api-key")?.trim() || null;
}

export async function findApiKey(prisma: PrismaClient, key: string): Promise<AuthenticatedKey | null> {
  if (!KEY_PATTERN.test(key)) return null;
  if (key.startsWith(KEY_PREFIX.ADMIN)) {
    const admin = await prisma.adminKey.findUnique({
      where: { hash: hashApiKey(key) },
      select: { id: true, revokedAt: true },
    });
    if (!admin || admin.revokedAt) return null;
    return { keyId: admin.id, workspaceId: NO_WORKSPACE, kind: "ADMIN", scopes: [] };
  }
  const row = await prisma.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: {
      id: true,
      workspaceId: true,
      kind: true,
      scopes: true,
      revokedAt: true,
      workspace: { select: { allowedOrigins: true, disabledAt: true } },
    },
  });
  // A disabled workspace's keys stop working (disableWorkspace).
  if (!row || row.revokedAt || row.workspace.disabledAt) return null;
  return {
    keyId: row.id,
    workspaceId: row.workspaceId,
    kind: row.kind,
    scopes: row.scopes,
    allowedOrigins: row.workspace.allowedOrigins,
  };
}

/**
 * Key lookups cached for a few seconds: every request is authenticated, and a database round
 * trip per request would dominate small queries. Revoking through this server evicts at once;
 * other servers see a revocation within `ttlMs`.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { expires: number; key: AuthenticatedKey | null }>();
  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
  ) {}

  async find(prisma: PrismaClient, key: string, now = Date.now()): Promise<AuthenticatedKey | null> {
    const hash = hashApiKey(key);
    const cached = this.entries.get(hash);
    if (cached && cached.expires > now) return cached.key;
    const found = await findApiKey(prisma, key);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { expires: now + this.ttlMs, key: found });
    return found;
  }

  evictKeyId(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.key?.keyId === keyId) this.entries.delete(hash);
  }

  evictWorkspace(workspaceId: string): void {
    for (const [hash, entry] of this.entries)
      if (entry.key?.workspaceId === workspaceId) this.entries.delete(hash);
  }
}
