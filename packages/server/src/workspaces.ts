import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@pulse/schema/prisma";
import { hashApiKey, type IssuedApiKey, issueApiKey, type WorkspaceKeyKind } from "./auth/api-keys.ts";

export interface NewWorkspace {
  name: string;
  slug: string;
  currency?: string;
}

export interface CreatedWorkspace {
  workspaceId: string;
  secretKey: string;
  publishableKey: string;
  /** HMAC secret the host backend uses to sign widget identity tokens. */
  signingSecret: string;
}

/**
 * Creates a workspace with one secret and one publishable key. Keys are stored hashed and
 * returned only here. `keys` lets the demo use fixed keys so it can print them at every start.
 */
export async function createWorkspace(
  prisma: PrismaClient,
  input: NewWorkspace,
  keys: { secret?: string; publishable?: string; signingSecret?: string } = {},
): Promise<CreatedWorkspace> {
  const secret = keys.secret ? fromKey(keys.secret) : issueApiKey("SECRET");
  const publishable = keys.publishable ? fromKey(keys.publishable) : issueApiKey("PUBLISHABLE");
  const signingSecret = keys.signingSecret ?? `whsec_${randomBytes(24).toString("hex")}`;
  const workspace = await prisma.workspace.create({
    data: {
      name: input.name,
      slug: input.slug,
      currency: input.currency ?? "USD",
      signingSecret,
      apiKeys: {
        create: [
          keyRow("SECRET", "Default secret key", secret),
          keyRow("PUBLISHABLE", "Default publishable key", publishable),
        ],
      },
    },
  });
  return {
    workspaceId: workspace.id,
    secretKey: secret.key,
    publishableKey: publishable.key,
    signingSecret,
  };
}

function fromKey(key: string): IssuedApiKey {
  return { key, prefix: key.slice(0, 11), hash: hashApiKey(key) };
}

function keyRow(kind: WorkspaceKeyKind, name: string, issued: IssuedApiKey) {
  // Publishable keys have no scopes (they only serve widgets); the column's default is a secret key's.
  return {
    kind,
    name,
    prefix: issued.prefix,
    hash: issued.hash,
    scopes: kind === "SECRET" ? ["read", "write"] : [],
  };
}
