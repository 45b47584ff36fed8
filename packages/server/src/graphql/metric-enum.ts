// The `PortfolioMetric` enum: the registry's metrics, as metricSeries and targets name them.
import { builder } from "../builder.ts";
import { PORTFOLIO_METRICS } from "./metric-registry.ts";

export const PortfolioMetricEnum = builder.enumType("PortfolioMetric", {
  description: 'A metric of the registry (docs/metrics.md, "Metric registry").',
  values: PORTFOLIO_METRICS,
});
