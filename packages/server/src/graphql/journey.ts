// The lifecycle journey of a period and segment: per stage, from the recorded stage changes, the
// accounts in it at the period's end, those entering it, their conversions to the next stage and
// the median days in it (lifecycleJourney), and each stage's own metrics through the same
// formulas as the portfolio. Statements: the stage history is one; the stage metrics reuse the
// portfolio's shared reads, and adoption's usage is one read of all of its accounts.
import {
  lifecycleJourney,
  MILLISECONDS_PER_DAY,
  meanOfKnown,
  type StageJourney,
  stageAt,
  USAGE_HEALTH_WINDOW_DAYS,
  usageMetrics,
  usageWindow,
} from "@pulse/schema/metrics";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { type AccountStages, stageHistories } from "../data/lifecycle.ts";
import { LifecycleStageEnum } from "./account.ts";
import { PeriodInput, requestPeriod } from "./period.ts";
import { OnboardingRef, PORTFOLIO_DEFAULT_DAYS, RenewalRateRef, TimeToFirstValueRef } from "./portfolio.ts";
import {
  asOf,
  onboarding,
  type PortfolioRoot,
  renewals,
  revenue,
  timeToFirstValue,
  toNumber,
} from "./portfolio-inputs.ts";

/** Every account's recorded stage changes (of the segment), once per request (see data/lifecycle.ts). */
function stageHistoriesOf(ctx: Context, segment: string | null): Promise<AccountStages[]> {
  return ctx.facts.memo(`stage-histories|${segment}`, () =>
    stageHistories(ctx.reader, ctx.workspaceId, segment),
  );
}

interface JourneyRoot extends PortfolioRoot {}

interface StageRoot extends StageJourney {
  journey: JourneyRoot;
}

/** Feature adoption and stickiness of the accounts in ADOPTION at the period's end (trailing 30 days). */
async function adoptionMetrics(ctx: Context, root: JourneyRoot) {
  const at = asOf(root, ctx);
  const [histories, settings] = await Promise.all([stageHistoriesOf(ctx, root.segment), ctx.settings()]);
  const adopting = histories.filter((account) => stageAt(account.changes, root.period.to) === "ADOPTION");
  const window = usageWindow(at, USAGE_HEALTH_WINDOW_DAYS, settings.timeZone);
  // One statement for all of them, however many (not the page loader, which batches by 1,000).
  const aggregates = await ctx.facts.usageOf(
    window,
    adopting.map((account) => account.accountId),
  );
  const metrics = adopting.map((account, index) => {
    const aggregate = aggregates[index];
    if (aggregate === undefined) throw new Error("usage not loaded");
    const { everHadUsage: _ever, ...counts } = aggregate;
    return usageMetrics({
      ...counts,
      seats: account.seats,
      windowDays: (window.to.getTime() - window.from.getTime()) / MILLISECONDS_PER_DAY,
      keyFeatures: settings.keyFeatures,
    });
  });
  return {
    accounts: adopting.length,
    featureAdoption: meanOfKnown(metrics.map((metric) => metric.featureAdoption)),
    stickiness: meanOfKnown(metrics.map((metric) => metric.stickiness)),
  };
}

const OnboardingStageRef = builder.objectRef<JourneyRoot>("OnboardingStageMetrics").implement({
  description: "Onboarding's metrics over the period: the portfolio's formulas for its sign-ups.",
  fields: (t) => ({
    timeToFirstValue: t.field({
      type: TimeToFirstValueRef,
      resolve: (root, _a, ctx) => timeToFirstValue(ctx, root),
    }),
    milestoneCompletion: t.field({ type: OnboardingRef, resolve: (root, _a, ctx) => onboarding(ctx, root) }),
  }),
});

const AdoptionStageRef = builder
  .objectRef<Awaited<ReturnType<typeof adoptionMetrics>>>("AdoptionStageMetrics")
  .implement({
    description:
      "Usage of the accounts in ADOPTION at the period's end, over the 30 days before it (or before now): the mean of each account's figure, accounts without one left out.",
    fields: (t) => ({
      accounts: t.exposeInt("accounts"),
      featureAdoption: t.exposeFloat("featureAdoption", {
        nullable: true,
        description: "Mean of 100 × key features used / key features defined",
      }),
      stickiness: t.exposeFloat("stickiness", {
        nullable: true,
        description: "Mean of average DAU / active users (ratio)",
      }),
    }),
  });

