// N, the naive resolver set: the same dashboard schema and JSON as Pulse, served by graphql-yoga
// with plain graphql-js resolvers in which every field of every account makes its own Prisma
// calls. No DataLoader, no per-request memo (risk recomputes health, as a resolver calling the
// health resolver would); only the API key and workspace settings are read once per request.

import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Database, openDatabase } from "@pulse/schema/database";
import {
  accountRisk,
  customerEffortScore,
  customerSatisfaction,
  DEFAULT_TIME_ZONE,
  FEEDBACK_HEALTH_WINDOW_DAYS,
  feedbackHealthComponent,
  HEALTH_TREND_DAYS,
  healthScore,
  healthTrend,
  isActiveAt,
  MILLISECONDS_PER_DAY,
  mrrAt,
  netPromoterScore,
  PAYMENT_HEALTH_WINDOW_DAYS,
  parseHealthConfig,
  paymentHealthComponent,
  RISK_DETRACTOR_WINDOW_DAYS,
  SUPPORT_HEALTH_WINDOW_DAYS,
  supportHealthComponent,
  trailingDays,
  USAGE_HEALTH_WINDOW_DAYS,
  usageAggregatesFromEvents,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
} from "@pulse/schema/metrics";
import { roundFloatFields } from "@pulse/server/round-floats";
import { createSchema, createYoga } from "graphql-yoga";
import { accountCursor, globalId } from "../dashboard.ts";
import { serveChild } from "./child.ts";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const now = new Date(process.env.BENCH_NOW ?? Date.now());

const typeDefs = /* GraphQL */ `
  type Query { accounts(first: Int!, after: String): AccountConnection! }
  type AccountConnection { edges: [AccountEdge!]! pageInfo: PageInfo! }
  type AccountEdge { cursor: String! node: Account! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Account {
    id: ID! externalId: String! name: String! segment: String plan: String seats: Int!
    health: Health! nps: Nps csat: Csat ces: Ces usage: Usage! mrr: Money! nextRenewal: Contract risk: Risk!
  }
  type Health { score: Float band: String trend: Float components: [HealthComponent!]! }
  type HealthComponent { key: String! weight: Float! value: Float used: Boolean! }
  type Nps { score: Float! promoters: Int! passives: Int! detractors: Int! responses: Int! }
  type Csat { score: Float! average: Float! responses: Int! }
  type Ces { score: Float! easyShare: Float! responses: Int! }
  type Usage {
    activeUsers: Int! seatUtilization: Float loginsPerActiveUserPerWeek: Float averageSessionMinutes: Float
    stickiness: Float featureAdoption: Float
  }
  type Money { amount: String! currency: String! }
  type Contract { endsAt: String! renewalOutcome: String! }
  type Risk { atRisk: Boolean! reasons: [RiskReason!]! }
  type RiskReason { code: String! message: String! }
`;

interface Settings {
  currency: string;
  keyFeatures: string[];
  healthConfig: ReturnType<typeof parseHealthConfig>;
}

interface NaiveContext {
  database: Database;
  workspaceId: string;
  settings: Settings;
}

interface AccountRow {
  id: string;
  externalId: string;
  name: string;
  segment: string | null;
  plan: string | null;
  seats: number;
}

async function surveyScores(ctx: NaiveContext, accountId: string, kind: "NPS" | "CSAT" | "CES") {
  const window = trailingDays(now, FEEDBACK_HEALTH_WINDOW_DAYS);
  const rows = await ctx.database.prisma.surveyResponse.findMany({
    where: { accountId, kind, createdAt: { gte: window.from, lt: window.to } },
    select: { score: true },
  });
  return rows.map((row) => row.score);
}

async function usage(ctx: NaiveContext, account: AccountRow) {
  // Usage windows are whole calendar days of the workspace's zone (the bench's are UTC), today
  // included up to now.
  const window = usageWindow(now, USAGE_HEALTH_WINDOW_DAYS, DEFAULT_TIME_ZONE);
  const prisma = ctx.database.prisma;
  const [events, anyEvent] = await Promise.all([
    prisma.usageEvent.findMany({
      where: { accountId: account.id, occurredAt: { gte: window.from, lt: window.to } },
      select: { contactId: true, kind: true, featureKey: true, durationSeconds: true, occurredAt: true },
    }),
    prisma.usageEvent.findFirst({ where: { accountId: account.id }, select: { id: true } }),
  ]);
  const metrics = usageMetrics(
    usageAggregatesFromEvents({
      events,
      period: window,
      seats: account.seats,
      keyFeatures: ctx.settings.keyFeatures,
      timeZone: window.timeZone,
    }),
  );
  return { metrics, everHadUsage: anyEvent !== null };
}

async function health(ctx: NaiveContext, account: AccountRow) {
  const prisma = ctx.database.prisma;
  const [usageResult, nps, csat, ces, tickets, invoices, reference] = await Promise.all([
    usage(ctx, account),
    surveyScores(ctx, account.id, "NPS"),
    surveyScores(ctx, account.id, "CSAT"),
    surveyScores(ctx, account.id, "CES"),
    prisma.supportTicket.findMany({
      where: {
        accountId: account.id,
        openedAt: { gte: trailingDays(now, SUPPORT_HEALTH_WINDOW_DAYS).from, lt: now },
      },
      select: { priority: true, openedAt: true },
    }),
    prisma.invoice.findMany({
      where: {
        accountId: account.id,
        dueAt: { gte: trailingDays(now, PAYMENT_HEALTH_WINDOW_DAYS).from, lt: now },
      },
      select: { dueAt: true, paidAt: true },
    }),
    prisma.healthSnapshot.findFirst({
      where: {
        accountId: account.id,
        day: { lte: new Date(now.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY) },
      },
      orderBy: { day: "desc" },
      select: { day: true, score: true },
    }),
  ]);
  const score = healthScore(
    {
      usage: usageHealthComponent({ usage: usageResult.metrics, everHadUsage: usageResult.everHadUsage }),
      feedback: feedbackHealthComponent({
        nps: netPromoterScore(nps)?.score ?? null,
        csat: customerSatisfaction(csat)?.score ?? null,
        ces: customerEffortScore(ces)?.score ?? null,
      }),
      support: supportHealthComponent(tickets, now),
      payment: paymentHealthComponent(invoices, now),
    },
    ctx.settings.healthConfig,
  );
  const trend = healthTrend({
    score: score.score,
    snapshots: reference ? [{ takenAt: reference.day, score: reference.score }] : [],
    now,
  });
  return { ...score, trend };
}

