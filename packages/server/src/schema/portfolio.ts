// Portfolio metrics over a period (and segment), and their trend series. Inputs come from
// workspace-wide reads shared across fields; the formulas are those of @pulse/schema/metrics.
import {
  averageRevenuePerAccountFromHistories,
  cesFromScoreCounts,
  csatFromScoreCounts,
  isHistoryActiveAt,
  logoRetentionFromHistories,
  npsFromScoreCounts,
  onboardingCompletionRate,
  type Period,
  portfolioLifetimeValueFromHistories,
  portfolioTimeToFirstValue,
  renewalRate,
  revenueRetentionFromHistories,
} from "@pulse/schema/metrics";
import type { Decimal } from "decimal.js";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { orderedAccountIds } from "../loaders/account-index.ts";
import {
  achievedMilestoneKeys,
  contractOutcomes,
  latestBands,
  segmentAccounts,
  surveyCountsByBucket,
} from "../loaders/portfolio-facts.ts";
import { AccountRef } from "./account.ts";
import { CesRef, CsatRef, type Money, MoneyRef, NpsRef } from "./metric-types.ts";
import { PeriodInput, resolvePeriod } from "./period.ts";

const PORTFOLIO_DEFAULT_DAYS = 365;
const MAX_SERIES_POINTS = 200;

interface PortfolioRoot {
  period: Period;
  segment: string | null;
}

/** The instant "now-like" metrics (ARPA, CLTV, MRR) are taken at: the period's end, or now. */
function asOf(root: PortfolioRoot, ctx: Context): Date {
  return new Date(Math.min(root.period.to.getTime(), ctx.now.getTime()));
}

async function surveyCounts(ctx: Context, root: PortfolioRoot) {
  const [counts] = await surveyCountsByBucket(ctx, root.segment, [root.period.from, root.period.to]);
  return counts ?? { NPS: [], CSAT: [], CES: [] };
}

// Each metric is computed once per request, period and segment, however many fields (or series
// metrics) read it, over the request's shared account histories.
const periodKey = (root: PortfolioRoot) =>
  `${root.segment}|${root.period.from.getTime()}|${root.period.to.getTime()}`;

function revenue(ctx: Context, root: PortfolioRoot) {
  return ctx.facts.memo(`portfolio-revenue|${periodKey(root)}`, async () =>
    revenueRetentionFromHistories((await segmentAccounts(ctx, root.segment)).histories, root.period),
  );
}

function logos(ctx: Context, root: PortfolioRoot) {
  return ctx.facts.memo(`portfolio-logos|${periodKey(root)}`, async () =>
    logoRetentionFromHistories((await segmentAccounts(ctx, root.segment)).histories, root.period),
  );
}

/** Total MRR and active accounts at the period's end (or now). */
function arpa(ctx: Context, root: PortfolioRoot) {
  const at = asOf(root, ctx);
  return ctx.facts.memo(`portfolio-arpa|${root.segment}|${at.getTime()}`, async () =>
    averageRevenuePerAccountFromHistories((await segmentAccounts(ctx, root.segment)).histories, at),
  );
}

function lifetime(ctx: Context, root: PortfolioRoot) {
  const at = asOf(root, ctx);
  return ctx.facts.memo(`portfolio-lifetime|${root.segment}|${at.getTime()}`, async () => {
    const [settings, accounts] = await Promise.all([ctx.settings(), segmentAccounts(ctx, root.segment)]);
    return portfolioLifetimeValueFromHistories(accounts.histories, at, {
      grossMargin: settings.grossMargin,
      lifetimeCapMonths: settings.lifetimeCapMonths,
    });
  });
}

async function onboarding(ctx: Context, root: PortfolioRoot) {
  const [settings, accounts, achieved] = await Promise.all([
    ctx.settings(),
    segmentAccounts(ctx, root.segment),
    achievedMilestoneKeys(ctx),
  ]);
  return onboardingCompletionRate({
    milestones: settings.milestones,
    accounts: accounts.rows.map((account) => ({
      signedUpAt: account.signedUpAt,
      achievedMilestoneKeys: achieved.get(account.id) ?? [],
    })),
    period: root.period,
  });
}

