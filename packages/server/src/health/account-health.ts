// An account's health score as of `now`: the server gathers each component's inputs through the
// batched fact loaders and hands them to the pure formulas of @pulse/schema/metrics.
import {
  businessReviewEngagement,
  cesFromScoreCounts,
  csatFromScoreCounts,
  ebrHealthComponent,
  FEEDBACK_HEALTH_WINDOW_DAYS,
  feedbackHealthComponent,
  type HealthComponentValues,
  type HealthScore,
  healthScore,
  milestoneProgress,
  milestonesHealthComponent,
  npsFromScoreCounts,
  PAYMENT_HEALTH_WINDOW_DAYS,
  paymentTimelinessFromCounts,
  SUPPORT_HEALTH_WINDOW_DAYS,
  sentimentHealthComponent,
  supportLoadFromCounts,
  trailingDays,
  USAGE_HEALTH_WINDOW_DAYS,
  type UsageMetrics,
  usageHealthComponent,
  usageMetrics,
} from "@pulse/schema/metrics";
import type { AccountFacts } from "../loaders/facts.ts";
import type { WorkspaceSettings } from "./settings.ts";

export interface HealthAccount {
  id: string;
  seats: number;
  signedUpAt: Date;
}

/** Usage metrics of the period, computed once per account and period (health and `usage` share them). */
export function accountUsage(
  facts: AccountFacts,
  settings: WorkspaceSettings,
  account: HealthAccount,
  period: { from: Date; to: Date },
): Promise<{ metrics: UsageMetrics; everHadUsage: boolean }> {
  return facts.memo(`usage|${account.id}|${period.from.getTime()}|${period.to.getTime()}`, async () => {
    const { everHadUsage, ...aggregates } = await facts.usage(period).load(account.id);
    const windowDays = (period.to.getTime() - period.from.getTime()) / 86_400_000;
    const metrics = usageMetrics({
      ...aggregates,
      seats: account.seats,
      windowDays,
      keyFeatures: settings.keyFeatures,
    });
    return { metrics, everHadUsage };
  });
}

/** Health of one account as of `now`; only enabled components are gathered. */
export async function accountHealth(
  facts: AccountFacts,
  settings: WorkspaceSettings,
  account: HealthAccount,
  now: Date,
): Promise<HealthScore> {
  const enabled = settings.healthConfig.components;
  const values: HealthComponentValues = {};
  const work: Promise<void>[] = [];
  if (enabled.usage.enabled) {
    work.push(
      accountUsage(facts, settings, account, trailingDays(now, USAGE_HEALTH_WINDOW_DAYS)).then((usage) => {
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
  return healthScore(values, settings.healthConfig);
}
