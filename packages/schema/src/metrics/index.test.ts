import { Decimal as PrismaDecimal } from "@prisma/client/runtime/client";
import { describe, expect, it } from "vitest";
import * as metrics from "./index.ts";

describe("public API", () => {
  it("exports every metric function", () => {
    const functions = [
      "netPromoterScore",
      "npsFromCounts",
      "npsFromScoreCounts",
      "customerSatisfaction",
      "csatFromScoreCounts",
      "customerEffortScore",
      "cesFromScoreCounts",
      "mrrAt",
      "isActiveAt",
      "accountMovements",
      "logoChurnRate",
      "customerRetentionRate",
      "logoRetention",
      "revenueMovements",
      "grossRevenueRetention",
      "netRevenueRetention",
      "revenueChurnRate",
      "expansionRate",
      "revenueRetention",
      "revenueRetentionFromMovements",
      "renewalRate",
      "arpaFromTotals",
      "averageRevenuePerAccount",
      "trailingYearLogoChurnRate",
      "customerLifetime",
      "customerLifetimeValue",
      "accountLifetimeValue",
      "portfolioLifetimeValue",
      "usageAggregatesFromEvents",
      "usageMetrics",
      "usageHealthComponent",
      "timeToFirstValueDays",
      "portfolioTimeToFirstValue",
      "milestoneProgress",
      "milestonesHealthComponent",
      "onboardingCompletionRate",
      "csmSentiment",
      "sentimentHealthComponent",
      "businessReviewEngagement",
      "ebrHealthComponent",
      "feedbackHealthComponent",
      "supportLoad",
      "supportLoadFromCounts",
      "supportHealthComponent",
      "paymentTimeliness",
      "paymentTimelinessFromCounts",
      "paymentHealthComponent",
      "parseHealthConfig",
      "assertValidHealthConfig",
      "healthScore",
      "healthBand",
      "healthTrend",
      "accountRisk",
      "assertValidPeriod",
      "accountHistory",
      "isHistoryActiveAt",
      "revenueTimeline",
      "timelineMrrAt",
      "accountMovementsFromHistories",
      "logoRetentionFromHistories",
      "revenueMovementsFromHistories",
      "revenueRetentionFromHistories",
      "averageRevenuePerAccountFromHistories",
      "trailingYearLogoChurnRateFromHistories",
      "portfolioLifetimeValueFromHistories",
      "acquisitionSpendInPeriod",
      "customerAcquisitionCost",
      "cacPaybackMonths",
      "lifetimeValueToCac",
      "unitEconomics",
      "lifecycleJourney",
      "stageStays",
      "median",
      "medianDays",
      "conversionRate",
      "meanOfKnown",
      "targetProgress",
      "expectedTargetProgress",
      "targetLineValue",
      "evaluateTarget",
    ];
    for (const name of functions)
      expect(typeof (metrics as Record<string, unknown>)[name], name).toBe("function");
  });

  it("accepts Prisma's Decimal for money, as the server reads it", () => {
    const occurredAt = new Date("2026-01-01T00:00:00Z");
    const mrr = metrics.mrrAt(
      [
        { kind: "NEW", mrrDelta: new PrismaDecimal("12.3400"), occurredAt },
        { kind: "EXPANSION", mrrDelta: new PrismaDecimal("0.0600"), occurredAt },
      ],
      new Date("2026-02-01T00:00:00Z"),
    );
    expect(mrr.toString()).toBe("12.4");
  });
});
