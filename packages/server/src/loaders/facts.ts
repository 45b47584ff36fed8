// Batched reads of the facts behind every account metric. Each loader answers a whole page of
// accounts with one grouped SQL statement (per distinct period), so a page's cost does not
// depend on its size. Loaders are created per request (or per job) and cache for its duration;
// the statements themselves are the query functions of data/.
import { coalescingReader, type SqlReader } from "@pulse/schema/database";
import type { Period, TicketCountsByPriority, UsageAggregates, UsageWindow } from "@pulse/schema/metrics";
import DataLoader from "dataloader";
import { type ContractFact, contracts, pendingContracts } from "../data/contracts.ts";
import { type InvoiceCounts, invoiceCounts } from "../data/invoices.ts";
import { type AchievementFact, milestoneAchievements } from "../data/milestones.ts";
import { type RevenueFact, revenueEvents } from "../data/revenue.ts";
import { businessReviews, type ReviewFact } from "../data/reviews.ts";
import { type SentimentFact, sentimentEntries } from "../data/sentiment.ts";
import { latestSnapshots, type SnapshotFact, snapshotsInPeriod } from "../data/snapshots.ts";
import {
  type NpsResponseFact,
  npsDetractors,
  type SurveyScoreCounts,
  surveyScoreCounts,
} from "../data/surveys.ts";
import { ticketCounts } from "../data/tickets.ts";
import { readUsageAggregates } from "../data/usage.ts";

export type { SurveyKind } from "../data/surveys.ts";
// The fact types are defined with their query functions; named here too for the loaders' callers.
export type {
  AchievementFact,
  ContractFact,
  InvoiceCounts,
  NpsResponseFact,
  RevenueFact,
  ReviewFact,
  SentimentFact,
  SnapshotFact,
  SurveyScoreCounts,
};
export type UsageWindowAggregates = Omit<UsageAggregates, "seats" | "keyFeatures" | "windowDays"> & {
  everHadUsage: boolean;
};

const periodKey = (period: Period) => `${period.from.getTime()}|${period.to.getTime()}`;

/** One DataLoader per (fact family, period), created on first use. */
export class AccountFacts {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  /**
   * The reader it was given, coalescing: reads that start together share one statement
   * (coalescingReader), so every query read through it follows the column rules of
   * data/columns.ts. The workspace settings and the accounts page use it too, so a dashboard page
   * costs one statement for its accounts and settings, and one for all of their facts.
   */
  readonly reader: SqlReader;

  constructor(
    reader: SqlReader,
    private readonly workspaceId: string,
    /** Keys per statement; unbounded for workspace-wide evaluations (preview, backtest). */
    private readonly maxBatchSize = 1000,
  ) {
    this.reader = coalescingReader(reader);
  }

  private readonly memos = new Map<string, Promise<unknown>>();

  /** Computes a derived value (e.g. an account's health) once per request. */
  memo<Value>(key: string, compute: () => Promise<Value>): Promise<Value> {
    let value = this.memos.get(key) as Promise<Value> | undefined;
    if (!value) {
      value = compute();
      this.memos.set(key, value);
    }
    return value;
  }

  private loader<Value>(key: string, batch: (ids: string[]) => Promise<Value[]>): DataLoader<string, Value> {
    let loader = this.loaders.get(key) as DataLoader<string, Value> | undefined;
    if (!loader) {
      loader = new DataLoader<string, Value>((ids) => batch([...ids]), { maxBatchSize: this.maxBatchSize });
      this.loaders.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** Survey responses per kind and score created in the period. */
  surveyScoreCounts(period: Period): DataLoader<string, SurveyScoreCounts> {
    return this.loader(`survey|${periodKey(period)}`, (ids) =>
      surveyScoreCounts(this.reader, this.workspaceId, ids, period),
    );
  }

  /** NPS detractors' responses (score and time) in the period: risk looks for recent ones. */
  npsDetractors(period: Period): DataLoader<string, NpsResponseFact[]> {
    return this.loader(`nps-detractors|${periodKey(period)}`, (ids) =>
      npsDetractors(this.reader, this.workspaceId, ids, period),
    );
  }

  /**
   * Usage aggregates of the window (one statement, see data/usage.ts) and whether the account
   * ever had usage. The window's zone must be the workspace's (`usageWindow(now, days, settings.timeZone)`).
   */
  usage(window: UsageWindow): DataLoader<string, UsageWindowAggregates> {
    return this.loader(`usage|${periodKey(window)}|${window.timeZone}`, (ids) => this.usageOf(window, ids));
  }

  /**
   * The same aggregates for any number of accounts in one statement (a workspace-wide set, such
   * as the accounts of a lifecycle stage), outside the per-page loader and its batch size.
   */
  usageOf(window: UsageWindow, ids: readonly string[]): Promise<UsageWindowAggregates[]> {
    return readUsageAggregates(this.reader, this.workspaceId, window, ids);
  }

  /** Tickets opened in the period, counted by priority. */
  ticketCounts(period: Period): DataLoader<string, TicketCountsByPriority> {
    return this.loader(`tickets|${periodKey(period)}`, (ids) =>
      ticketCounts(this.reader, this.workspaceId, ids, period),
    );
  }

  /** Invoices due in the period, and how many of them were paid on or before their due date. */
  invoiceCounts(period: Period): DataLoader<string, InvoiceCounts> {
    return this.loader(`invoices|${periodKey(period)}`, (ids) =>
      invoiceCounts(this.reader, this.workspaceId, ids, period),
    );
  }

  sentimentEntries(): DataLoader<string, SentimentFact[]> {
    return this.loader("sentiment", (ids) => sentimentEntries(this.reader, this.workspaceId, ids));
  }

  businessReviews(): DataLoader<string, ReviewFact[]> {
    return this.loader("reviews", (ids) => businessReviews(this.reader, this.workspaceId, ids));
  }

  /** Every MRR change of the account, oldest first (MRR, ARR and CLTV are computed from them). */
  revenueEvents(): DataLoader<string, RevenueFact[]> {
    return this.loader("revenue", (ids) => revenueEvents(this.reader, this.workspaceId, ids));
  }

  /** Every contract, by end date. */
  contracts(): DataLoader<string, ContractFact[]> {
    return this.loader("contracts", (ids) => contracts(this.reader, this.workspaceId, ids));
  }

  /**
   * Undecided contracts ending at or after `instant`, by end date: the next renewal and the
   * renewal risk need only these, not the account's whole contract history.
   */
  pendingContracts(instant: Date): DataLoader<string, ContractFact[]> {
    return this.loader(`pending-contracts|${instant.getTime()}`, (ids) =>
      pendingContracts(this.reader, this.workspaceId, ids, instant),
    );
  }

  milestoneAchievements(): DataLoader<string, AchievementFact[]> {
    return this.loader("achievements", (ids) => milestoneAchievements(this.reader, this.workspaceId, ids));
  }

  /** The latest daily health snapshot taken at or before `instant`. */
  snapshotAtOrBefore(instant: Date): DataLoader<string, SnapshotFact | null> {
    return this.loader(`snapshot-at|${instant.getTime()}`, async (ids) => {
      const latest = await latestSnapshots(this.reader, this.workspaceId, instant, ids);
      return ids.map((id) => latest.get(id) ?? null);
    });
  }

  /** Daily snapshots whose day (at 00:00 UTC) falls in the period, oldest first. */
  snapshots(period: Period): DataLoader<string, SnapshotFact[]> {
    return this.loader(`snapshots|${periodKey(period)}`, (ids) =>
      snapshotsInPeriod(this.reader, this.workspaceId, ids, period),
    );
  }
}
