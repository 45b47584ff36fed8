// An account's health score as of `now`: the server gathers each component's inputs through the
// batched fact loaders and hands them to the pure formulas of @pulse/schema/metrics.
import {
  businessReviewEngagement,
  calendarDaysOf,
  cesFromScoreCounts,
  csatFromScoreCounts,
  ebrHealthComponent,
  FEEDBACK_HEALTH_WINDOW_DAYS,
  feedbackHealthComponent,
  HEALTH_COMPONENT_KEYS,
  type HealthComponentKey,
  type HealthComponentValues,
  type HealthConfig,
  type HealthScore,
  healthScore,
  MILLISECONDS_PER_DAY,
  milestoneProgress,
  milestonesHealthComponent,
  npsFromScoreCounts,
  PAYMENT_HEALTH_WINDOW_DAYS,
  type Period,
  paymentTimelinessFromCounts,
  SUPPORT_HEALTH_WINDOW_DAYS,
  sentimentHealthComponent,
  supportLoadFromCounts,
  type TicketCountsByPriority,
  trailingDays,
  USAGE_HEALTH_WINDOW_DAYS,
  type UsageMetrics,
  type UsageWindow,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
} from "@pulse/schema/metrics";
import type {
  AccountFacts,
  AchievementFact,
  InvoiceCounts,
  ReviewFact,
  SentimentFact,
  SurveyScoreCounts,
  UsageWindowAggregates,
} from "../loaders/facts.ts";
import type { WorkspaceSettings } from "./settings.ts";

export interface HealthAccount {
  id: string;
  seats: number;
  signedUpAt: Date;
}

/** Usage metrics of the period, computed once per account and period (health and `usage` share them). */
export function accountUsage(
  facts: Pick<HealthFacts, "memo" | "usage">,
  settings: Pick<WorkspaceSettings, "keyFeatures">,
  account: HealthAccount,
  period: UsageWindow,
): Promise<{ metrics: UsageMetrics; everHadUsage: boolean }> {
  return facts.memo(
    `usage|${account.id}|${period.from.getTime()}|${period.to.getTime()}|${period.timeZone}`,
    async () => {
      const { everHadUsage, ...aggregates } = await facts.usage(period).load(account.id);
      const windowDays = (period.to.getTime() - period.from.getTime()) / MILLISECONDS_PER_DAY;
      const metrics = usageMetrics({
        ...aggregates,
        seats: account.seats,
        windowDays,
        days: aggregates.days ?? calendarDaysOf(period, period.timeZone),
        keyFeatures: settings.keyFeatures,
      });
      return { metrics, everHadUsage };
    },
  );
}

/** The component keys a configuration enables. */
export function enabledComponents(config: HealthConfig): HealthComponentKey[] {
  return HEALTH_COMPONENT_KEYS.filter((key) => config.components[key].enabled);
}

/**
 * The facts the health components are computed from: the request's AccountFacts, or the
 * backtest's point-in-time facts (health/backtest.ts), whose windows differ per account.
 */
export interface HealthFacts {
  memo<Value>(key: string, compute: () => Promise<Value>): Promise<Value>;
  usage(window: UsageWindow): Loads<UsageWindowAggregates>;
  surveyScoreCounts(period: Period): Loads<SurveyScoreCounts>;
  ticketCounts(period: Period): Loads<TicketCountsByPriority>;
  invoiceCounts(period: Period): Loads<InvoiceCounts>;
  sentimentEntries(): Loads<SentimentFact[]>;
  milestoneAchievements(): Loads<AchievementFact[]>;
  businessReviews(): Loads<ReviewFact[]>;
}

interface Loads<Value> {
  load(accountId: string): Promise<Value>;
}

/** Health of one account as of `now`; only enabled components are gathered. */
export async function accountHealth(
  facts: AccountFacts,
  settings: WorkspaceSettings,
  account: HealthAccount,
  now: Date,
): Promise<HealthScore> {
  const values = await healthComponentValues(
    facts,
    settings,
    account,
    now,
    enabledComponents(settings.healthConfig),
  );
  return healthScore(values, settings.healthConfig);
}

/** The values (0–100 or null) of the given components of one account as of `now`. */
export async function healthComponentValues(
  facts: HealthFacts,
  settings: Pick<WorkspaceSettings, "keyFeatures" | "milestones" | "timeZone">,
  account: HealthAccount,
  now: Date,
  keys: readonly HealthComponentKey[],
): Promise<HealthComponentValues> {
  const enabled = Object.fromEntries(
    HEALTH_COMPONENT_KEYS.map((key) => [key, { enabled: keys.includes(key) }]),
  ) as Record<HealthComponentKey, { enabled: boolean }>;
  const values: HealthComponentValues = {};
  const work: Promise<void>[] = [];
  if (enabled.usage.enabled) {
    work.push(
      accountUsage(
        facts,
        settings,
        account,
        usageWindow(now, USAGE_HEALTH_WINDOW_DAYS, settings.timeZone),
      ).then((usage) => {
        values.usage = usageHealthComponent({ usage: usage.metrics, everHadUsage: usage.everHadUsage });
      }),
    );
  }
  if (enabled.feedback.enabled) {
    work.push(
      facts
        .surveyScoreCounts(trailingDays(now, FEEDBACK_HEALTH_WINDOW_DAYS))
        .load(account.id)
        .then((counts) => {
          values.feedback = feedbackHealthComponent({
            nps: npsFromScoreCounts(counts.NPS)?.score ?? null,
            csat: csatFromScoreCounts(counts.CSAT)?.score ?? null,
            ces: cesFromScoreCounts(counts.CES)?.score ?? null,
          });
        }),
    );
  }
  if (enabled.support.enabled) {
    work.push(
      facts
        .ticketCounts(trailingDays(now, SUPPORT_HEALTH_WINDOW_DAYS))
        .load(account.id)
        .then((counts) => {
          values.support = supportLoadFromCounts(counts).score;
        }),
    );
  }
  if (enabled.payment.enabled) {
    work.push(
      facts
        .invoiceCounts(trailingDays(now, PAYMENT_HEALTH_WINDOW_DAYS))
        .load(account.id)
        .then((counts) => {
          values.payment = paymentTimelinessFromCounts(counts).score;
        }),
    );
  }
  if (enabled.sentiment.enabled) {
    work.push(
      facts
        .sentimentEntries()
        .load(account.id)
        .then((entries) => {
          values.sentiment = sentimentHealthComponent(entries, now);
        }),
    );
  }
  if (enabled.milestones.enabled) {
    work.push(
      facts
        .milestoneAchievements()
        .load(account.id)
        .then((achievements) => {
          const progress = milestoneProgress({
            milestones: settings.milestones,
            achievements,
            signedUpAt: account.signedUpAt,
            now,
          });
          values.milestones = milestonesHealthComponent(progress);
        }),
    );
  }
  if (enabled.ebr.enabled) {
    work.push(
      facts
        .businessReviews()
        .load(account.id)
        .then((reviews) => {
          values.ebr = ebrHealthComponent(businessReviewEngagement(reviews, now));
        }),
    );
  }
  await Promise.all(work);
  return values;
}
