// `pulse keys … --admin`: administrator keys (`ak_…`), which create, list and disable
// workspaces through the API and do nothing else. Only this command makes them: no API
// operation can, so a leaked workspace key can never be turned into one.
import type { Database } from "@pulse/schema/database";
import { issueApiKey } from "./auth/api-keys.ts";

export class AdminKeyUsageError extends Error {
  override name = "AdminKeyUsageError";
}

const USAGE =
  "usage: pulse keys create --admin --name <name> | pulse keys list --admin | pulse keys revoke --admin <key prefix or id>";

/** Runs one admin-key action and returns what it prints; bad usage throws AdminKeyUsageError and changes nothing. */
export async function adminKeysCommand(
  database: Database,
  args: string[],
  options: { name?: string },
): Promise<string> {
  const [action, target] = args;
  const prisma = database.prisma;
  if (action === "create") {
    const name = options.name?.trim();
    if (!name) throw new AdminKeyUsageError(USAGE);
    const issued = issueApiKey("ADMIN");
    await prisma.adminKey.create({ data: { name, prefix: issued.prefix, hash: issued.hash } });
    return `${issued.key}\n(an admin key: it creates, lists and disables workspaces and reads no workspace's data; store it now, only its prefix ${issued.prefix}… is kept)`;
  }
  if (action === "list") {
    const keys = await prisma.adminKey.findMany({ orderBy: { createdAt: "asc" } });
    return keys
      .map((key) => {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
        return `${key.prefix}…  ADMIN  ${state.padEnd(32)}  ${key.name}  (${key.id})`;
      })
      .join("\n");
  }
  if (action === "revoke" && target) {
    const prefix = target.replace(/…$/, "");
    const keys = await prisma.adminKey.findMany({ where: { revokedAt: null } });
    const matching = keys.filter((key) => key.id === target || key.prefix === prefix);
    if (matching.length !== 1) {
      throw new AdminKeyUsageError(
        matching.length === 0
          ? `no active admin key ${target}`
          : `${target} matches several admin keys; use the id`,
      );
    }
    const [key] = matching;
    if (!key) throw new AdminKeyUsageError(`no active admin key ${target}`);
    await prisma.adminKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    return `revoked admin key ${key.prefix}… (${key.name}); other running servers stop accepting it within 10 s`;
  }
  throw new AdminKeyUsageError(USAGE);
}
