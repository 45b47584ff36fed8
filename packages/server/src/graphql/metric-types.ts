// GraphQL types of the metric results of @pulse/schema/metrics, shared by account and
// portfolio fields. Percentages, scores and ratios are floats (rounded to 9 decimals where the
// schema is built, see schema/index.ts); money is an exact Decimal with a currency.
import {
  type CesResult,
  type CsatResult,
  type HealthScore,
  type HealthScoreComponent,
  type MilestoneProgress,
  type MilestoneState,
  type NpsResult,
  type PathToGreenStep,
  pathToGreen,
  type RiskReason,
  type UsageMetrics,
} from "@pulse/schema/metrics";
import { HealthBand } from "@pulse/schema/prisma";
import type { Decimal } from "decimal.js";
import { builder } from "../builder.ts";

export interface Money {
  amount: Decimal | string;
  currency: string;
}

export const MoneyRef = builder.objectRef<Money>("Money").implement({
  description: "An exact amount of money.",
  fields: (t) => ({
    amount: t.field({ type: "Decimal", resolve: (money) => money.amount }),
    currency: t.exposeString("currency", { description: "ISO 4217 code" }),
  }),
});

export const NpsRef = builder.objectRef<NpsResult>("Nps").implement({
  description: "Net Promoter Score: 100 × (promoters − detractors) / responses.",
  fields: (t) => ({
    score: t.exposeFloat("score", { description: "In [−100, 100], unrounded" }),
    promoters: t.exposeInt("promoters"),
    passives: t.exposeInt("passives"),
    detractors: t.exposeInt("detractors"),
    responses: t.exposeInt("responses"),
  }),
});

export const CsatRef = builder.objectRef<CsatResult>("Csat").implement({
  description: "Customer satisfaction: share of responses scoring 4 or 5 (of 1–5).",
  fields: (t) => ({
    score: t.exposeFloat("score", { description: "100 × satisfied / responses" }),
    average: t.exposeFloat("average"),
    satisfied: t.exposeInt("satisfied"),
    responses: t.exposeInt("responses"),
  }),
});

export const CesRef = builder.objectRef<CesResult>("Ces").implement({
  description: "Customer effort score: mean of 1–7 (7 = very easy).",
  fields: (t) => ({
    score: t.exposeFloat("score", { description: "Mean score" }),
    easyShare: t.exposeFloat("easyShare", { description: "100 × responses scoring 5–7 / responses" }),
    easy: t.exposeInt("easy"),
    responses: t.exposeInt("responses"),
  }),
});

interface FeatureUsage {
  key: string;
  count: number;
  isKeyFeature: boolean;
}

const FeatureUsageRef = builder.objectRef<FeatureUsage>("FeatureUsage").implement({
  fields: (t) => ({
    key: t.exposeString("key"),
    count: t.exposeInt("count", { description: "FEATURE events in the window" }),
    isKeyFeature: t.exposeBoolean("isKeyFeature"),
  }),
});

export const UsageRef = builder
  .objectRef<UsageMetrics & { keyFeatures: readonly string[] }>("Usage")
  .implement({
    description: "Product usage of one account over a window.",
    fields: (t) => ({
      windowDays: t.exposeFloat("windowDays"),
      seats: t.exposeInt("seats"),
      activeUsers: t.exposeInt("activeUsers", { description: "Distinct contacts with any event" }),
      seatUtilization: t.exposeFloat("seatUtilization", {
        nullable: true,
        description: "Active users / seats (ratio)",
      }),
      loginsPerActiveUserPerWeek: t.exposeFloat("loginsPerActiveUserPerWeek", { nullable: true }),
      averageSessionMinutes: t.exposeFloat("averageSessionMinutes", { nullable: true }),
      averageDailyActiveUsers: t.exposeFloat("averageDailyActiveUsers"),
      stickiness: t.exposeFloat("stickiness", {
        nullable: true,
        description: "Average DAU / active users (ratio)",
      }),
      featureAdoption: t.exposeFloat("featureAdoption", {
        nullable: true,
        description: "100 × distinct key features used / key features defined",
      }),
      keyFeaturesUsed: t.exposeStringList("keyFeaturesUsed"),
      features: t.field({
        type: [FeatureUsageRef],
        description: "Per-feature usage counts, most used first",
        resolve: (usage) => {
          const keyFeatures = new Set(usage.keyFeatures);
          return Object.entries(usage.featureCounts)
            .map(([key, count]) => ({ key, count, isKeyFeature: keyFeatures.has(key) }))
            .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
        },
      }),
    }),
  });

export const HealthBandEnum = builder.enumType("HealthBand", { values: Object.values(HealthBand) });

export const HealthComponentKeyEnum = builder.enumType("HealthComponentKey", {
  values: ["usage", "feedback", "support", "payment", "sentiment", "milestones", "ebr"] as const,
});

