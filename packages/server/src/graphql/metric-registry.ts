// The metric registry: one entry per portfolio metric. An entry names the `Portfolio` field that
// publishes it, its `PortfolioMetric` value (metricSeries and targets), the account ordering that
// sorts by its per-account form where there is one, and its line in docs/metrics.md (a test
// checks the table there lists exactly these entries); `value` computes it for one period and
// segment. Float and Money fields are made from their entry (portfolio.ts); the metrics read
// from an object of their own (nps.score…) name the field of that object. Adding a metric
// touches its formula, its entry here and its test.
import { cesFromScoreCounts, csatFromScoreCounts, npsFromScoreCounts } from "@pulse/schema/metrics";
import type { Decimal } from "decimal.js";
import type { Context } from "../context.ts";
import {
  arpa,
  economics,
  lifetime,
  logos,
  onboarding,
  type PortfolioRoot,
  renewals,
  revenue,
  surveyCounts,
  timeToFirstValue,
  toNumber,
} from "./portfolio-inputs.ts";

/** The `AccountOrderField` values that order accounts by a metric. */
export type MetricSortKey = "MRR" | "NPS";

interface EntryBase<Metric extends string> {
  /** The `PortfolioMetric` value. */
  metric: Metric;
  /** The account ordering by this metric's per-account form, when accounts can be sorted by it. */
  sortKey?: MetricSortKey;
  /** Its line in the registry table of docs/metrics.md. */
  docs: string;
}

/** A Float field of `Portfolio`, made from the entry. */
export interface FloatMetric<Metric extends string = string> extends EntryBase<Metric> {
  kind: "float";
  field: string;
  description?: string;
  value(ctx: Context, root: PortfolioRoot): Promise<number | null>;
}

/** A Money field of `Portfolio` (in the workspace currency), made from the entry. */
export interface MoneyMetric<Metric extends string = string> extends EntryBase<Metric> {
  kind: "money";
  field: string;
  /** False when the amount always exists (a sum); true when it may be unknown. */
  nullable: boolean;
  description?: string;
  value(ctx: Context, root: PortfolioRoot): Promise<Decimal | null>;
}

/** A figure inside an object field of its own (`nps.score`): that field is defined in portfolio.ts. */
export interface NestedMetric<Metric extends string = string> extends EntryBase<Metric> {
  kind: "nested";
  /** "field.subfield" of `Portfolio`. */
  field: `${string}.${string}`;
  value(ctx: Context, root: PortfolioRoot): Promise<number | null>;
}

export type MetricEntry<Metric extends string = string> =
  | FloatMetric<Metric>
  | MoneyMetric<Metric>
  | NestedMetric<Metric>;

const ttfv = (ctx: Context, root: PortfolioRoot) => timeToFirstValue(ctx, root);

