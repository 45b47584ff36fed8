// Widget identity tokens: a JWT (HS256) that the host's backend signs with the workspace's
// signing secret, naming the workspace, the account and (for surveys) the contact. Any JWT
// library can make one; `signWidgetToken` below is the reference (signed with `jose`).
// Verified with `jsonwebtoken` (auth0's, the most used JWT library for Node) rather than
// hand-rolled HMAC parsing: it computes the HMAC with node:crypto, about 30 µs per token, where
// jose's WebCrypto path took about 150 µs and a quarter of a busy survey-ingestion server.
import { createSecretKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import jwt from "jsonwebtoken";
import { findInvalid } from "../invalid-text.ts";

export interface WidgetIdentity {
  workspaceId: string;
  accountExternalId: string;
  contactExternalId: string | null;
  expiresAt: Date | null;
}

export interface WidgetTokenClaims {
  /** Workspace id (the `workspace { id }` of the API, or the raw id). */
  workspaceId: string;
  /** Your id of the account (its `externalId` in Pulse). */
  account: string;
  /** Your id of the person answering surveys (the contact's `externalId`); badges need none. */
  contact?: string;
  /** Lifetime in seconds (default 1 hour). Survey tokens must expire; badge tokens may be long-lived. */
  expiresInSeconds?: number | null;
  /** When the token is issued (default: now); its expiry counts from here. A signer whose clock is
   * not the wall clock (a server pinned to a data set's day, as the bench's is) passes that clock. */
  issuedAt?: Date;
}

const ISSUER = "pulse-widget";
const encoder = new TextEncoder();

/**
 * The identity claims by their short names, each also accepted by the long name that
 * `signWidgetToken` takes (README, "Widget tokens"), so a token signed with any JWT library from
 * either name works. A token that gives both names with different values is refused.
 */
export const WIDGET_TOKEN_CLAIM_ALIASES = { wid: "workspaceId", acc: "account", cnt: "contact" } as const;

type IdentityClaim = keyof typeof WIDGET_TOKEN_CLAIM_ALIASES;

/** The value of an identity claim under its short or long name; refuses two different values. */
function identityClaim(payload: Record<string, unknown>, claim: IdentityClaim): unknown {
  const short = payload[claim];
  const long = payload[WIDGET_TOKEN_CLAIM_ALIASES[claim]];
  if (short !== undefined && long !== undefined && short !== long) {
    throw new WidgetTokenError(
      `The token gives \`${claim}\` and \`${WIDGET_TOKEN_CLAIM_ALIASES[claim]}\` with different values; send one of them.`,
    );
  }
  return short ?? long;
}

/** Signs a widget token on your backend (never in the browser: the secret stays server-side). */
export async function signWidgetToken(claims: WidgetTokenClaims, signingSecret: string): Promise<string> {
  const jwt = new SignJWT({
    wid: claims.workspaceId,
    acc: claims.account,
    ...(claims.contact ? { cnt: claims.contact } : {}),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER);
  const issuedAt = Math.floor((claims.issuedAt ?? new Date()).getTime() / 1000);
  jwt.setIssuedAt(issuedAt);
  const lifetime = claims.expiresInSeconds === undefined ? 3600 : claims.expiresInSeconds;
  if (lifetime === null && claims.contact) {
    throw new WidgetTokenError(
      "Survey tokens (with a contact) must expire; only badge tokens may omit the lifetime.",
    );
  }
  if (lifetime !== null) jwt.setExpirationTime(issuedAt + Math.max(1, Math.floor(lifetime)));
  return jwt.sign(encoder.encode(signingSecret));
}

export class WidgetTokenError extends Error {
  override name = "WidgetTokenError";
}

/** Reads the workspace a token claims, before its signature can be checked with that workspace's secret. */
export function claimedWorkspace(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload || token.length > 4096) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!claims || typeof claims !== "object") return null;
    const workspaceId = identityClaim(claims as Record<string, unknown>, "wid");
    return typeof workspaceId === "string" ? workspaceId : null;
  } catch {
    return null;
  }
}

/** The secret as a key for `verifyWidgetToken`, made once per secret instead of per token. */
export function widgetTokenKey(signingSecret: string): KeyObject {
  return createSecretKey(Buffer.from(signingSecret, "utf8"));
}

/**
 * What a token is used for: survey tokens (load, answer, dismiss) must expire; badge tokens may
 * be long-lived (they are embedded in READMEs and partner pages) and may omit `exp`.
 */
export type WidgetTokenPurpose = "survey" | "badge";

export async function verifyWidgetToken(
  token: string,
  signingSecret: string | KeyObject,
  now: Date = new Date(),
  purpose: WidgetTokenPurpose = "survey",
): Promise<WidgetIdentity> {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(
      token,
      typeof signingSecret === "string" ? widgetTokenKey(signingSecret) : signingSecret,
      {
        algorithms: ["HS256"],
        issuer: ISSUER,
        clockTimestamp: Math.floor(now.getTime() / 1000),
        clockTolerance: 30,
      },
    );
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new WidgetTokenError("The token has expired.");
    throw new WidgetTokenError(
      "The token is not valid (malformed, tampered with, or signed with another secret).",
    );
  }
  if (typeof payload === "string") throw new WidgetTokenError("The token names no workspace or account.");
  // A viewer token (dashboards, viewer-token.ts) is never a widget token, whatever else it claims.
  if (payload.typ === "viewer") throw new WidgetTokenError("A viewer token is not a widget token.");
  const workspaceId = identityClaim(payload, "wid");
  const account = identityClaim(payload, "acc");
  const contact = identityClaim(payload, "cnt");
  if (typeof workspaceId !== "string" || typeof account !== "string" || account.length === 0) {
    throw new WidgetTokenError("The token names no workspace or account (claims `wid` and `acc`).");
  }
  if (contact !== undefined && typeof contact !== "string") {
    throw new WidgetTokenError("The token's contact (`cnt`) must be a string.");
  }
  // A claim PostgreSQL cannot store (NUL, unpaired surrogate) would fail the first lookup.
  const invalid = findInvalid(payload, "");
  if (invalid !== null) {
    throw new WidgetTokenError(
      `The token's claim ${invalid} contains a NUL character or an unpaired surrogate.`,
    );
  }
  if (payload.exp === undefined && purpose === "survey") {
    throw new WidgetTokenError(
      "Survey tokens must expire: sign them with an `exp` claim (signWidgetToken's default is 1 hour); only badge tokens may omit it.",
    );
  }
  return {
    workspaceId,
    accountExternalId: account,
    contactExternalId: typeof contact === "string" ? contact : null,
    expiresAt: typeof payload.exp === "number" ? new Date(payload.exp * 1000) : null,
  };
}
