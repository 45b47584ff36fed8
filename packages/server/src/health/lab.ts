// The health-score lab: a proposed configuration evaluated over the workspace without storing it
// (preview), and a configuration's score tested against what happened (backtest). Both read every
// account's facts in a fixed number of statements (unbounded batches), then compute with the
// pure formulas of @pulse/schema/metrics.
import { type SqlReader, sql } from "@pulse/schema/database";
import {
  type AccountRisk,
  accountHistory,
  accountRisk,
  assertBacktestHorizon,
  type BandChurn,
  churnRateByBand,
  churnRocAuc,
  type FlagQuality,
  flagPrecisionRecall,
  frozenHealthConfig,
  HEALTH_COMPONENT_KEYS,
  HEALTH_TREND_DAYS,
  type HealthBand,
  type HealthConfig,
  type HealthConfigPreviewSummary,
  healthConfigPreviewSummary,
  healthScore,
  healthTrend,
  isHistoryActiveAt,
  MetricInputError,
  MILLISECONDS_PER_DAY,
  type Period,
  RISK_DETRACTOR_WINDOW_DAYS,
  trailingDays,
} from "@pulse/schema/metrics";
import { AccountFacts } from "../loaders/facts.ts";
import { PointInTimeFacts } from "../loaders/point-in-time-facts.ts";
import type { PortfolioAccountRow } from "../loaders/portfolio.ts";
import { type HealthAccount, type HealthFacts, healthComponentValues } from "./account-health.ts";
import type { WorkspaceSettings } from "./settings.ts";

interface LabAccount extends HealthAccount {
  churnedAt: Date | null;
}

/** One statement: every account of the workspace with what its health needs. */
async function labAccounts(reader: SqlReader, workspaceId: string): Promise<LabAccount[]> {
  const rows = await reader.read<{ id: string; seats: number; signedUpAt: Date; churnedAt: Date | null }>(sql`
    SELECT id::text AS id, seats, "signedUpAt" AT TIME ZONE 'UTC' AS "signedUpAt", "churnedAt" AT TIME ZONE 'UTC' AS "churnedAt"
    FROM "Account" WHERE "workspaceId" = ${workspaceId}::uuid ORDER BY id`);
  return rows.map((row) => ({
    id: row.id,
    seats: row.seats,
    signedUpAt: new Date(row.signedUpAt),
    churnedAt: row.churnedAt === null ? null : new Date(row.churnedAt),
  }));
}

/**
 * One AccountFacts per fact family, so each family is its own statement and PostgreSQL runs them at
 * once on separate connections: over 8,802 accounts that took 2.7–2.8 s against 3.6–4.0 s for one
 * coalesced statement (BENCHMARKS.md). Still one statement per family, whatever the accounts.
 * `reader` must be a plain driver reader (a coalescing one would combine them again).
 */
function parallelFacts(workspaceId: string, reader: SqlReader): HealthFacts {
  const own = () => new AccountFacts(reader, workspaceId, Number.POSITIVE_INFINITY);
  const memos = own();
  const usage = own();
  const surveys = own();
  const tickets = own();
  const invoices = own();
  const history = own();
  return {
    memo: <Value>(key: string, compute: () => Promise<Value>) => memos.memo(key, compute),
    usage: (period) => usage.usage(period),
    surveyScoreCounts: (period) => surveys.surveyScoreCounts(period),
    ticketCounts: (period) => tickets.ticketCounts(period),
    invoiceCounts: (period) => invoices.invoiceCounts(period),
    sentimentEntries: () => history.sentimentEntries(),
    milestoneAchievements: () => history.milestoneAchievements(),
    businessReviews: () => history.businessReviews(),
  };
}

/** Components either configuration enables: each is gathered once for both. */
function unionOfEnabled(...configs: HealthConfig[]) {
  return HEALTH_COMPONENT_KEYS.filter((key) => configs.some((config) => config.components[key].enabled));
}

