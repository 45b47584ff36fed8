// Every metric of one account. Resolvers only gather inputs through the batched loaders of the
// request context; the formulas are the pure functions of @pulse/schema/metrics.
import {
  accountHistory,
  accountLifetimeValue,
  accountRisk,
  businessReviewEngagement,
  cesFromScoreCounts,
  csatFromScoreCounts,
  csmSentiment,
  isHistoryActiveAt,
  milestoneProgress,
  mrrAt,
  npsFromScoreCounts,
  RISK_DETRACTOR_WINDOW_DAYS,
  timeToFirstValueDays,
  trailingDays,
  trailingYearLogoChurnRateFromHistories,
  USAGE_HEALTH_WINDOW_DAYS,
  usageWindow,
} from "@pulse/schema/metrics";
import type { Account, BusinessReview, Contract, HealthBand, SentimentEntry } from "@pulse/schema/prisma";
import { Decimal } from "decimal.js";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { healthWithTrend } from "../domain/health.ts";
import { accountUsage } from "../health/account-health.ts";
import type { SentimentFact } from "../loaders/facts.ts";
import { segmentAccounts } from "../loaders/portfolio-facts.ts";
import { BusinessReviewRef, ContractRef, SentimentEntryRef } from "./facts.ts";
import {
  CesRef,
  CsatRef,
  HealthRef,
  MilestoneProgressRef,
  MoneyRef,
  NpsRef,
  RiskRef,
  UsageRef,
} from "./metric-types.ts";
import { PeriodInput, requestPeriod, resolvePeriod } from "./period.ts";

/** Survey metrics default to the trailing 90 days, the window the feedback component uses. */
const SURVEY_DEFAULT_DAYS = 90;
const HISTORY_DEFAULT_DAYS = 90;

const SentimentRef = builder
  .objectRef<{ latest: SentimentFact | null; history: SentimentFact[] }>("Sentiment")
  .implement({
    fields: (t) => ({
      latest: t.field({
        type: SentimentEntryRef,
        nullable: true,
        resolve: (sentiment) =>
          sentiment.latest ? (asRows<SentimentEntry>([sentiment.latest])[0] ?? null) : null,
      }),
      history: t.field({
        type: [SentimentEntryRef],
        description: "Oldest first",
        resolve: (sentiment) => asRows<SentimentEntry>(sentiment.history),
      }),
    }),
  });

/**
 * Fact rows read by the batched loaders carry the fields these node types expose (and their
 * ids), not every column of the model; the node types read only those fields.
 */
function asRows<Row>(facts: readonly object[]): Row[] {
  return facts as unknown as Row[];
}

const EbrEngagementRef = builder
  .objectRef<ReturnType<typeof businessReviewEngagement>>("EbrEngagement")
  .implement({
    fields: (t) => ({
      reviewsInTrailingYear: t.exposeInt("reviewsInTrailingYear"),
      lastReviewAt: t.expose("lastReviewAt", { type: "DateTime", nullable: true }),
      upReviews: t.exposeInt("upReviews"),
      downReviews: t.exposeInt("downReviews"),
      upShare: t.exposeFloat("upShare", {
        nullable: true,
        description: "100 × UP / reviews with an outcome",
      }),
    }),
  });

interface AccountLifetimeValue {
  value: Decimal;
  lifetimeMonths: Decimal;
  monthlyChurn: Decimal;
  currency: string;
}

const LifetimeValueRef = builder.objectRef<AccountLifetimeValue>("LifetimeValue").implement({
  description: "CLTV = MRR × gross margin × lifetime months, lifetime = min(cap, 1 / monthly churn).",
  fields: (t) => ({
    value: t.field({ type: MoneyRef, resolve: (ltv) => ({ amount: ltv.value, currency: ltv.currency }) }),
    lifetimeMonths: t.float({ resolve: (ltv) => ltv.lifetimeMonths.toNumber() }),
    monthlyChurn: t.float({
      description: "Monthly logo churn as a ratio (0.02 = 2 %)",
      resolve: (ltv) => ltv.monthlyChurn.toNumber(),
    }),
  }),
});

const HealthSnapshotRef = builder
  .objectRef<{ day: Date; score: number | null; band: HealthBand | null }>("HealthSnapshot")
  .implement({
    fields: (t) => ({
      day: t.field({
        type: "String",
        description: "YYYY-MM-DD (UTC)",
        resolve: (snapshot) => snapshot.day.toISOString().slice(0, 10),
      }),
      score: t.exposeFloat("score", {
        nullable: true,
        description: "Null when the account had too little data that day",
      }),
      band: t.field({ type: "String", nullable: true, resolve: (snapshot) => snapshot.band }),
      insufficientData: t.boolean({ resolve: (snapshot) => snapshot.score === null }),
    }),
  });

