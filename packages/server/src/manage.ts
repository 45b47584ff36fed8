// `pulse workspace …` and `pulse keys …`: operator commands run next to the database.
import type { Database } from "@pulse/schema/database";
import { issueApiKey } from "./auth/api-keys.ts";
import { createWorkspace } from "./workspaces.ts";

export interface ManageOptions {
  name?: string;
  slug?: string;
  workspace?: string;
  kind?: string;
  "read-only"?: boolean;
}

class UsageError extends Error {}

export async function manage(database: Database, command: "workspace" | "keys", args: string[], options: ManageOptions): Promise<number> {
  try {
    if (command === "workspace") return await workspaceCommand(database, args, options);
    return await keysCommand(database, args, options);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function workspaceCommand(database: Database, args: string[], options: ManageOptions): Promise<number> {
  if (args[0] !== "create") throw new UsageError("usage: pulse workspace create --name <name> --slug <slug>");
  const name = options.name?.trim();
  const slug = options.slug?.trim();
  if (!name || !slug || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    throw new UsageError("usage: pulse workspace create --name <name> --slug <slug>  (slug: lowercase letters, digits, dashes)");
  }
  if (await database.prisma.workspace.findUnique({ where: { slug } })) throw new UsageError(`workspace "${slug}" exists already`);
  const created = await createWorkspace(database.prisma, { name, slug });
  console.log(`workspace ${slug} created (id ${created.workspaceId}). Store these now; they are not shown again:`);
  console.log(`  secret key       ${created.secretKey}`);
  console.log(`  publishable key  ${created.publishableKey}`);
  console.log(`  signing secret   ${created.signingSecret}`);
  return 0;
}

async function keysCommand(database: Database, args: string[], options: ManageOptions): Promise<number> {
  const [action, target] = args;
  if (!options.workspace) throw new UsageError("--workspace <slug> is required");
  const workspace = await database.prisma.workspace.findUnique({ where: { slug: options.workspace } });
  if (!workspace) throw new UsageError(`no workspace "${options.workspace}"`);
  if (action === "list") {
    const keys = await database.prisma.apiKey.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
    for (const key of keys) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : "active";
      console.log(`${key.prefix}…  ${key.kind.padEnd(11)}  ${key.scopes.join(",").padEnd(10)}  ${state.padEnd(32)}  ${key.name}  (${key.id})`);
    }
    return 0;
  }
  if (action === "create") {
    const kind = options.kind === "secret" ? "SECRET" : options.kind === "publishable" ? "PUBLISHABLE" : null;
    if (!kind || !options.name) throw new UsageError("usage: pulse keys create --workspace <slug> --kind secret|publishable --name <name> [--read-only]");
    const issued = issueApiKey(kind);
    const scopes = kind === "SECRET" ? (options["read-only"] ? ["read"] : ["read", "write"]) : [];
    await database.prisma.apiKey.create({ data: { workspaceId: workspace.id, kind, name: options.name, prefix: issued.prefix, hash: issued.hash, scopes } });
    console.log(`${issued.key}\n(store it now: only its prefix ${issued.prefix}… is kept)`);
    return 0;
  }
  if (action === "revoke" && target) {
    const keys = await database.prisma.apiKey.findMany({ where: { workspaceId: workspace.id, revokedAt: null } });
    const matching = keys.filter((key) => key.id === target || key.prefix === target || key.prefix === target.replace(/…$/, ""));
    if (matching.length !== 1) throw new UsageError(matching.length === 0 ? `no active key ${target}` : `${target} matches several keys; use the id`);
    const key = matching[0];
    if (!key) return 2;
    if (key.kind === "SECRET" && keys.filter((k) => k.kind === "SECRET").length <= 1) {
      throw new UsageError("the last active secret key cannot be revoked; create another one first");
    }
    await database.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    console.log(`revoked ${key.prefix}… (${key.name}); other running servers stop accepting it within 10 s`);
    return 0;
  }
  throw new UsageError("usage: pulse keys list|create|revoke --workspace <slug> …");
}