/** In order: the order of the `PortfolioMetric` values and of the docs table. */
export const METRIC_REGISTRY = [
  {
    metric: "NPS",
    kind: "nested",
    field: "nps.score",
    sortKey: "NPS",
    docs: "Net Promoter Score of the survey responses in the period",
    value: async (ctx, root) => npsFromScoreCounts((await surveyCounts(ctx, root)).NPS)?.score ?? null,
  },
  {
    metric: "CSAT",
    kind: "nested",
    field: "csat.score",
    docs: "Customer satisfaction of the responses in the period",
    value: async (ctx, root) => csatFromScoreCounts((await surveyCounts(ctx, root)).CSAT)?.score ?? null,
  },
  {
    metric: "CES",
    kind: "nested",
    field: "ces.score",
    docs: "Customer effort score of the responses in the period",
    value: async (ctx, root) => cesFromScoreCounts((await surveyCounts(ctx, root)).CES)?.score ?? null,
  },
  {
    metric: "LOGO_CHURN_RATE",
    kind: "float",
    field: "logoChurnRate",
    docs: "Logo churn rate",
    value: async (ctx, root) => (await logos(ctx, root)).logoChurnRate,
  },
  {
    metric: "CUSTOMER_RETENTION_RATE",
    kind: "float",
    field: "customerRetentionRate",
    docs: "Customer retention rate",
    value: async (ctx, root) => (await logos(ctx, root)).customerRetentionRate,
  },
  {
    metric: "GROSS_REVENUE_RETENTION",
    kind: "float",
    field: "grossRevenueRetention",
    docs: "GRR",
    value: async (ctx, root) => toNumber((await revenue(ctx, root)).grossRevenueRetention),
  },
  {
    metric: "NET_REVENUE_RETENTION",
    kind: "float",
    field: "netRevenueRetention",
    docs: "NRR",
    value: async (ctx, root) => toNumber((await revenue(ctx, root)).netRevenueRetention),
  },
  {
    metric: "REVENUE_CHURN_RATE",
    kind: "float",
    field: "revenueChurnRate",
    docs: "Revenue churn rate",
    value: async (ctx, root) => toNumber((await revenue(ctx, root)).revenueChurnRate),
  },
  {
    metric: "EXPANSION_REVENUE",
    kind: "money",
    field: "expansionRevenue",
    nullable: false,
    docs: "Expansion revenue",
    value: async (ctx, root) => (await revenue(ctx, root)).expansionRevenue,
  },
  {
    metric: "EXPANSION_RATE",
    kind: "float",
    field: "expansionRate",
    docs: "Expansion rate",
    value: async (ctx, root) => toNumber((await revenue(ctx, root)).expansionRate),
  },
  {
    metric: "RENEWAL_RATE",
    kind: "nested",
    field: "renewalRate.rate",
    docs: "Renewal rate",
    value: async (ctx, root) => (await renewals(ctx, root)).rate,
  },
  {
    metric: "MRR",
    kind: "money",
    field: "mrr",
    nullable: false,
    sortKey: "MRR",
    description: "Total MRR of the active accounts at the period's end (or now)",
    docs: "MRR at the period's end (or now)",
    value: async (ctx, root) => (await arpa(ctx, root)).totalMrr,
  },
  {
    metric: "ARPA",
    kind: "money",
    field: "arpa",
    nullable: true,
    docs: "ARPA",
    value: async (ctx, root) => (await lifetime(ctx, root)).arpa,
  },
  {
    metric: "AVERAGE_LIFETIME_VALUE",
    kind: "money",
    field: "averageLifetimeValue",
    nullable: true,
    docs: "CLTV (average)",
    value: async (ctx, root) => (await lifetime(ctx, root)).averageLifetimeValue,
  },
  {
    metric: "TIME_TO_FIRST_VALUE_MEDIAN",
    kind: "nested",
    field: "timeToFirstValue.medianDays",
    docs: "Portfolio TTFV (median)",
    value: async (ctx, root) => (await ttfv(ctx, root)).medianDays,
  },
  {
    metric: "TIME_TO_FIRST_VALUE_AVERAGE",
    kind: "nested",
    field: "timeToFirstValue.averageDays",
    docs: "Portfolio TTFV (mean)",
    value: async (ctx, root) => (await ttfv(ctx, root)).averageDays,
  },
  {
    metric: "ONBOARDING_COMPLETION_RATE",
    kind: "nested",
    field: "onboardingCompletion.rate",
    docs: "Onboarding completion rate",
    value: async (ctx, root) => (await onboarding(ctx, root)).rate,
  },
  {
    metric: "ACQUISITION_SPEND",
    kind: "money",
    field: "acquisitionSpend",
    nullable: false,
    description: "Acquisition spend of the period (entries spread evenly over their own spans)",
    docs: "Acquisition spend",
    value: async (ctx, root) => (await economics(ctx, root)).acquisitionSpend,
  },
  {
    metric: "CAC",
    kind: "money",
    field: "cac",
    nullable: true,
    description: "Customer acquisition cost: acquisition spend / new accounts of the period",
    docs: "CAC",
    value: async (ctx, root) => (await economics(ctx, root)).cac,
  },
  {
    metric: "CAC_PAYBACK_MONTHS",
    kind: "float",
    field: "cacPaybackMonths",
    description: "CAC / (ARPA × gross margin), in months",
    docs: "CAC payback months",
    value: async (ctx, root) => toNumber((await economics(ctx, root)).cacPaybackMonths),
  },
  {
    metric: "LTV_TO_CAC",
    kind: "float",
    field: "ltvToCac",
    description: "Average CLTV / CAC (ratio)",
    docs: "LTV:CAC",
    value: async (ctx, root) => toNumber((await economics(ctx, root)).ltvToCac),
  },
] as const satisfies readonly MetricEntry[];

export type PortfolioMetricName = (typeof METRIC_REGISTRY)[number]["metric"];

export const PORTFOLIO_METRICS = METRIC_REGISTRY.map((entry) => entry.metric) as [
  PortfolioMetricName,
  ...PortfolioMetricName[],
];

const byMetric = new Map<string, MetricEntry>(METRIC_REGISTRY.map((entry) => [entry.metric, entry]));

export function metricEntry(metric: PortfolioMetricName): MetricEntry {
  const entry = byMetric.get(metric);
  if (!entry) throw new Error(`metric ${metric} is not in the registry`);
  return entry;
}

/** The metric as a number (money as its amount), as metricSeries and targets read it. */
export async function metricNumber(
  metric: PortfolioMetricName,
  ctx: Context,
  root: PortfolioRoot,
): Promise<number | null> {
  const entry = metricEntry(metric);
  return toNumber(await entry.value(ctx, root));
}
