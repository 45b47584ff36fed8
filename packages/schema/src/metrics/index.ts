// Public API of Pulse's metric formulas: pure functions, no I/O. See docs/metrics.md.

export {
  type AccountHistory,
  accountHistory,
  isActiveAt,
  isHistoryActiveAt,
  mrrAt,
  type PortfolioAccount,
  type RevenueEvent,
  type RevenueEventKind,
  type RevenueTimeline,
  revenueTimeline,
  timelineMrrAt,
  timelineMrrNumberAt,
} from "./accounts.ts";
export {
  type BusinessReview,
  type BusinessReviewEngagement,
  businessReviewEngagement,
  EBR_TARGET_REVIEWS_PER_YEAR,
  EBR_WINDOW_DAYS,
  ebrHealthComponent,
  type ReviewOutcome,
} from "./business-reviews.ts";
export {
  addDays,
  type CalendarDate,
  type CalendarInterval,
  DEFAULT_TIME_ZONE,
  daysBetween,
  intervalBoundaries,
  isTimeZone,
  localDate,
  localMidnight,
  nextInterval,
  startOfInterval,
  startOfLocalDay,
  zoneOffsetMs,
} from "./calendar.ts";
export { type CesResult, cesFromScoreCounts, customerEffortScore } from "./ces.ts";
export { type CsatResult, csatFromScoreCounts, customerSatisfaction } from "./csat.ts";
export { MetricDecimal, type MoneyInput } from "./decimal.ts";
export { type MetricErrorCode, type MetricErrorIssue, MetricInputError } from "./errors.ts";
export { FEEDBACK_HEALTH_WINDOW_DAYS, type FeedbackInputs, feedbackHealthComponent } from "./feedback.ts";
export {
  assertValidHealthConfig,
  DEFAULT_HEALTH_CONFIG,
  DEFAULT_MINIMUM_COVERAGE,
  frozenHealthConfig,
  HEALTH_COMPONENT_KEYS,
  type HealthBandThresholds,
  type HealthComponentKey,
  type HealthComponentSetting,
  type HealthConfig,
  type HealthConfigInput,
  healthConfigForReads,
  healthConfigInputSchema,
  healthConfigSchema,
  MAX_HEALTH_WEIGHT,
  parseHealthConfig,
  type StoredHealthConfig,
} from "./health-config.ts";
export { HEALTH_TREND_DAYS, type HealthSnapshot, healthTrend } from "./health-history.ts";
export {
  assertBacktestHorizon,
  type BandChurn,
  type BandDistribution,
  type ChurnSample,
  churnRateByBand,
  churnRocAuc,
  type FlagQuality,
  flagPrecisionRecall,
  HEALTH_BANDS,
  type HealthConfigPreviewSummary,
  healthConfigPreviewSummary,
  MAX_BACKTEST_HORIZON_DAYS,
  type PathToGreenStep,
  pathToGreen,
  type ScoredBand,
} from "./health-lab.ts";
export {
  type HealthBand,
  type HealthComponentValues,
  type HealthScore,
  type HealthScoreComponent,
  healthBand,
  healthScore,
} from "./health-score.ts";
export {
  conversionRate,
  LIFECYCLE_STAGES,
  type LifecycleStageChangeFact,
  type LifecycleStageName,
  lifecycleJourney,
  meanOfKnown,
  median,
  medianDays,
  NEXT_LIFECYCLE_STAGE,
  type StageJourney,
  type StageStay,
  stageAt,
  stageStays,
} from "./lifecycle.ts";
export {
  type Arpa,
  accountLifetimeValue,
  arpaFromTotals,
  averageRevenuePerAccount,
  averageRevenuePerAccountFromHistories,
  type CustomerLifetime,
  customerLifetime,
  customerLifetimeValue,
  DEFAULT_GROSS_MARGIN,
  DEFAULT_LIFETIME_CAP_MONTHS,
  LIFETIME_CHURN_WINDOW_DAYS,
  type LifetimeSettings,
  type LifetimeValue,
  lifetimeSettingsForReads,
  type PortfolioLifetimeValue,
  portfolioLifetimeValue,
  portfolioLifetimeValueFromHistories,
  trailingYearLogoChurnRate,
  trailingYearLogoChurnRateFromHistories,
} from "./lifetime-value.ts";
export {
  type MilestoneAchievement,
  type MilestoneDefinition,
  type MilestoneProgress,
  type MilestoneState,
  type MilestoneStatus,
  milestoneProgress,
  milestonesHealthComponent,
  type OnboardingAccount,
  type OnboardingCompletion,
  onboardingCompletionRate,
} from "./milestones.ts";
export {
  isNpsDetractor,
  NPS_DETRACTOR_MAX,
  type NpsCounts,
  type NpsResult,
  netPromoterScore,
  npsFromCounts,
  npsFromScoreCounts,
} from "./nps.ts";
export {
  type Invoice,
  PAYMENT_HEALTH_WINDOW_DAYS,
  type PaymentTimeliness,
  paymentHealthComponent,
  paymentTimeliness,
  paymentTimelinessFromCounts,
} from "./payment.ts";
export {
  assertValidPeriod,
  isWithinPeriod,
  MILLISECONDS_PER_DAY,
  type Period,
  periodLengthDays,
  trailingDays,
} from "./period.ts";
export {
  type CountedRenewalContract,
  type RenewalContract,
  type RenewalOutcome,
  type RenewalRate,
  renewalRate,
} from "./renewal.ts";
export {
  type AccountMovements,
  accountMovements,
  accountMovementsFromHistories,
  customerRetentionRate,
  type LogoRetention,
  logoChurnRate,
  logoRetention,
  logoRetentionFromHistories,
} from "./retention.ts";
export {
  expansionRate,
  grossRevenueRetention,
  netRevenueRetention,
  type RevenueMovements,
  type RevenueMovementsInput,
  type RevenueRetention,
  revenueChurnRate,
  revenueMovements,
  revenueMovementsFromHistories,
  revenueRetention,
  revenueRetentionFromHistories,
  revenueRetentionFromMovements,
} from "./revenue.ts";
export {
  type AccountRisk,
  type AccountRiskInput,
  accountRisk,
  isAccountAtRisk,
  type NpsResponse,
  RISK_DETRACTOR_WINDOW_DAYS,
  RISK_RENEWAL_WINDOW_DAYS,
  RISK_SCORE_DROP_POINTS,
  type RiskReason,
  type RiskReasonCode,
} from "./risk.ts";
export { FIGURE_DECIMALS, roundFigure } from "./rounding.ts";
export {
  type CsmSentiment,
  csmSentiment,
  SENTIMENT_COMPONENT_SCORES,
  SENTIMENT_HEALTH_WINDOW_DAYS,
  type SentimentEntry,
  type SentimentRating,
  sentimentHealthComponent,
} from "./sentiment.ts";
export {
  SUPPORT_HEALTH_WINDOW_DAYS,
  SUPPORT_POINTS_PER_WEIGHT,
  type SupportLoad,
  type SupportTicket,
  supportHealthComponent,
  supportLoad,
  supportLoadFromCounts,
  TICKET_PRIORITY_WEIGHTS,
  type TicketCountsByPriority,
  type TicketPriority,
} from "./support.ts";
export {
  CES_SCALE,
  CSAT_SCALE,
  NPS_SCALE,
  type ScoreCount,
  SURVEY_SCALES,
  type SurveyScale,
} from "./survey-scale.ts";
export {
  assertValidTarget,
  evaluateTarget,
  expectedTargetProgress,
  type TargetDefinition,
  type TargetEvaluation,
  type TargetStatus,
  targetLineValue,
  targetProgress,
} from "./targets.ts";
export {
  type FirstValueAccount,
  type PortfolioTimeToFirstValue,
  portfolioTimeToFirstValue,
  timeToFirstValueDays,
} from "./time-to-value.ts";
export {
  type AcquisitionSpendEntry,
  acquisitionSpendInPeriod,
  cacPaybackMonths,
  customerAcquisitionCost,
  lifetimeValueToCac,
  type UnitEconomics,
  unitEconomics,
} from "./unit-economics.ts";
export {
  calendarDaysOf,
  type PartialDay,
  USAGE_HEALTH_WINDOW_DAYS,
  type UsageAggregates,
  type UsageEvent,
  type UsageEventKind,
  type UsageMetrics,
  type UsageWindow,
  type UsageWindowParts,
  usageAggregatesFromEvents,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
  usageWindowParts,
} from "./usage.ts";
