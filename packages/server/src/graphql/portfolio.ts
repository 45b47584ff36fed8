// Portfolio metrics over a period (and segment), and their trend series. Inputs come from
// workspace-wide reads shared across fields (portfolio-inputs.ts); the formulas are those of
// @pulse/schema/metrics; every metric is an entry of the registry (metric-registry.ts).
import {
  cesFromScoreCounts,
  csatFromScoreCounts,
  DEFAULT_TIME_ZONE,
  intervalBoundaries,
  isHistoryActiveAt,
  npsFromScoreCounts,
  type Period,
  type portfolioTimeToFirstValue,
} from "@pulse/schema/metrics";
import type { Decimal } from "decimal.js";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { orderedAccountIds } from "../loaders/account-index.ts";
import { latestBandsOfSegment, segmentAccounts, surveyCountsByBucket } from "../loaders/portfolio-facts.ts";
import { AccountRef } from "./account.ts";
import { PortfolioMetricEnum } from "./metric-enum.ts";
import {
  METRIC_REGISTRY,
  type MetricEntry,
  metricNumber,
  type PortfolioMetricName,
} from "./metric-registry.ts";
import { CesRef, CsatRef, type Money, MoneyRef, NpsRef } from "./metric-types.ts";
import { PeriodInput, requestPeriod, resolvePeriod } from "./period.ts";
import {
  arpa,
  logos,
  onboarding,
  type PortfolioRoot,
  renewals,
  revenue,
  surveyCounts,
  timeToFirstValue,
} from "./portfolio-inputs.ts";
import { targetLineAt } from "./targets.ts";

export const PORTFOLIO_DEFAULT_DAYS = 365;
const MAX_SERIES_POINTS = 200;

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