export interface BandChange {
  accountId: string;
  scoreBefore: number | null;
  bandBefore: HealthBand | null;
  scoreAfter: number | null;
  bandAfter: HealthBand | null;
}

export interface HealthConfigPreview extends Omit<HealthConfigPreviewSummary, "changed"> {
  /** The accounts whose band changes, in account id order. */
  changes: BandChange[];
}

/**
 * Scores every account active at `now` with the current and the proposed configuration.
 * Statements: the accounts, and one per fact family (see parallelFacts), plus the portfolio rows
 * the caller passes (read once per request). `reader` is a plain driver reader.
 */
export async function previewHealthConfig(input: {
  reader: SqlReader;
  workspaceId: string;
  settings: WorkspaceSettings;
  portfolio: readonly PortfolioAccountRow[];
  proposed: HealthConfig;
  now: Date;
}): Promise<HealthConfigPreview> {
  const { now } = input;
  // Frozen: validated once, not once per account (see assertValidHealthConfig).
  const current = frozenHealthConfig(input.settings.healthConfig);
  const proposed = frozenHealthConfig(input.proposed);
  const settings = { ...input.settings, healthConfig: current };
  const activeIds = new Set(
    input.portfolio.filter((row) => isHistoryActiveAt(accountHistory(row), now)).map((row) => row.id),
  );
  const accounts = (await labAccounts(input.reader, input.workspaceId)).filter(
    (account) => activeIds.has(account.id) && account.signedUpAt.getTime() <= now.getTime(),
  );
  const facts = parallelFacts(input.workspaceId, input.reader);
  const keys = unionOfEnabled(current, proposed);
  const pairs = await Promise.all(
    accounts.map(async (account) => {
      const values = await healthComponentValues(facts, settings, account, now, keys);
      return { before: healthScore(values, settings.healthConfig), after: healthScore(values, proposed) };
    }),
  );
  const { changed, ...summary } = healthConfigPreviewSummary(pairs);
  return {
    ...summary,
    changes: changed.map((index) => {
      const pair = pairs[index] as (typeof pairs)[number];
      return {
        accountId: (accounts[index] as LabAccount).id,
        scoreBefore: pair.before.score,
        bandBefore: pair.before.band,
        scoreAfter: pair.after.score,
        bandAfter: pair.after.band,
      };
    }),
  };
}

export interface HealthBacktest {
  period: Period;
  horizonDays: number;
  bands: BandChurn[];
  /** ROC AUC of the score (lower = more likely to churn), ties counted half; null without both outcomes. */
  rocAuc: number | null;
  atRisk: FlagQuality;
  /** Accounts that churned in the period, scored horizonDays before their churn. */
  churnedAccounts: number;
  /** Accounts active at the period's end, scored horizonDays before it. */
  retainedAccounts: number;
  /** Of those, how many had a score (the statistics' population). */
  scoredAccounts: number;
  /** Left out: signed up after their scoring instant. */
  excludedNotYetSignedUp: number;
  /** Left out: too little data for a score at their scoring instant. */
  excludedInsufficientData: number;
}

/** At most this many days between a period's start and end, so a backtest's cost stays bounded. */
export const MAX_BACKTEST_PERIOD_DAYS = 3 * 366;

function labError(message: string): MetricInputError {
  return new MetricInputError("INVALID_PERIOD", message, [{ path: "", message }]);
}

/**
 * For each account that churned in the period, its score `horizonDays` before its churn; for each
 * account active at the period's end, its score `horizonDays` before that end; each recomputed
 * from the facts known at that instant (PointInTimeFacts). Then churn per band, the ROC AUC and
 * the at-risk rule's precision and recall over the scored accounts.
 */