async function renewals(ctx: Context, root: PortfolioRoot) {
  return renewalRate(await contractOutcomes(ctx, root.segment), root.period);
}

async function money(ctx: Context, amount: Decimal): Promise<Money> {
  return { amount, currency: (await ctx.settings()).currency };
}

async function optionalMoney(ctx: Context, amount: Decimal | null): Promise<Money | null> {
  return amount === null ? null : money(ctx, amount);
}

const MovementsRef = builder.objectRef<Awaited<ReturnType<typeof logos>>>("AccountMovements").implement({
  fields: (t) => ({
    startingAccounts: t.exposeInt("startingAccounts", { description: "|S|: active at the period's start" }),
    churnedAccounts: t.exposeInt("churnedAccounts"),
    retainedAccounts: t.exposeInt("retainedAccounts"),
    endingAccounts: t.exposeInt("endingAccounts", { description: "E: active at the period's end" }),
    joinedAccounts: t.exposeInt("joinedAccounts", {
      description:
        "N of the customer retention rate: accounts active at the period's end that were not in S (new accounts still active, and reactivated ones); retention = 100 × (endingAccounts − joinedAccounts) / startingAccounts",
    }),
    newAccounts: t.exposeInt("newAccounts", {
      description: "Sign-ups of the period, whatever their state at its end",
    }),
    newActiveAccounts: t.exposeInt("newActiveAccounts", {
      description: "Sign-ups of the period still active at its end",
    }),
    reactivatedAccounts: t.exposeInt("reactivatedAccounts", {
      description: "Churned at the period's start (signed up before it) and active again at its end",
    }),
  }),
});

const RenewalRateRef = builder.objectRef<Awaited<ReturnType<typeof renewals>>>("RenewalRate").implement({
  fields: (t) => ({
    rate: t.exposeFloat("rate", {
      nullable: true,
      description: "100 × renewed / decided contracts ending in the period",
    }),
    renewed: t.exposeInt("renewed"),
    churned: t.exposeInt("churned"),
    pending: t.exposeInt("pending"),
  }),
});

const TimeToFirstValueRef = builder
  .objectRef<ReturnType<typeof portfolioTimeToFirstValue>>("PortfolioTimeToFirstValue")
  .implement({
    fields: (t) => ({
      accounts: t.exposeInt("accounts", { description: "Signed up in the period and reached first value" }),
      medianDays: t.exposeFloat("medianDays", { nullable: true }),
      averageDays: t.exposeFloat("averageDays", { nullable: true }),
    }),
  });

const OnboardingRef = builder
  .objectRef<Awaited<ReturnType<typeof onboarding>>>("OnboardingCompletion")
  .implement({
    fields: (t) => ({
      rate: t.exposeFloat("rate", {
        nullable: true,
        description: "100 × cohort accounts that achieved every milestone / cohort",
      }),
      completed: t.exposeInt("completed"),
      cohortSize: t.exposeInt("cohortSize", { description: "Accounts that signed up in the period" }),
    }),
  });

const HealthDistributionRef = builder
  .objectRef<{ green: number; yellow: number; red: number; insufficientData: number; noData: number }>(
    "HealthDistribution",
  )
  .implement({
    description: "Active accounts by the band of their latest daily health snapshot.",
    fields: (t) => ({
      green: t.exposeInt("green"),
      yellow: t.exposeInt("yellow"),
      red: t.exposeInt("red"),
      insufficientData: t.exposeInt("insufficientData", {
        description:
          "Accounts whose latest snapshot had too little data for a score (below the minimum coverage)",
      }),
      noData: t.exposeInt("noData", { description: "Accounts without any snapshot yet" }),
    }),
  });