export const RenewalRateRef = builder
  .objectRef<Awaited<ReturnType<typeof renewals>>>("RenewalRate")
  .implement({
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

export const TimeToFirstValueRef = builder
  .objectRef<ReturnType<typeof portfolioTimeToFirstValue>>("PortfolioTimeToFirstValue")
  .implement({
    fields: (t) => ({
      accounts: t.exposeInt("accounts", { description: "Signed up in the period and reached first value" }),
      medianDays: t.exposeFloat("medianDays", { nullable: true }),
      averageDays: t.exposeFloat("averageDays", { nullable: true }),
    }),
  });

export const OnboardingRef = builder
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

type PortfolioFieldBuilder = Parameters<Parameters<typeof PortfolioRef.implement>[0]["fields"] & object>[0];

/** The Float and Money fields of the registry's entries (the nested ones live in their object types). */
function registryFields(t: PortfolioFieldBuilder) {
  const fields: Record<
    string,
    ReturnType<PortfolioFieldBuilder["float"]> | ReturnType<PortfolioFieldBuilder["field"]>
  > = {};
  for (const entry of METRIC_REGISTRY as readonly MetricEntry[]) {
    if (entry.kind === "float") {
      fields[entry.field] = t.float({
        nullable: true,
        ...(entry.description ? { description: entry.description } : {}),
        resolve: (root, _a, ctx) => entry.value(ctx, root),
      });
    } else if (entry.kind === "money") {
      const description = entry.description ? { description: entry.description } : {};
      fields[entry.field] = entry.nullable
        ? t.field({
            type: MoneyRef,
            nullable: true,
            ...description,
            resolve: async (root, _a, ctx) => optionalMoney(ctx, await entry.value(ctx, root)),
          })
        : t.field({
            type: MoneyRef,
            ...description,
            resolve: async (root, _a, ctx) => {
              const amount = await entry.value(ctx, root);
              if (amount === null) throw new Error(`${entry.metric} has no value`);
              return money(ctx, amount);
            },
          });
    }
  }
  return fields;
}

/**
 * The segment's at-risk accounts, highest MRR first: the account index's order (the same list
 * as `accounts(filter: { atRisk: true, segment }, orderBy: MRR)`), cut from the portfolio's
 * rows of the segment (cached per facts revision, within the viewer scope) instead of reading
 * every account of the workspace again.
 */
function atRiskByMrr(ctx: Context, root: PortfolioRoot) {
  return orderedAccountIds(
    ctx,
    { atRisk: true, segment: root.segment === null ? null : [root.segment] },
    "MRR",
    "DESC",
    async () => (await segmentAccounts(ctx, root.segment)).rows,
  );
}

const PortfolioRef = builder.objectRef<PortfolioRoot>("Portfolio");
PortfolioRef.implement({
  fields: (t) => ({
    ...registryFields(t),
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
    startingMrr: t.field({
      type: MoneyRef,
      resolve: async (root, _a, ctx) => money(ctx, (await revenue(ctx, root)).startingMrr),
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
    activeAccounts: t.int({ resolve: async (root, _a, ctx) => (await arpa(ctx, root)).activeAccounts }),
    timeToFirstValue: t.field({
      type: TimeToFirstValueRef,
      resolve: (root, _a, ctx) => timeToFirstValue(ctx, root),
    }),
    onboardingCompletion: t.field({ type: OnboardingRef, resolve: (root, _a, ctx) => onboarding(ctx, root) }),
    healthDistribution: t.field({
      type: HealthDistributionRef,
      resolve: async (root, _a, ctx) => {
        const [accounts, bands] = await Promise.all([
          segmentAccounts(ctx, root.segment),
          latestBandsOfSegment(ctx, root.segment),
        ]);
        const distribution = { green: 0, yellow: 0, red: 0, insufficientData: 0, noData: 0 };
        accounts.rows.forEach((_account, index) => {
          const history = accounts.histories[index];
          if (history === undefined || !isHistoryActiveAt(history, ctx.now)) return;
          const band = bands[index];
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
        const ordered = await atRiskByMrr(ctx, root);
        const ids = ordered.slice(0, first).map((entry) => entry.id);
        const rows = await ctx.prisma.account.findMany({
          where: { workspaceId: ctx.workspaceId, id: { in: ids } },
        });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.flatMap((id) => byId.get(id) ?? []);
      },
    }),
    atRiskCount: t.int({
      resolve: async (root, _a, ctx) => (await atRiskByMrr(ctx, root)).length,
    }),
  }),
});

builder.queryField("portfolio", (t) =>
  t.field({
    type: PortfolioRef,
    description:
      "Portfolio metrics over a period (default: the trailing 365 days), optionally for one segment.",
    args: { period: t.arg({ type: PeriodInput }), segment: t.arg.string() },
    resolve: async (_root, args, ctx) => ({
      period: await requestPeriod(ctx, args.period, PORTFOLIO_DEFAULT_DAYS),
      segment: args.segment ?? null,
    }),
  }),
);

const IntervalEnum = builder.enumType("SeriesInterval", { values: ["WEEK", "MONTH", "QUARTER"] as const });

/** Calendar buckets in the workspace's zone (weeks start on Monday) covering [from, to), clipped to the period. */
export function seriesBounds(
  period: Period,
  interval: "WEEK" | "MONTH" | "QUARTER",
  timeZone: string = DEFAULT_TIME_ZONE,
): Date[] {
  let inner: Date[];
  try {
    inner = intervalBoundaries(period, interval, timeZone, MAX_SERIES_POINTS - 1);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new GraphQLError(
      `A series has at most ${MAX_SERIES_POINTS} points; use a longer interval or a shorter period.`,
      {
        extensions: { code: "BAD_USER_INPUT" },
      },
    );
  }
  return [period.from, ...inner, period.to];
}

interface SeriesPoint {
  from: Date;
  to: Date;
  value: number | null;
  metric: PortfolioMetricName;
  segment: string | null;
}

const SeriesPointRef = builder.objectRef<SeriesPoint>("SeriesPoint").implement({
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    value: t.exposeFloat("value", {
      nullable: true,
      description: "The metric over [from, to); null without data",
    }),
    target: t.float({
      nullable: true,
      description:
        "The target line at `to`: the latest target set for this metric and segment, from its baseline at creation to its value at the due date (null before it was set, or without one)",
      resolve: (point, _a, ctx) => targetLineAt(ctx, point.metric, point.segment, point.to),
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
      const { timeZone } = await ctx.settings();
      const period = resolvePeriod(args.period, ctx.now, PORTFOLIO_DEFAULT_DAYS, timeZone);
      const segment = args.segment ?? null;
      const bounds = seriesBounds(period, args.interval, timeZone);
      const surveyBuckets = await surveyCountsByBucket(ctx, segment, bounds);
      return Promise.all(
        bounds.slice(0, -1).map(async (from, index): Promise<SeriesPoint> => {
          const to = bounds[index + 1] as Date;
          const surveys = surveyBuckets[index] ?? { NPS: [], CSAT: [], CES: [] };
          const value = await metricNumber(args.metric, ctx, {
            period: { from, to },
            segment,
            surveys,
            cohortsFrom: period.from,
          });
          return { from, to, value, metric: args.metric, segment };
        }),
      );
    },
  }),
);
