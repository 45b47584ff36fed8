// `pulse workspace …` and `pulse keys …`: operator commands. They run in the CLI's process or,
// when a server holds the embedded database, inside that server (see commands.ts), so they
// write to a CommandOutput rather than to the console.
import type { Database } from "@pulse/schema/database";
import { type ApiKeyCache, type ApiKeyKind, hashApiKey, issueApiKey } from "./auth/api-keys.ts";
import type { CommandOutput } from "./commands.ts";
import { createWorkspace } from "./workspaces.ts";

export interface ManageOptions {
  name?: string;
  slug?: string;
  workspace?: string;
  kind?: string;
  "read-only"?: boolean;
}

class UsageError extends Error {}

export async function manage(
  database: Database,
  command: "workspace" | "keys",
  args: string[],
  options: ManageOptions,
  output: CommandOutput,
  keys?: ApiKeyCache,
): Promise<number> {
  try {
    if (command === "workspace") return await workspaceCommand(database, args, options, output);
    return await keysCommand(database, args, options, output, keys);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message);
      return 2;
    }
    throw error;
  }
}

async function workspaceCommand(
  database: Database,
  args: string[],
  options: ManageOptions,
  output: CommandOutput,
): Promise<number> {
  if (args[0] !== "create") throw new UsageError("usage: pulse workspace create --name <name> --slug <slug>");
  const name = options.name?.trim();
  const slug = options.slug?.trim();
  if (!name || !slug || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    throw new UsageError(
      "usage: pulse workspace create --name <name> --slug <slug>  (slug: lowercase letters, digits, dashes)",
    );
  }
  if (await database.prisma.workspace.findUnique({ where: { slug } }))
    throw new UsageError(`workspace "${slug}" exists already`);
  const created = await createWorkspace(database.prisma, { name, slug });
  output.out(
    `workspace ${slug} created (id ${created.workspaceId}). Store these now; they are not shown again:`,
  );
  output.out(`  secret key       ${created.secretKey}`);
  output.out(`  publishable key  ${created.publishableKey}`);
  output.out(`  signing secret   ${created.signingSecret}`);
  return 0;
}

/** What a key may do, as listed: a secret key's scopes; a publishable key only serves widgets. */
export function keyScopeLabel(key: { kind: ApiKeyKind; scopes: string[] }): string {
  return key.kind === "PUBLISHABLE" ? "widgets" : key.scopes.join(",");
}

/** A key's reference as listed (`sk_AbCdEfGh…`): its prefix and an ellipsis. */
export function listedPrefix(prefix: string): string {
  return `${prefix}…`;
}

/**
 * The keys a reference typed by an operator names: a key id, a whole key, or a prefix as the
 * listing shows it (with its `…`, or `...`, or none).
 */
export function keysMatching<Key extends { id: string; prefix: string; hash: string }>(
  keys: Key[],
  reference: string,
): Key[] {
  const typed = reference.trim();
  const prefix = typed.replace(/(…|\.\.\.)$/, "");
  const hash = hashApiKey(typed);
  return keys.filter((key) => key.id === typed || key.prefix === prefix || key.hash === hash);
}

async function keysCommand(
  database: Database,
  args: string[],
  options: ManageOptions,
  output: CommandOutput,
  cache?: ApiKeyCache,
): Promise<number> {
  const [action, target] = args;
  if (!options.workspace) throw new UsageError("--workspace <slug> is required");
  const workspace = await database.prisma.workspace.findUnique({ where: { slug: options.workspace } });
  if (!workspace) throw new UsageError(`no workspace "${options.workspace}"`);
  if (action === "list") {
    const keys = await database.prisma.apiKey.findMany({
      where: { workspaceId: workspace.id },
      orderBy: { createdAt: "asc" },
    });
    for (const key of keys) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      output.out(
        `${listedPrefix(key.prefix)}  ${key.kind.padEnd(11)}  ${keyScopeLabel(key).padEnd(10)}  ${state.padEnd(32)}  ${key.name}  (${key.id})`,
      );
    }
    return 0;
  }
  if (action === "create") {
    const kind = options.kind === "secret" ? "SECRET" : options.kind === "publishable" ? "PUBLISHABLE" : null;
    if (!kind || !options.name)
      throw new UsageError(
        "usage: pulse keys create --workspace <slug> --kind secret|publishable --name <name> [--read-only]",
      );
    const issued = issueApiKey(kind);
    const scopes = kind === "SECRET" ? (options["read-only"] ? ["read"] : ["read", "write"]) : [];
    await database.prisma.apiKey.create({
      data: {
        workspaceId: workspace.id,
        kind,
        name: options.name,
        prefix: issued.prefix,
        hash: issued.hash,
        scopes,
      },
    });
    output.out(`${issued.key}\n(store it now: only its prefix ${listedPrefix(issued.prefix)} is kept)`);
    return 0;
  }
  if (action === "revoke" && target) {
    const keys = await database.prisma.apiKey.findMany({
      where: { workspaceId: workspace.id, revokedAt: null },
    });
    const matching = keysMatching(keys, target);
    if (matching.length !== 1)
      throw new UsageError(
        matching.length === 0 ? `no active key ${target}` : `${target} matches several keys; use the id`,
      );
    const key = matching[0];
    if (!key) return 2;
    if (key.kind === "SECRET" && keys.filter((k) => k.kind === "SECRET").length <= 1) {
      throw new UsageError("the last active secret key cannot be revoked; create another one first");
    }
    await database.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    cache?.evictKeyId(key.id);
    output.out(
      `revoked ${listedPrefix(key.prefix)} (${key.name}); ${cache ? "this server refuses it now, other" : "running"} servers within 10 s`,
    );
    return 0;
  }
  throw new UsageError("usage: pulse keys list|create|revoke --workspace <slug> …");
}