const PortfolioRef = builder.objectRef<PortfolioRoot>("Portfolio").implement({
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (root) => root.period.from }),
    to: t.field({ type: "DateTime", resolve: (root) => root.period.to }),
    segment: t.string({ nullable: true, resolve: (root) => root.segment }),
    nps: t.field({
      type: NpsRef,
      nullable: true,
      resolve: async (root, _a, ctx) => npsFromScoreCounts((await surveyCounts(ctx, root)).NPS),
    }),
    csat: t.field({
      type: CsatRef,
      nullable: true,
      resolve: async (root, _a, ctx) => csatFromScoreCounts((await surveyCounts(ctx, root)).CSAT),
    }),
    ces: t.field({
      type: CesRef,
      nullable: true,
      resolve: async (root, _a, ctx) => cesFromScoreCounts((await surveyCounts(ctx, root)).CES),
    }),
    accountMovements: t.field({ type: MovementsRef, resolve: (root, _a, ctx) => logos(ctx, root) }),
    logoChurnRate: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => (await logos(ctx, root)).logoChurnRate,
    }),
    customerRetentionRate: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => (await logos(ctx, root)).customerRetentionRate,
    }),
    startingMrr: t.field({
      type: MoneyRef,
      resolve: async (root, _a, ctx) => money(ctx, (await revenue(ctx, root)).startingMrr),
    }),
    grossRevenueRetention: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => toNumber((await revenue(ctx, root)).grossRevenueRetention),
    }),
    netRevenueRetention: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => toNumber((await revenue(ctx, root)).netRevenueRetention),
    }),
    revenueChurnRate: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => toNumber((await revenue(ctx, root)).revenueChurnRate),
    }),
    expansionRevenue: t.field({
      type: MoneyRef,
      resolve: async (root, _a, ctx) => money(ctx, (await revenue(ctx, root)).expansionRevenue),
    }),
    expansionRate: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => toNumber((await revenue(ctx, root)).expansionRate),
    }),
    contractionMrr: t.field({
      type: MoneyRef,
      resolve: async (root, _a, ctx) => money(ctx, (await revenue(ctx, root)).contractionMrr),
    }),
    churnedMrr: t.field({
      type: MoneyRef,
      resolve: async (root, _a, ctx) => money(ctx, (await revenue(ctx, root)).churnedMrr),
    }),
    renewalRate: t.field({ type: RenewalRateRef, resolve: (root, _a, ctx) => renewals(ctx, root) }),
    mrr: t.field({
      type: MoneyRef,
      description: "Total MRR of the active accounts at the period's end (or now)",
      resolve: async (root, _a, ctx) => money(ctx, (await arpa(ctx, root)).totalMrr),
    }),
    activeAccounts: t.int({ resolve: async (root, _a, ctx) => (await arpa(ctx, root)).activeAccounts }),
    arpa: t.field({
      type: MoneyRef,
      nullable: true,
      resolve: async (root, _a, ctx) => optionalMoney(ctx, (await lifetime(ctx, root)).arpa),
    }),
    averageLifetimeValue: t.field({
      type: MoneyRef,
      nullable: true,
      resolve: async (root, _a, ctx) => optionalMoney(ctx, (await lifetime(ctx, root)).averageLifetimeValue),
    }),
    timeToFirstValue: t.field({
      type: TimeToFirstValueRef,
      resolve: async (root, _a, ctx) =>
        portfolioTimeToFirstValue((await segmentAccounts(ctx, root.segment)).rows, root.period),
    }),
    onboardingCompletion: t.field({ type: OnboardingRef, resolve: (root, _a, ctx) => onboarding(ctx, root) }),
    healthDistribution: t.field({
      type: HealthDistributionRef,
      resolve: async (root, _a, ctx) => {
        const [accounts, bands] = await Promise.all([segmentAccounts(ctx, root.segment), latestBands(ctx)]);
        const distribution = { green: 0, yellow: 0, red: 0, insufficientData: 0, noData: 0 };
        accounts.rows.forEach((account, index) => {
          const history = accounts.histories[index];
          if (history === undefined || !isHistoryActiveAt(history, ctx.now)) return;
          const band = bands.get(account.id);
          if (band === "GREEN") distribution.green++;
          else if (band === "YELLOW") distribution.yellow++;
          else if (band === "RED") distribution.red++;
          else if (band === null) distribution.insufficientData++;
          else distribution.noData++;
        });
        return distribution;
      },
    }),
    atRiskAccounts: t.field({
      type: [AccountRef],
      description: "At-risk accounts (latest snapshot health), highest MRR first.",
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (root, args, ctx) => {
        const first = args.first ?? 20;
        if (first < 0 || first > 100) {
          throw new GraphQLError("`first` must be between 0 and 100.", {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        const ordered = await orderedAccountIds(
          ctx,
          { atRisk: true, segment: root.segment === null ? null : [root.segment] },
          "MRR",
          "DESC",
        );
        const ids = ordered.slice(0, first).map((entry) => entry.id);
        const rows = await ctx.prisma.account.findMany({
          where: { workspaceId: ctx.workspaceId, id: { in: ids } },
        });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.flatMap((id) => byId.get(id) ?? []);
      },
    }),
    atRiskCount: t.int({
      resolve: async (root, _a, ctx) =>
        (
          await orderedAccountIds(
            ctx,
            { atRisk: true, segment: root.segment === null ? null : [root.segment] },
            "MRR",
            "DESC",
          )
        ).length,
    }),
  }),
});

