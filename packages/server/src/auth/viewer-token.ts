// Viewer tokens: what a browser dashboard holds instead of a secret key. A JWT (HS256) the host's
// backend signs with the workspace's signing secret (the same secret and rules as widget tokens,
// see widget-token.ts), sent with the workspace's publishable key in `x-pulse-viewer-token`. It
// reads, never writes, and only the accounts its scope claims select (README, "From a browser").
import type { KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import jwt from "jsonwebtoken";
import { findInvalid } from "../invalid-text.ts";
import { widgetTokenKey } from "./widget-token.ts";

/** The request header that carries a viewer token (next to `Authorization: Bearer pk_…`). */
export const VIEWER_TOKEN_HEADER = "x-pulse-viewer-token";

/** The `typ` claim every viewer token carries, so a widget token is never a viewer token and vice versa. */
export const VIEWER_TOKEN_TYPE = "viewer";

/** The longest lifetime a viewer token may have (`exp` − `iat`); refresh it from your backend before. */
export const MAX_VIEWER_TOKEN_SECONDS = 3600;

/** Clock skew tolerated between the signer and Pulse, as for widget tokens. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Which accounts a viewer sees: those matching every kind given (AND), each kind matching any of
 * its values (OR). A kind left out does not restrict; an empty list matches no account.
 */
export interface ViewerScope {
  /** CSM owners (`csmOwner` of the accounts). */
  csmOwners: string[] | null;
  /** Segments. */
  segments: string[] | null;
  /** Accounts by your external id or by Pulse's id (the raw uuid). */
  accounts: string[] | null;
}

export interface Viewer {
  workspaceId: string;
  /** Who the viewer is (`sub`): the unit of the per-viewer rate limit; null when unnamed. */
  subject: string | null;
  /** null: the whole workspace (the token said `scope: "workspace"` explicitly). */
  scope: ViewerScope | null;
  expiresAt: Date;
}

export interface ViewerTokenClaims {
  /** Workspace id (the `workspace { workspaceId }` of the API). */
  workspaceId: string;
  /** Who is looking (a user id of yours): the unit of the per-viewer rate limit. */
  subject?: string;
  /** Only accounts owned by one of these CSMs. */
  csmOwners?: string[];
  /** Only accounts of one of these segments. */
  segments?: string[];
  /** Only these accounts (your external ids, or Pulse ids). */
  accounts?: string[];
  /**
   * Set to "workspace" to sign a token for the whole workspace. Required when no scope list is
   * given, so that forgetting the scope never widens a token to every account.
   */
  scope?: "workspace";
  /** Lifetime in seconds (default and maximum 3600). */
  expiresInSeconds?: number;
  /** When the token is issued (default: now). */
  issuedAt?: Date;
}

export class ViewerTokenError extends Error {
  override name = "ViewerTokenError";
  constructor(
    message: string,
    /** EXPIRED_VIEWER_TOKEN for an expired token, INVALID_VIEWER_TOKEN for anything else. */
    readonly code: "INVALID_VIEWER_TOKEN" | "EXPIRED_VIEWER_TOKEN" = "INVALID_VIEWER_TOKEN",
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();

/** Signs a viewer token on your backend (never in the browser: the secret stays server-side). */
export async function signViewerToken(claims: ViewerTokenClaims, signingSecret: string): Promise<string> {
  const lists = { csm: claims.csmOwners, seg: claims.segments, acc: claims.accounts };
  const scoped = Object.values(lists).some((list) => list !== undefined);
  if (scoped === (claims.scope === "workspace")) {
    throw new ViewerTokenError(
      scoped
        ? 'Give either scope lists (csmOwners, segments, accounts) or scope: "workspace", not both.'
        : 'A viewer token needs a scope: csmOwners, segments or accounts, or scope: "workspace" for every account.',
    );
  }
  const lifetime = Math.floor(claims.expiresInSeconds ?? MAX_VIEWER_TOKEN_SECONDS);
  if (lifetime < 1 || lifetime > MAX_VIEWER_TOKEN_SECONDS) {
    throw new ViewerTokenError(`A viewer token lives 1 to ${MAX_VIEWER_TOKEN_SECONDS} seconds.`);
  }
  const payload: Record<string, unknown> = { typ: VIEWER_TOKEN_TYPE, wid: claims.workspaceId };
  for (const [claim, list] of Object.entries(lists)) if (list !== undefined) payload[claim] = list;
  if (claims.scope) payload.scope = claims.scope;
  const issuedAt = Math.floor((claims.issuedAt ?? new Date()).getTime() / 1000);
  const token = new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime);
  if (claims.subject !== undefined) token.setSubject(claims.subject);
  return token.sign(encoder.encode(signingSecret));
}

/** The workspace a viewer token claims, read before its signature can be checked with that workspace's secret. */
export function claimedViewerWorkspace(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload || token.length > 8192) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!claims || typeof claims !== "object") return null;
    const workspaceId = (claims as Record<string, unknown>).wid;
    return typeof workspaceId === "string" ? workspaceId : null;
  } catch {
    return null;
  }
}