const resolvers = {
  Query: {
    async accounts(_root: unknown, args: { first: number; after?: string | null }, ctx: NaiveContext) {
      const cursor = args.after
        ? (JSON.parse(Buffer.from(args.after, "base64url").toString("utf8")) as [string, string])
        : null;
      const rows = await ctx.database.prisma.account.findMany({
        where: {
          workspaceId: ctx.workspaceId,
          ...(cursor
            ? { OR: [{ name: { gt: cursor[0] } }, { name: cursor[0], id: { gt: cursor[1] } }] }
            : {}),
        },
        select: { id: true, externalId: true, name: true, segment: true, plan: true, seats: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: args.first + 1,
      });
      const edges = rows
        .slice(0, args.first)
        .map((row) => ({ cursor: accountCursor(row.name, row.id), node: row }));
      return {
        edges,
        pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
  },
  Account: {
    id: (account: AccountRow) => globalId("Account", account.id),
    health: (account: AccountRow, _args: unknown, ctx: NaiveContext) => health(ctx, account),
    nps: async (account: AccountRow, _args: unknown, ctx: NaiveContext) =>
      netPromoterScore(await surveyScores(ctx, account.id, "NPS")),
    csat: async (account: AccountRow, _args: unknown, ctx: NaiveContext) =>
      customerSatisfaction(await surveyScores(ctx, account.id, "CSAT")),
    ces: async (account: AccountRow, _args: unknown, ctx: NaiveContext) =>
      customerEffortScore(await surveyScores(ctx, account.id, "CES")),
    usage: async (account: AccountRow, _args: unknown, ctx: NaiveContext) =>
      (await usage(ctx, account)).metrics,
    mrr: async (account: AccountRow, _args: unknown, ctx: NaiveContext) => {
      const events = await ctx.database.prisma.revenueEvent.findMany({
        where: { accountId: account.id },
        select: { kind: true, mrrDelta: true, occurredAt: true },
      });
      return { amount: mrrAt(events, now).toString(), currency: ctx.settings.currency };
    },
    nextRenewal: async (account: AccountRow, _args: unknown, ctx: NaiveContext) => {
      const contract = await ctx.database.prisma.contract.findFirst({
        where: { accountId: account.id, renewalOutcome: "PENDING", endsAt: { gte: now } },
        orderBy: [{ endsAt: "asc" }, { id: "asc" }],
        select: { endsAt: true, renewalOutcome: true },
      });
      return contract && { endsAt: contract.endsAt.toISOString(), renewalOutcome: contract.renewalOutcome };
    },
    risk: async (account: AccountRow, _args: unknown, ctx: NaiveContext) => {
      const prisma = ctx.database.prisma;
      const window = trailingDays(now, RISK_DETRACTOR_WINDOW_DAYS);
      const [accountHealth, responses, contracts, churnFacts] = await Promise.all([
        health(ctx, account),
        prisma.surveyResponse.findMany({
          where: { accountId: account.id, kind: "NPS", createdAt: { gte: window.from, lt: window.to } },
          select: { score: true, createdAt: true },
        }),
        prisma.contract.findMany({
          where: { accountId: account.id },
          select: { endsAt: true, renewalOutcome: true },
        }),
        prisma.account.findUniqueOrThrow({
          where: { id: account.id },
          select: {
            signedUpAt: true,
            churnedAt: true,
            revenueEvents: { select: { kind: true, mrrDelta: true, occurredAt: true } },
          },
        }),
      ]);
      return accountRisk({
        now,
        active: isActiveAt(churnFacts, now),
        health: accountHealth,
        trend: accountHealth.trend,
        npsResponses: responses.map((response) => ({
          score: response.score,
          respondedAt: response.createdAt,
        })),
        contracts,
      });
    },
  },
};

await serveChild(async () => {
  const database = await openDatabase({
    url,
    migrate: false,
    poolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
  });
  const yoga = createYoga({
    // Floats rounded as Pulse publishes them (9 decimals), so the answers compare equal.
    schema: roundFloatFields(createSchema<NaiveContext>({ typeDefs, resolvers })),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    context: async ({ request }) => {
      const key = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
      const apiKey = await database.prisma.apiKey.findUnique({
        where: { hash: createHash("sha256").update(key).digest("hex") },
        select: { workspaceId: true, revokedAt: true },
      });
      if (!apiKey || apiKey.revokedAt) throw new Error("Invalid or revoked API key.");
      const workspace = await database.prisma.workspace.findUniqueOrThrow({
        where: { id: apiKey.workspaceId },
        select: { currency: true, keyFeatures: true, healthConfig: true },
      });
      return {
        database,
        workspaceId: apiKey.workspaceId,
        settings: {
          currency: workspace.currency,
          keyFeatures: workspace.keyFeatures,
          healthConfig: parseHealthConfig(workspace.healthConfig ?? {}),
        },
      };
    },
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    statements: () => database.statements.count,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
});