builder.queryField("portfolio", (t) =>
  t.field({
    type: PortfolioRef,
    description:
      "Portfolio metrics over a period (default: the trailing 365 days), optionally for one segment.",
    args: { period: t.arg({ type: PeriodInput }), segment: t.arg.string() },
    resolve: (_root, args, ctx) => ({
      period: resolvePeriod(args.period, ctx.now, PORTFOLIO_DEFAULT_DAYS),
      segment: args.segment ?? null,
    }),
  }),
);

const PortfolioMetricEnum = builder.enumType("PortfolioMetric", {
  values: [
    "NPS",
    "CSAT",
    "CES",
    "LOGO_CHURN_RATE",
    "CUSTOMER_RETENTION_RATE",
    "GROSS_REVENUE_RETENTION",
    "NET_REVENUE_RETENTION",
    "REVENUE_CHURN_RATE",
    "EXPANSION_REVENUE",
    "EXPANSION_RATE",
    "RENEWAL_RATE",
    "MRR",
    "ARPA",
    "AVERAGE_LIFETIME_VALUE",
    "TIME_TO_FIRST_VALUE_MEDIAN",
    "TIME_TO_FIRST_VALUE_AVERAGE",
    "ONBOARDING_COMPLETION_RATE",
  ] as const,
});
type PortfolioMetric = (typeof PortfolioMetricEnum)["$inferType"];

const IntervalEnum = builder.enumType("SeriesInterval", { values: ["WEEK", "MONTH", "QUARTER"] as const });

/** Calendar buckets (UTC; weeks start on Monday) covering [from, to), clipped to the period. */
export function seriesBounds(period: Period, interval: "WEEK" | "MONTH" | "QUARTER"): Date[] {
  const start = new Date(period.from);
  let cursor: Date;
  if (interval === "WEEK") {
    const day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    cursor = new Date(day - weekday * 86_400_000);
  } else {
    const month =
      interval === "QUARTER" ? start.getUTCMonth() - (start.getUTCMonth() % 3) : start.getUTCMonth();
    cursor = new Date(Date.UTC(start.getUTCFullYear(), month, 1));
  }
  const next = (date: Date) =>
    interval === "WEEK"
      ? new Date(date.getTime() + 7 * 86_400_000)
      : new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + (interval === "QUARTER" ? 3 : 1), 1));
  const bounds = [period.from];
  for (let bound = next(cursor); bound < period.to; bound = next(bound)) {
    bounds.push(bound);
    if (bounds.length > MAX_SERIES_POINTS) {
      throw new GraphQLError(
        `A series has at most ${MAX_SERIES_POINTS} points; use a longer interval or a shorter period.`,
        {
          extensions: { code: "BAD_USER_INPUT" },
        },
      );
    }
  }
  bounds.push(period.to);
  return bounds;
}