/** MRR now, computed once per request (mrr and arr share it). */
function accountMrr(account: Account, ctx: Context): Promise<Decimal> {
  return ctx.facts.memo(`mrr|${account.id}`, async () =>
    mrrAt(await ctx.facts.revenueEvents().load(account.id), ctx.now),
  );
}

builder.prismaObjectFields("Account", (t) => ({
  health: t.field({
    type: HealthRef,
    description: "Health score now, its components, and the 30-day trend.",
    resolve: (account, _args, ctx) => healthWithTrend(account, ctx),
  }),
  risk: t.field({
    type: RiskRef,
    description:
      "At risk when RED, dropped ≥ 10 points in 30 days, had a recent detractor, or renews within 90 days while not GREEN (too little data is not GREEN). A churned account is never at risk.",
    resolve: async (account, _args, ctx) => {
      const [health, npsResponses, contracts, revenueEvents] = await Promise.all([
        healthWithTrend(account, ctx),
        ctx.facts.npsDetractors(trailingDays(ctx.now, RISK_DETRACTOR_WINDOW_DAYS)).load(account.id),
        ctx.facts.pendingContracts(ctx.now).load(account.id),
        ctx.facts.revenueEvents().load(account.id),
      ]);
      // Active now by the same rule as lists and the distribution (churn changes included).
      const active = isHistoryActiveAt(accountHistory({ ...account, revenueEvents }), ctx.now);
      return accountRisk({ now: ctx.now, active, health, trend: health.trend, npsResponses, contracts });
    },
  }),
  healthHistory: t.field({
    type: [HealthSnapshotRef],
    description: "Daily health snapshots in the period (default: the trailing 90 days), oldest first.",
    args: { period: t.arg({ type: PeriodInput }) },
    resolve: async (account, args, ctx) =>
      ctx.facts.snapshots(await requestPeriod(ctx, args.period, HISTORY_DEFAULT_DAYS)).load(account.id),
  }),
  nps: t.field({
    type: NpsRef,
    nullable: true,
    description: "NPS of the period (default: trailing 90 days); null without responses.",
    args: { period: t.arg({ type: PeriodInput }) },
    resolve: async (account, args, ctx) => {
      const counts = await ctx.facts
        .surveyScoreCounts(await requestPeriod(ctx, args.period, SURVEY_DEFAULT_DAYS))
        .load(account.id);
      return npsFromScoreCounts(counts.NPS);
    },
  }),
  csat: t.field({
    type: CsatRef,
    nullable: true,
    description: "CSAT of the period (default: trailing 90 days); null without responses.",
    args: { period: t.arg({ type: PeriodInput }) },
    resolve: async (account, args, ctx) => {
      const counts = await ctx.facts
        .surveyScoreCounts(await requestPeriod(ctx, args.period, SURVEY_DEFAULT_DAYS))
        .load(account.id);
      return csatFromScoreCounts(counts.CSAT);
    },
  }),
  ces: t.field({
    type: CesRef,
    nullable: true,
    description: "CES of the period (default: trailing 90 days); null without responses.",
    args: { period: t.arg({ type: PeriodInput }) },
    resolve: async (account, args, ctx) => {
      const counts = await ctx.facts
        .surveyScoreCounts(await requestPeriod(ctx, args.period, SURVEY_DEFAULT_DAYS))
        .load(account.id);
      return cesFromScoreCounts(counts.CES);
    },
  }),
  usage: t.field({
    type: UsageRef,
    description: "Usage over the period (default: trailing 30 days).",
    args: { period: t.arg({ type: PeriodInput }) },
    resolve: async (account, args, ctx) => {
      const settings = await ctx.settings();
      // The trailing 30 calendar days of the workspace's zone, today included up to now.
      const period = args.period
        ? {
            ...resolvePeriod(args.period, ctx.now, USAGE_HEALTH_WINDOW_DAYS, settings.timeZone),
            timeZone: settings.timeZone,
          }
        : usageWindow(ctx.now, USAGE_HEALTH_WINDOW_DAYS, settings.timeZone);
      const usage = await accountUsage(ctx.facts, settings, account, period);
      return { ...usage.metrics, keyFeatures: settings.keyFeatures };
    },
  }),
  timeToFirstValue: t.float({
    nullable: true,
    description: "Days (fractional) from sign-up to first value; null until first value.",
    resolve: (account) => timeToFirstValueDays(account),
  }),
  milestones: t.field({
    type: MilestoneProgressRef,
    resolve: async (account, _args, ctx) => {
      const [settings, achievements] = await Promise.all([
        ctx.settings(),
        ctx.facts.milestoneAchievements().load(account.id),
      ]);
      return milestoneProgress({
        milestones: settings.milestones,
        achievements,
        signedUpAt: account.signedUpAt,
        now: ctx.now,
      });
    },
  }),
  sentiment: t.field({
    type: SentimentRef,
    description: "The CSM's latest rating and all ratings over time.",
    resolve: async (account, _args, ctx) => {
      const sentiment = csmSentiment(await ctx.facts.sentimentEntries().load(account.id), ctx.now);
      return { latest: sentiment.latest, history: sentiment.series };
    },
  }),
  businessReviews: t.field({
    type: [BusinessReviewRef],
    description: "Executive business reviews, oldest first.",
    resolve: async (account, _args, ctx) =>
      asRows<BusinessReview>(await ctx.facts.businessReviews().load(account.id)),
  }),
  ebrEngagement: t.field({
    type: EbrEngagementRef,
    resolve: async (account, _args, ctx) =>
      businessReviewEngagement(await ctx.facts.businessReviews().load(account.id), ctx.now),
  }),
  mrr: t.field({
    type: MoneyRef,
    description: "Monthly recurring revenue now: the sum of the account's MRR changes so far.",
    resolve: async (account, _args, ctx) => ({
      amount: await accountMrr(account, ctx),
      currency: (await ctx.settings()).currency,
    }),
  }),
  arr: t.field({
    type: MoneyRef,
    description: "Annual recurring revenue: 12 × MRR.",
    resolve: async (account, _args, ctx) => ({
      amount: (await accountMrr(account, ctx)).times(12),
      currency: (await ctx.settings()).currency,
    }),
  }),
  lifetimeValue: t.field({
    type: LifetimeValueRef,
    nullable: true,
    description: "CLTV with the workspace's gross margin and the portfolio's trailing-year logo churn.",
    resolve: async (account, _args, ctx) => {
      const [settings, revenueEvents, portfolio] = await Promise.all([
        ctx.settings(),
        ctx.facts.revenueEvents().load(account.id),
        segmentAccounts(ctx, null),
      ]);
      // The workspace's accounts, checked once per request and shared with portfolio metrics.
      const churnRate = await ctx.facts.memo("trailing-year-churn", async () =>
        trailingYearLogoChurnRateFromHistories(portfolio.histories, ctx.now),
      );
      const ltv = accountLifetimeValue({
        revenueEvents,
        trailingYearLogoChurnRate: churnRate,
        now: ctx.now,
        grossMargin: settings.grossMargin,
        lifetimeCapMonths: settings.lifetimeCapMonths,
      });
      return ltv && { ...ltv, value: new Decimal(ltv.value.toString()), currency: settings.currency };
    },
  }),
  contracts: t.field({
    type: [ContractRef],
    description: "Contracts, by end date.",
    resolve: async (account, _args, ctx) => asRows<Contract>(await ctx.facts.contracts().load(account.id)),
  }),
  nextRenewal: t.field({
    type: ContractRef,
    nullable: true,
    description: "The undecided contract that ends next (at or after now).",
    resolve: async (account, _args, ctx) => {
      const [next] = await ctx.facts.pendingContracts(ctx.now).load(account.id);
      return next ? (asRows<Contract>([next])[0] ?? null) : null;
    },
  }),
  surveyResponses: t.relatedConnection("surveyResponses", {
    cursor: "id",
    maxSize: 100,
    description: "Survey responses, newest first.",
    query: () => ({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  }),
  supportTickets: t.relatedConnection("supportTickets", {
    cursor: "id",
    maxSize: 100,
    description: "Support tickets, newest first.",
    query: () => ({ orderBy: [{ openedAt: "desc" }, { id: "desc" }] }),
  }),
  usageEvents: t.relatedConnection("usageEvents", {
    cursor: "id",
    maxSize: 100,
    description: "Usage events, newest first.",
    query: () => ({ orderBy: [{ occurredAt: "desc" }, { id: "desc" }] }),
  }),
}));
