// Config rules of a workspace that every transport applies alike: which page origins may use its
// publishable key, as stored (normalized web origins, validated when set) and as checked on each
// request. GraphQL (through the request guards, auth/guards.ts) and the widgets' submission
// endpoint check a request's Origin with this one rule.
import { z } from "zod";
import type { AuthenticatedKey } from "../auth/api-keys.ts";

/**
 * Whether a request from the page at `origin` (the Origin header, null without one) may use this
 * key: publishable keys are held to the workspace's allowed origins, if it lists any; Pulse's own
 * pages (the widget demo), whose origin is `selfOrigin`, are always allowed.
 */
export function originAllowed(
  auth: Pick<AuthenticatedKey, "kind" | "allowedOrigins">,
  origin: string | null,
  selfOrigin: string,
): boolean {
  if (auth.kind !== "PUBLISHABLE" || !origin || origin === selfOrigin || !auth.allowedOrigins?.length)
    return true;
  return auth.allowedOrigins.includes(origin);
}

/**
 * Says the fix too: a survey shows nothing on such a page and logs this message to its console.
 * The call needs the secret key, so naming it tells a visitor nothing they could use.
 */
export function originNotAllowedMessage(origin: string | null): string {
  return `Origin ${origin} is not allowed for this workspace's publishable key. Allow it with the secret key: mutation { setAllowedOrigins(input: { origins: [${JSON.stringify(origin)}, …the origins of query { workspace { allowedOrigins } }] }) { __typename } } (the list replaces the stored one).`;
}

const MAX_ALLOWED_ORIGINS = 100;

/** Why a URL is not one web origin, or undefined when it is. */
function notAnOrigin(url: URL): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https or http";
  if (url.username || url.password) return "must not contain credentials";
  if (url.pathname !== "/" || url.search || url.hash)
    return "must be an origin only, without a path, query or fragment";
  if (url.hostname.includes("*")) return "must name one host; wildcards are not supported, list each origin";
  return undefined;
}

const origin = z
  .string()
  .trim()
  .max(300, "must be at most 300 characters")
  .transform((value, issues) => {
    if (!URL.canParse(value)) {
      issues.addIssue({ code: "custom", message: 'must be an origin such as "https://app.example.com"' });
      return z.NEVER;
    }
    const url = new URL(value);
    const problem = notAnOrigin(url);
    if (problem) {
      issues.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    // URL.origin lowercases the host and drops a default port, as browsers send it.
    return url.origin;
  });

/** The input of setAllowedOrigins: origins normalized as browsers send them. */
export const allowedOriginsSchema = z.object({
  origins: z.array(origin).max(MAX_ALLOWED_ORIGINS, `must hold at most ${MAX_ALLOWED_ORIGINS} origins`),
});
