// The inputs of portfolio metrics over one period and segment, each computed once per request
// (memoized in the request's facts), or once per revision of the workspace's accounts for those
// that read nothing else (fromSegmentAccounts), over the shared account histories, whichever
// portfolio field, series bucket, target or journey stage reads it.
import {
  acquisitionSpendInPeriod,
  averageRevenuePerAccountFromHistories,
  logoRetentionFromHistories,
  onboardingCompletionRate,
  type Period,
  portfolioLifetimeValueFromHistories,
  portfolioTimeToFirstValue,
  renewalRate,
  revenueRetentionFromHistories,
  unitEconomics,
} from "@pulse/schema/metrics";
import type { Decimal } from "decimal.js";
import type { Context } from "../context.ts";
import type { SurveyScoreCounts } from "../loaders/facts.ts";
import {
  achievedMilestoneKeys,
  contractOutcomes,
  fromSegmentAccounts,
  segmentAccounts,
  surveyCountsByBucket,
} from "../loaders/portfolio-facts.ts";

export interface PortfolioRoot {
  period: Period;
  segment: string | null;
  /** The period's survey counts when already read for several periods at once (series buckets). */
  surveys?: SurveyScoreCounts;
  /**
   * The earliest period start of the periods read together (a series' first bucket), so that
   * their onboarding cohorts share one read of achievements; the period's start when absent.
   */
  cohortsFrom?: Date;
}

/** The instant "now-like" metrics (ARPA, CLTV, MRR) are taken at: the period's end, or now. */
export function asOf(root: PortfolioRoot, ctx: Context): Date {
  return new Date(Math.min(root.period.to.getTime(), ctx.now.getTime()));
}

export async function surveyCounts(ctx: Context, root: PortfolioRoot): Promise<SurveyScoreCounts> {
  if (root.surveys) return root.surveys;
  const [counts] = await surveyCountsByBucket(ctx, root.segment, [root.period.from, root.period.to]);
  return counts ?? { NPS: [], CSAT: [], CES: [] };
}

const periodKey = (root: PortfolioRoot) => `${root.period.from.getTime()}|${root.period.to.getTime()}`;

// Each of these is a pure function of the segment's accounts, the period or instant, and (for
// CLTV) two settings: kept with the rows between requests (see fromSegmentAccounts).

export function revenue(ctx: Context, root: PortfolioRoot) {
  return fromSegmentAccounts(ctx, root.segment, `revenue|${periodKey(root)}`, (accounts) =>
    revenueRetentionFromHistories(accounts.histories, root.period),
  );
}

export function logos(ctx: Context, root: PortfolioRoot) {
  return fromSegmentAccounts(ctx, root.segment, `logos|${periodKey(root)}`, (accounts) =>
    logoRetentionFromHistories(accounts.histories, root.period),
  );
}

/** Total MRR and active accounts at the period's end (or now). */
export function arpa(ctx: Context, root: PortfolioRoot) {
  const at = asOf(root, ctx);
  return fromSegmentAccounts(ctx, root.segment, `arpa|${at.getTime()}`, (accounts) =>
    averageRevenuePerAccountFromHistories(accounts.histories, at),
  );
}

export async function lifetime(ctx: Context, root: PortfolioRoot) {
  const at = asOf(root, ctx);
  const { grossMargin, lifetimeCapMonths } = await ctx.settings();
  return fromSegmentAccounts(
    ctx,
    root.segment,
    `lifetime|${at.getTime()}|${grossMargin}|${lifetimeCapMonths}`,
    (accounts) =>
      portfolioLifetimeValueFromHistories(accounts.histories, at, { grossMargin, lifetimeCapMonths }),
  );
}

/** Median and average days to first value of the period's sign-ups. */
export function timeToFirstValue(ctx: Context, root: PortfolioRoot) {
  return fromSegmentAccounts(ctx, root.segment, `time-to-first-value|${periodKey(root)}`, (accounts) =>
    portfolioTimeToFirstValue(accounts.rows, root.period),
  );
}

const NO_KEYS: readonly string[] = [];

interface OnboardingAccount {
  signedUpAt: Date;
  achievedMilestoneKeys: readonly string[];
}

/**
 * The segment's accounts that signed up at or after `since`, with the milestones each achieved,
 * once per request (every period starting at or after `since` shares it; the formula's cohort of
 * such a period has no older account).
 */
function onboardingAccounts(ctx: Context, segment: string | null, since: Date) {
  return ctx.facts.memo(`portfolio-onboarding-accounts|${segment}|${since.getTime()}`, async () => {
    const [achieved, byAchieved] = await Promise.all([
      achievedMilestoneKeys(ctx, since),
      // Kept with the rows for the achievements it was built from (the same objects between
      // requests while neither changed: loaders/workspace-reads.ts), so 100,000 rows are not
      // filtered and looked up again per request.
      fromSegmentAccounts(
        ctx,
        segment,
        `onboarding-accounts|${since.getTime()}`,
        () => new WeakMap<object, OnboardingAccount[]>(),
      ),
    ]);
    let cohort = byAchieved.get(achieved);
    if (cohort === undefined) {
      const from = since.getTime();
      cohort = (await segmentAccounts(ctx, segment)).rows
        .filter((account) => account.signedUpAt.getTime() >= from)
        .map((account) => ({
          signedUpAt: account.signedUpAt,
          achievedMilestoneKeys: achieved.get(account.id) ?? NO_KEYS,
        }));
      byAchieved.set(achieved, cohort);
    }
    return cohort;
  });
}

export async function onboarding(ctx: Context, root: PortfolioRoot) {
  const since = root.cohortsFrom ?? root.period.from;
  const [settings, accounts] = await Promise.all([
    ctx.settings(),
    onboardingAccounts(ctx, root.segment, since),
  ]);
  return onboardingCompletionRate({ milestones: settings.milestones, accounts, period: root.period });
}

export async function renewals(ctx: Context, root: PortfolioRoot) {
  return renewalRate(await contractOutcomes(ctx, root.segment), root.period);
}

/** The workspace's acquisition spend entries (one statement per request, however many periods). */
function spendEntries(ctx: Context) {
  return ctx.facts.memo("acquisition-spend", () =>
    ctx.prisma.acquisitionSpend.findMany({
      where: { workspaceId: ctx.workspaceId },
      select: { periodStart: true, periodEnd: true, amount: true, segment: true },
    }),
  );
}

/** Spend, CAC, CAC payback months and LTV:CAC of the period (see unitEconomics). */
export function economics(ctx: Context, root: PortfolioRoot) {
  return ctx.facts.memo(`portfolio-economics|${root.segment}|${periodKey(root)}`, async () => {
    const [entries, movements, values, settings] = await Promise.all([
      spendEntries(ctx),
      logos(ctx, root),
      lifetime(ctx, root),
      ctx.settings(),
    ]);
    return unitEconomics({
      spend: acquisitionSpendInPeriod(entries, root.period, root.segment),
      newAccounts: movements.newAccounts,
      arpa: values.arpa,
      averageLifetimeValue: values.averageLifetimeValue,
      grossMargin: settings.grossMargin,
    });
  });
}

export const toNumber = (value: Decimal | number | null | undefined): number | null =>
  value == null ? null : typeof value === "number" ? value : value.toNumber();
