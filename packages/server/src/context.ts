// One fresh context per request: the authenticated workspace, the Prisma client, the request's
// clock and its dataloaders (created lazily, so a request pays only for what it uses).
import { coalescingReader, type Database, type SqlReader } from "@pulse/schema/database";
import type { PrismaClient } from "@pulse/schema/prisma";
import { GraphQLError } from "graphql";
import type { YogaInitialContext } from "graphql-yoga";
import type { ApiKeyCache, AuthenticatedKey } from "./auth/api-keys.ts";
import type { RateLimiter } from "./auth/rate-limiter.ts";
import { inViewerScope, type Viewer, type ViewerScope } from "./auth/viewer-token.ts";
import type { DomainEventStream } from "./events/event-stream.ts";
import type { SnapshotRefresher } from "./health/refresher.ts";
import { loadWorkspaceSettings, type WorkspaceSettings } from "./health/settings.ts";
import { AccountFacts } from "./loaders/facts.ts";
import { loadPortfolioAccounts, type PortfolioAccountRow, type PortfolioCache } from "./loaders/portfolio.ts";
import type { InstantRead, WorkspaceReadCache } from "./loaders/workspace-read-cache.ts";
import { authenticatedKey } from "./plugins/use-request-guards.ts";
import type { WidgetLookups } from "./widget/lookups.ts";
import type { SurveySubmissions } from "./widget/survey-writes.ts";

export interface Context {
  prisma: PrismaClient;
  database: Database;
  auth: AuthenticatedKey;
  /** The workspace every query and mutation of this request is scoped to. */
  workspaceId: string;
  /** A dashboard's viewer (publishable key with a viewer token), or null. */
  viewer: Viewer | null;
  /**
   * The accounts this request may read, when not all of the workspace's: a viewer token's scope.
   * Every account read, figure and event of the request is narrowed to it.
   */
  scope: ViewerScope | null;
  /** One clock reading per request, so every metric of a response uses the same "now". */
  now: Date;
  /**
   * The request's reader, not coalescing (the replica until the request writes, then the
   * primary): for workspace-wide reads that are one statement of their own.
   */
  reader: SqlReader;
  /** Batched loaders of the facts behind account metrics, over the request's reader (coalescing). */
  facts: AccountFacts;
  /** Workspace settings (health config, key features, milestones…), read once per request. */
  settings(): Promise<WorkspaceSettings>;
  /** Every account (of the scope) with its revenue events, read once per request (portfolio metrics, CLTV). */
  portfolioAccounts(): Promise<PortfolioAccountRow[]>;
  /**
   * A workspace-wide read at instant `at` (see loaders/workspace-reads.ts): once per request, and
   * kept between requests while the revisions it names are unchanged and the instant is within
   * what the read says it holds for (WorkspaceReadCache). `read` names it with every parameter
   * but the instant; `load` reads it through the reader it is given.
   */
  instantRead<Value>(
    read: string,
    revisions: readonly RevisionName[],
    at: Date,
    load: (reader: SqlReader) => Promise<InstantRead<Value>>,
  ): Promise<Value>;
  /** Schedules today's health snapshot of accounts whose facts this request changed. */
  accountsChanged(accountIds: Iterable<string>): void;
  /** Forgets cached lookups of revoked or changed keys. */
  keys?: ApiKeyCache;
  /**
   * From now on this request reads from the primary, not the replica: called before a mutation
   * runs, so what it answers (and reads to decide) includes its own writes.
   */
  readFromPrimary(): void;
  /** The server's rate limiter (null without limits): widget operations count signed visitors. */
  rateLimiter: RateLimiter | null;
  /** The server's cached signing secrets and surveys (evicted by the writes that change them). */
  lookups: WidgetLookups;
  /** The server's group commit of survey submissions. */
  submissions: SurveySubmissions;
  /** Live domain events of this server (subscriptions). */
  events?: DomainEventStream;
  /** Webhook settings: whether endpoint URLs may name private, loopback or link-local hosts. */
  webhooks: WebhookSettings;
  /**
   * SSE event ids of a subscription: the request's `Last-Event-ID` header (where a reconnecting
   * client resumes), and the id of the event being sent (see plugins/use-event-ids.ts).
   */
  eventIds: { lastEventId: string | null; current: string | null };
}

/** The revisions of a workspace's data that its settings row carries (see the revision migrations). */
export type RevisionName = "facts" | "snapshots" | "contracts" | "milestones" | "surveys";

export interface WebhookSettings {
  allowPrivate: boolean;
}