const HealthComponentRef = builder.objectRef<HealthScoreComponent>("HealthComponent").implement({
  fields: (t) => ({
    key: t.field({ type: HealthComponentKeyEnum, resolve: (component) => component.key }),
    weight: t.exposeFloat("weight", {
      description: "Share of the score after renormalization (0 when missing)",
    }),
    rawWeight: t.exposeFloat("rawWeight", { description: "Configured weight" }),
    value: t.exposeFloat("value", { nullable: true, description: "Component score 0–100; null = no data" }),
    used: t.exposeBoolean("used"),
  }),
});

const PathToGreenStepRef = builder.objectRef<PathToGreenStep>("PathToGreenStep").implement({
  description: "What one component alone would have to be for the score to reach the green threshold.",
  fields: (t) => ({
    key: t.field({ type: HealthComponentKeyEnum, resolve: (step) => step.key }),
    value: t.exposeFloat("value", { description: "The component's value now (0–100)" }),
    target: t.exposeFloat("target", {
      nullable: true,
      description: "The value that alone brings the score to the green threshold; null when unreachable",
    }),
    change: t.exposeFloat("change", { nullable: true, description: "target − value; null when unreachable" }),
    reachable: t.exposeBoolean("reachable", {
      description: "False when even 100 in this component alone leaves the score below green",
    }),
  }),
});

export const HealthRef = builder.objectRef<HealthScore & { trend: number | null }>("Health").implement({
  description: "Explainable health score: weighted mean of the enabled components that have data.",
  fields: (t) => ({
    score: t.exposeFloat("score", {
      nullable: true,
      description:
        "0–100; null when the components with data carry less than the minimum coverage (insufficientData)",
    }),
    band: t.field({ type: HealthBandEnum, nullable: true, resolve: (health) => health.band }),
    coverage: t.exposeFloat("coverage", {
      description: "Percent (0–100) of the enabled weight carried by the components with data",
    }),
    insufficientData: t.exposeBoolean("insufficientData", {
      description: "True when there is too little data for a score: score and band are null",
    }),
    components: t.field({ type: [HealthComponentRef], resolve: (health) => health.components }),
    used: t.field({ type: [HealthComponentKeyEnum], resolve: (health) => health.used }),
    missing: t.field({ type: [HealthComponentKeyEnum], resolve: (health) => health.missing }),
    trend: t.exposeFloat("trend", {
      nullable: true,
      description: "Score now − the latest daily snapshot at or before 30 days ago",
    }),
    pathToGreen: t.field({
      type: [PathToGreenStepRef],
      description:
        "For each used component, the value that alone would turn the score GREEN (or that it cannot), smallest change first; empty when already GREEN or without a score",
      resolve: async (health, _args, ctx) =>
        pathToGreen(
          Object.fromEntries(health.components.map((component) => [component.key, component.value])),
          (await ctx.settings()).healthConfig,
        ),
    }),
  }),
});

const MilestoneStatusEnum = builder.enumType("MilestoneStatus", {
  values: ["ACHIEVED", "STALLED", "PENDING"] as const,
});

const MilestoneStateRef = builder.objectRef<MilestoneState>("MilestoneState").implement({
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name", { nullable: true }),
    targetAt: t.expose("targetAt", { type: "DateTime" }),
    achievedAt: t.expose("achievedAt", { type: "DateTime", nullable: true }),
    status: t.field({ type: MilestoneStatusEnum, resolve: (state) => state.status }),
    late: t.exposeBoolean("late"),
  }),
});

export const MilestoneProgressRef = builder.objectRef<MilestoneProgress>("MilestoneProgress").implement({
  fields: (t) => ({
    defined: t.exposeInt("defined"),
    achieved: t.exposeInt("achieved"),
    progress: t.exposeFloat("progress", { nullable: true, description: "achieved / defined (ratio)" }),
    stalled: t.exposeStringList("stalled", { description: "Keys of milestones past their target day" }),
    milestones: t.field({ type: [MilestoneStateRef], resolve: (progress) => progress.milestones }),
  }),
});

const RiskReasonCodeEnum = builder.enumType("RiskReasonCode", {
  values: ["HEALTH_RED", "HEALTH_DROP", "RECENT_DETRACTOR", "RENEWAL_NOT_GREEN"] as const,
});

const RiskReasonRef = builder.objectRef<RiskReason>("RiskReason").implement({
  fields: (t) => ({
    code: t.field({ type: RiskReasonCodeEnum, resolve: (reason) => reason.code }),
    message: t.exposeString("message"),
  }),
});

export const RiskRef = builder.objectRef<{ atRisk: boolean; reasons: RiskReason[] }>("Risk").implement({
  fields: (t) => ({
    atRisk: t.exposeBoolean("atRisk"),
    reasons: t.field({ type: [RiskReasonRef], resolve: (risk) => risk.reasons }),
  }),
});
