// Standard Webhooks signing (https://www.standardwebhooks.com), with the `standardwebhooks`
// package: webhook-id, webhook-timestamp (seconds) and webhook-signature (`v1,<base64>`). While
// a rotated secret's grace period lasts, the signature header carries one signature per secret,
// space-separated, as the specification allows: receivers holding either secret verify.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new signing secret: `whsec_` and the base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The headers of one attempt: `secrets` in order (the current one first). */
export function signWebhook(
  secrets: readonly string[],
  input: { id: string; timestamp: Date; body: string },
): SignedHeaders {
  // Whole seconds, as the header carries them, so the signature covers what is sent.
  const timestamp = new Date(Math.floor(input.timestamp.getTime() / 1000) * 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(input.id, timestamp, input.body));
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(timestamp.getTime() / 1000),
    "webhook-signature": signatures.join(" "),
  };
}