export interface ServerContext {
  database: Database;
  clock?: () => Date;
  snapshots: SnapshotRefresher;
  /** The API-key lookup cache, so revocations evict at once. */
  keys?: ApiKeyCache;
  /** Workspaces' portfolio inputs between requests, checked against their facts revision. */
  portfolios?: PortfolioCache;
  /** Workspace-wide reads between requests, checked against their revisions. */
  reads?: WorkspaceReadCache;
  rateLimiter?: RateLimiter | null;
  /** The server's widget lookups and survey submissions (domain/context.ts, createDomainParts). */
  lookups: WidgetLookups;
  submissions: SurveySubmissions;
  /** Live domain events (subscriptions). */
  events?: DomainEventStream;
  webhooks?: WebhookSettings;
}

export function createContext(initial: YogaInitialContext & ServerContext): Context {
  const auth = authenticatedKey(initial.request);
  if (!auth) {
    // useApiKeyAuth answers 401 before this point; reaching here is a wiring bug.
    throw new GraphQLError("Request was not authenticated.", { extensions: { code: "UNAUTHENTICATED" } });
  }
  const context = workspaceContext(initial, auth, initial.clock?.() ?? new Date());
  context.eventIds.lastEventId = initial.request.headers.get("last-event-id");
  return context;
}

/** A context for one workspace and key: GraphQL requests. */
export function workspaceContext(server: ServerContext, auth: AuthenticatedKey, now: Date): Context {
  const prisma = server.database.prisma;
  // Driver reads go to the replica (database.reader; the primary when there is none) until the
  // request writes; Prisma's reads and every write stay on the primary.
  let reads: SqlReader = server.database.reader;
  let wrote = false;
  const reader: SqlReader = { read: (statement) => reads.read(statement) };
  // Every metric needs the workspace settings: the request's first coalesced read brings them
  // along in its statement (a dashboard page: its accounts and the settings are one statement).
  let settingsRead = false;
  const facts = new AccountFacts(
    coalescingReader(reader, {
      onFirstRead: () => {
        if (!settingsRead) settings().catch(() => undefined);
      },
    }),
    auth.workspaceId,
  );
  const settings = once(() => {
    settingsRead = true;
    return loadWorkspaceSettings(facts.reader, auth.workspaceId);
  });
  const viewer = auth.viewer ?? null;
  const scope = viewer?.scope ?? null;
  // The workspace's rows (cached between requests), then the scope's: the portfolio of a scope is
  // exactly the portfolio of its accounts.
  const workspaceAccounts = once(async () => {
    // On the primary, as through Prisma before: the rows are never older than the revision read.
    const load = () => loadPortfolioAccounts(server.database.primaryReader, auth.workspaceId);
    if (!server.portfolios || wrote) return load();
    const { factsRevision } = await settings();
    return server.portfolios.get(auth.workspaceId, factsRevision, load);
  });
  const instantRead = <Value>(
    read: string,
    revisions: readonly RevisionName[],
    at: Date,
    load: (reader: SqlReader) => Promise<InstantRead<Value>>,
  ): Promise<Value> =>
    facts.memo(`instant-read|${read}|${at.getTime()}`, async () => {
      // A request that wrote reads afresh, like the portfolio's rows.
      if (!server.reads || wrote) return (await load(reader)).value;
      const current = await settings();
      const revision = revisions.map((name) => current[`${name}Revision`]).join("/");
      // On the primary, like the portfolio's rows: never older than the revisions read.
      return server.reads.get(auth.workspaceId, read, revision, at, () =>
        load(server.database.primaryReader),
      );
    });
  return {
    prisma,
    database: server.database,
    auth,
    workspaceId: auth.workspaceId,
    viewer,
    scope,
    now,
    reader,
    facts,
    settings,

    // A request that writes reads them afresh: the revision it read may predate its own writes.
    portfolioAccounts:
      scope === null
        ? workspaceAccounts
        : once(async () => (await workspaceAccounts()).filter((account) => inViewerScope(scope, account))),
    instantRead,
    accountsChanged: (accountIds) => server.snapshots.schedule(auth.workspaceId, accountIds),
    keys: server.keys,
    readFromPrimary: () => {
      reads = server.database.primaryReader;
      wrote = true;
    },
    rateLimiter: server.rateLimiter ?? null,
    lookups: server.lookups,
    submissions: server.submissions,
    events: server.events,
    webhooks: server.webhooks ?? { allowPrivate: false },
    eventIds: { lastEventId: null, current: null },
  };
}

/** Runs `load` on first call only; later calls share its promise. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= load();
    return result;
  };
}