const toNumber = (value: Decimal | number | null | undefined) =>
  value == null ? null : typeof value === "number" ? value : value.toNumber();

async function metricValue(
  metric: PortfolioMetric,
  ctx: Context,
  root: PortfolioRoot,
  counts: Awaited<ReturnType<typeof surveyCounts>>,
) {
  switch (metric) {
    case "NPS":
      return npsFromScoreCounts(counts.NPS)?.score ?? null;
    case "CSAT":
      return csatFromScoreCounts(counts.CSAT)?.score ?? null;
    case "CES":
      return cesFromScoreCounts(counts.CES)?.score ?? null;
    case "LOGO_CHURN_RATE":
      return (await logos(ctx, root)).logoChurnRate;
    case "CUSTOMER_RETENTION_RATE":
      return (await logos(ctx, root)).customerRetentionRate;
    case "GROSS_REVENUE_RETENTION":
      return toNumber((await revenue(ctx, root)).grossRevenueRetention);
    case "NET_REVENUE_RETENTION":
      return toNumber((await revenue(ctx, root)).netRevenueRetention);
    case "REVENUE_CHURN_RATE":
      return toNumber((await revenue(ctx, root)).revenueChurnRate);
    case "EXPANSION_REVENUE":
      return toNumber((await revenue(ctx, root)).expansionRevenue);
    case "EXPANSION_RATE":
      return toNumber((await revenue(ctx, root)).expansionRate);
    case "RENEWAL_RATE":
      return (await renewals(ctx, root)).rate;
    case "MRR":
      return toNumber((await arpa(ctx, root)).totalMrr);
    case "ARPA":
      return toNumber((await lifetime(ctx, root)).arpa);
    case "AVERAGE_LIFETIME_VALUE":
      return toNumber((await lifetime(ctx, root)).averageLifetimeValue);
    case "TIME_TO_FIRST_VALUE_MEDIAN":
      return portfolioTimeToFirstValue((await segmentAccounts(ctx, root.segment)).rows, root.period)
        .medianDays;
    case "TIME_TO_FIRST_VALUE_AVERAGE":
      return portfolioTimeToFirstValue((await segmentAccounts(ctx, root.segment)).rows, root.period)
        .averageDays;
    case "ONBOARDING_COMPLETION_RATE":
      return (await onboarding(ctx, root)).rate;
  }
}

const SeriesPointRef = builder
  .objectRef<{ from: Date; to: Date; value: number | null }>("SeriesPoint")
  .implement({
    fields: (t) => ({
      from: t.expose("from", { type: "DateTime" }),
      to: t.expose("to", { type: "DateTime" }),
      value: t.exposeFloat("value", {
        nullable: true,
        description: "The metric over [from, to); null without data",
      }),
    }),
  });

builder.queryField("metricSeries", (t) =>
  t.field({
    type: [SeriesPointRef],
    description:
      "A portfolio metric per calendar week, month or quarter of the period (default: trailing 365 days), for trend charts.",
    args: {
      metric: t.arg({ type: PortfolioMetricEnum, required: true }),
      interval: t.arg({ type: IntervalEnum, required: true }),
      period: t.arg({ type: PeriodInput }),
      segment: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const period = resolvePeriod(args.period, ctx.now, PORTFOLIO_DEFAULT_DAYS);
      const segment = args.segment ?? null;
      const bounds = seriesBounds(period, args.interval);
      const surveyBuckets = await surveyCountsByBucket(ctx, segment, bounds);
      return Promise.all(
        bounds.slice(0, -1).map(async (from, index) => {
          const to = bounds[index + 1] as Date;
          const counts = surveyBuckets[index] ?? { NPS: [], CSAT: [], CES: [] };
          return {
            from,
            to,
            value: await metricValue(args.metric, ctx, { period: { from, to }, segment }, counts),
          };
        }),
      );
    },
  }),
);