const MAX_SCOPE_VALUES = 1_000;

function scopeList(payload: jwt.JwtPayload, claim: "csm" | "seg" | "acc"): string[] | null {
  const value: unknown = payload[claim];
  if (value === undefined) return null;
  if (
    !Array.isArray(value) ||
    value.length > MAX_SCOPE_VALUES ||
    !value.every((item) => typeof item === "string" && item.length > 0 && item.length <= 200)
  ) {
    throw new ViewerTokenError(
      `The viewer token's \`${claim}\` claim must be a list of at most ${MAX_SCOPE_VALUES} non-empty strings.`,
    );
  }
  return [...new Set(value as string[])];
}

export async function verifyViewerToken(
  token: string,
  signingSecret: string | KeyObject,
  now: Date = new Date(),
): Promise<Viewer> {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(
      token,
      typeof signingSecret === "string" ? widgetTokenKey(signingSecret) : signingSecret,
      {
        algorithms: ["HS256"],
        clockTimestamp: Math.floor(now.getTime() / 1000),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      },
    );
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      throw new ViewerTokenError(
        "The viewer token has expired: get a fresh one from your backend.",
        "EXPIRED_VIEWER_TOKEN",
      );
    }
    throw new ViewerTokenError(
      "The viewer token is not valid (malformed, tampered with, or signed with another secret).",
    );
  }
  if (typeof payload === "string" || payload.typ !== VIEWER_TOKEN_TYPE) {
    throw new ViewerTokenError('This is not a viewer token (its `typ` claim must be "viewer").');
  }
  if (typeof payload.wid !== "string")
    throw new ViewerTokenError("The viewer token names no workspace (`wid`).");
  if (typeof payload.exp !== "number") {
    throw new ViewerTokenError("Viewer tokens must expire: sign them with an `exp` claim.");
  }
  // Without `iat` the lifetime counts from now: a token may never reach further than the maximum.
  const issuedAt = typeof payload.iat === "number" ? payload.iat : Math.floor(now.getTime() / 1000);
  if (
    payload.exp - issuedAt > MAX_VIEWER_TOKEN_SECONDS ||
    payload.exp - now.getTime() / 1000 > MAX_VIEWER_TOKEN_SECONDS + CLOCK_TOLERANCE_SECONDS
  ) {
    throw new ViewerTokenError(
      `Viewer tokens live at most ${MAX_VIEWER_TOKEN_SECONDS} seconds (exp − iat); sign a shorter one and refresh it.`,
    );
  }
  if (payload.sub !== undefined && (typeof payload.sub !== "string" || payload.sub.length > 200)) {
    throw new ViewerTokenError("The viewer token's `sub` must be a string of at most 200 characters.");
  }
  const invalid = findInvalid(payload, "");
  if (invalid !== null) {
    throw new ViewerTokenError(
      `The viewer token's claim ${invalid} contains a NUL character or an unpaired surrogate.`,
    );
  }
  const scope: ViewerScope = {
    csmOwners: scopeList(payload, "csm"),
    segments: scopeList(payload, "seg"),
    accounts: scopeList(payload, "acc"),
  };
  const scoped = scope.csmOwners !== null || scope.segments !== null || scope.accounts !== null;
  const whole = payload.scope === "workspace";
  if (payload.scope !== undefined && !whole) {
    throw new ViewerTokenError('The viewer token\'s `scope` claim may only be "workspace".');
  }
  if (scoped === whole) {
    throw new ViewerTokenError(
      scoped
        ? 'The viewer token gives scope lists and scope: "workspace"; give one of them.'
        : 'The viewer token has no scope: give `csm`, `seg` or `acc`, or `scope: "workspace"` for every account.',
    );
  }
  return {
    workspaceId: payload.wid,
    subject: payload.sub ?? null,
    scope: whole ? null : scope,
    expiresAt: new Date(payload.exp * 1000),
  };
}

/** The fields of an account a scope is decided on. */
export interface ScopedAccount {
  id: string;
  externalId: string;
  segment: string | null;
  csmOwner: string | null;
}

/** Whether the scope (null: the whole workspace) covers the account. */
export function inViewerScope(scope: ViewerScope | null, account: ScopedAccount): boolean {
  if (scope === null) return true;
  if (scope.csmOwners !== null && (account.csmOwner === null || !scope.csmOwners.includes(account.csmOwner)))
    return false;
  if (scope.segments !== null && (account.segment === null || !scope.segments.includes(account.segment)))
    return false;
  // Pulse's ids are uuids, which compare case-insensitively (as they do in SQL); external ids exactly.
  if (
    scope.accounts !== null &&
    !scope.accounts.some((value) => value === account.externalId || value.toLowerCase() === account.id)
  )
    return false;
  return true;
}