export async function healthBacktest(input: {
  reader: SqlReader;
  workspaceId: string;
  settings: WorkspaceSettings;
  config: HealthConfig;
  period: Period;
  horizonDays: number;
  now: Date;
}): Promise<HealthBacktest> {
  const { period, horizonDays, settings } = input;
  const config = frozenHealthConfig(input.config);
  assertBacktestHorizon(horizonDays);
  if (period.to.getTime() > input.now.getTime()) {
    throw labError("the period must end by now: a backtest needs the outcome of every account");
  }
  if (period.to.getTime() - period.from.getTime() > MAX_BACKTEST_PERIOD_DAYS * MILLISECONDS_PER_DAY) {
    throw labError(`a backtest period may span at most ${MAX_BACKTEST_PERIOD_DAYS} days`);
  }
  const horizonMs = horizonDays * MILLISECONDS_PER_DAY;
  const accounts = await labAccounts(input.reader, input.workspaceId);
  const candidates: { account: LabAccount; churned: boolean; asOf: Date }[] = [];
  for (const account of accounts) {
    const churnedAt = account.churnedAt?.getTime() ?? null;
    if (churnedAt !== null && churnedAt >= period.from.getTime() && churnedAt < period.to.getTime()) {
      candidates.push({ account, churned: true, asOf: new Date(churnedAt - horizonMs) });
    } else if (churnedAt === null || churnedAt >= period.to.getTime()) {
      if (account.signedUpAt.getTime() < period.to.getTime()) {
        candidates.push({ account, churned: false, asOf: new Date(period.to.getTime() - horizonMs) });
      }
    }
  }
  const facts = new PointInTimeFacts(input.reader, input.workspaceId);
  const keys = unionOfEnabled(config);
  const evaluated = await Promise.all(
    candidates.map(async (candidate) => {
      const { account, asOf } = candidate;
      if (account.signedUpAt.getTime() >= asOf.getTime()) return { candidate, signedUp: false as const };
      const earlierAt = new Date(asOf.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY);
      const [values, earlierValues, npsResponses] = await Promise.all([
        healthComponentValues(facts, settings, account, asOf, keys),
        account.signedUpAt.getTime() < earlierAt.getTime()
          ? healthComponentValues(facts, settings, account, earlierAt, keys)
          : Promise.resolve(null),
        facts.npsDetractors(trailingDays(asOf, RISK_DETRACTOR_WINDOW_DAYS)).load(account.id),
      ]);
      const health = healthScore(values, config);
      const earlier = earlierValues ? healthScore(earlierValues, config).score : null;
      const trend = healthTrend({
        score: health.score,
        snapshots: earlier === null ? [] : [{ takenAt: earlierAt, score: earlier }],
        now: asOf,
      });
      // Renewals are left out of the rule: a contract's outcome is stored without the time it was decided.
      const risk: AccountRisk = accountRisk({
        now: asOf,
        active: true,
        health,
        trend,
        npsResponses,
        contracts: [],
      });
      return {
        candidate,
        signedUp: true as const,
        score: health.score,
        band: health.band,
        atRisk: risk.atRisk,
      };
    }),
  );
  const scored: { score: number; band: HealthBand; churned: boolean; atRisk: boolean }[] = [];
  let excludedNotYetSignedUp = 0;
  let excludedInsufficientData = 0;
  for (const result of evaluated) {
    if (!result.signedUp) excludedNotYetSignedUp += 1;
    else if (result.score === null || result.band === null) excludedInsufficientData += 1;
    else
      scored.push({
        score: result.score,
        band: result.band,
        churned: result.candidate.churned,
        atRisk: result.atRisk,
      });
  }
  return {
    period,
    horizonDays,
    bands: churnRateByBand(scored),
    rocAuc: churnRocAuc(scored),
    atRisk: flagPrecisionRecall(
      scored.map((sample) => ({ flagged: sample.atRisk, churned: sample.churned })),
    ),
    churnedAccounts: candidates.filter((candidate) => candidate.churned).length,
    retainedAccounts: candidates.filter((candidate) => !candidate.churned).length,
    scoredAccounts: scored.length,
    excludedNotYetSignedUp,
    excludedInsufficientData,
  };
}
