// What the domain layer (domain/*.ts) works with: one workspace, one clock reading, the batched
// fact loaders, and the server's own parts (rate limiter, widget lookups, survey submissions).
// A GraphQL request's context (context.ts) is one; an HTTP route that has no API key (the badge)
// reads with `workspaceReads` for the workspace its signed token names.
import type { Database } from "@pulse/schema/database";
import type { PrismaClient } from "@pulse/schema/prisma";
import type { RateLimiter } from "../auth/rate-limiter.ts";
import type { SnapshotRefresher } from "../health/refresher.ts";
import { loadWorkspaceSettings, type WorkspaceSettings } from "../health/settings.ts";
import { AccountFacts } from "../loaders/facts.ts";
import type { GroupCommitOptions } from "../widget/group-commit.ts";
import { WidgetLookups } from "../widget/lookups.ts";
import { SurveySubmissions } from "../widget/survey-writes.ts";

export interface DomainContext {
  prisma: PrismaClient;
  /** The workspace every read and write is scoped to. */
  workspaceId: string;
  /** One clock reading, so every figure of an answer uses the same "now". */
  now: Date;
  /** Batched loaders of the facts behind account metrics. */
  facts: AccountFacts;
  /** Workspace settings (health config, key features, milestones…), read once. */
  settings(): Promise<WorkspaceSettings>;
  /** Schedules today's health snapshot of accounts whose facts changed. */
  accountsChanged(accountIds: Iterable<string>): void;
  /** The server's rate limiter (null without limits): widget operations count signed visitors. */
  rateLimiter: RateLimiter | null;
  /** The server's cached signing secrets and surveys. */
  lookups: WidgetLookups;
  /** The server's group commit of survey submissions. */
  submissions: SurveySubmissions;
}

/**
 * The domain's state of one server, made where the server is made and owned by it: the widget
 * lookups (signing secrets and surveys, cached for seconds; changes through this server evict
 * them) and the group commit of survey submissions, drained before the database closes.
 */
export interface DomainParts {
  lookups: WidgetLookups;
  submissions: SurveySubmissions;
}

export function createDomainParts(
  database: Database,
  options: { submissions?: GroupCommitOptions } = {},
): DomainParts {
  const submissions = new SurveySubmissions(database, options.submissions);
  database.onClose(() => submissions.drain());
  return { lookups: new WidgetLookups(), submissions };
}

/** What a route hands the domain besides the workspace: the server's database and parts. */
export interface DomainServer extends DomainParts {
  database: Database;
  snapshots: SnapshotRefresher;
  rateLimiter: RateLimiter | null;
}

/** What a read of one workspace needs (the badge's): no writes, no snapshots to schedule. */
export type WorkspaceReads = Pick<
  DomainContext,
  "prisma" | "workspaceId" | "now" | "facts" | "settings" | "rateLimiter" | "lookups"
>;

/**
 * Reads of one workspace outside GraphQL, for a route without an API key (the badge, whose
 * signed token names the workspace): they go to the replica, as a query's do.
 */
export function workspaceReads(
  server: Pick<DomainServer, "database" | "rateLimiter" | "lookups">,
  workspaceId: string,
  now: Date,
): WorkspaceReads {
  const prisma = server.database.prisma;
  const facts = new AccountFacts(server.database.reader, workspaceId);
  let settings: Promise<WorkspaceSettings> | undefined;
  return {
    prisma,
    workspaceId,
    now,
    facts,
    settings: () => {
      settings ??= loadWorkspaceSettings(facts.reader, workspaceId);
      return settings;
    },
    rateLimiter: server.rateLimiter,
    lookups: server.lookups,
  };
}