const RenewalStageRef = builder.objectRef<JourneyRoot>("RenewalStageMetrics").implement({
  description: "Renewal's metrics over the period: the portfolio's renewal rate and NRR.",
  fields: (t) => ({
    renewalRate: t.field({ type: RenewalRateRef, resolve: (root, _a, ctx) => renewals(ctx, root) }),
    netRevenueRetention: t.float({
      nullable: true,
      resolve: async (root, _a, ctx) => toNumber((await revenue(ctx, root)).netRevenueRetention),
    }),
  }),
});

const JourneyStageRef = builder.objectRef<StageRoot>("JourneyStage").implement({
  fields: (t) => ({
    stage: t.field({ type: LifecycleStageEnum, resolve: (stage) => stage.stage }),
    accountsAtEnd: t.exposeInt("accountsAtEnd", {
      description: "Accounts whose latest recorded change before the period's end put them in this stage",
    }),
    entered: t.exposeInt("entered", { description: "Stays in this stage that began in the period" }),
    converted: t.exposeInt("converted", {
      description:
        "Of those, the ones that moved on to the next stage before the period's end (ONBOARDING → ADOPTION → ACTIVE → RENEWAL, RENEWAL → ACTIVE)",
    }),
    conversionRate: t.exposeFloat("conversionRate", {
      nullable: true,
      description: "100 × converted / entered; null without entries (and for CHURNED)",
    }),
    completedStays: t.exposeInt("completedStays", {
      description: "Stays in this stage that ended in the period",
    }),
    medianDaysInStage: t.exposeFloat("medianDaysInStage", {
      nullable: true,
      description: "Median days of the stays that ended in the period",
    }),
    onboarding: t.field({
      type: OnboardingStageRef,
      nullable: true,
      description: "For ONBOARDING: time to first value and milestone completion",
      resolve: (stage) => (stage.stage === "ONBOARDING" ? stage.journey : null),
    }),
    adoption: t.field({
      type: AdoptionStageRef,
      nullable: true,
      description: "For ADOPTION: feature adoption and stickiness",
      resolve: (stage, _a, ctx) => (stage.stage === "ADOPTION" ? adoptionMetrics(ctx, stage.journey) : null),
    }),
    renewal: t.field({
      type: RenewalStageRef,
      nullable: true,
      description: "For RENEWAL: renewal rate and NRR",
      resolve: (stage) => (stage.stage === "RENEWAL" ? stage.journey : null),
    }),
  }),
});

const JourneyRef = builder.objectRef<JourneyRoot>("Journey").implement({
  description: "The lifecycle journey of a period, from the recorded stage changes.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (root) => root.period.from }),
    to: t.field({ type: "DateTime", resolve: (root) => root.period.to }),
    segment: t.string({ nullable: true, resolve: (root) => root.segment }),
    stages: t.field({
      type: [JourneyStageRef],
      description: "ONBOARDING, ADOPTION, ACTIVE, RENEWAL and CHURNED, in that order",
      resolve: async (root, _a, ctx) => {
        const histories = await stageHistoriesOf(ctx, root.segment);
        return lifecycleJourney(
          histories.map((account) => account.changes),
          root.period,
        ).map((stage) => ({ ...stage, journey: root }));
      },
    }),
  }),
});

builder.queryField("journey", (t) =>
  t.field({
    type: JourneyRef,
    description:
      "Per lifecycle stage over a period (default: the trailing 365 days), optionally for one segment: accounts entering, converting to the next stage, the median days in it, and the stage's metrics.",
    args: { period: t.arg({ type: PeriodInput }), segment: t.arg.string() },
    resolve: async (_root, args, ctx) => ({
      period: await requestPeriod(ctx, args.period, PORTFOLIO_DEFAULT_DAYS),
      segment: args.segment ?? null,
    }),
  }),
);
