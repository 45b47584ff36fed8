// The facts behind the health components as they were known at a different instant for each
// account (the health backtest scores every account at its own time). Each loader is keyed by
// (account, window) and answers all of its keys with one statement, whatever their number: the
// windows come in as arrays beside the account ids. Facts after a window's end are excluded, and
// so is usage after it for `everHadUsage`. The whole-history loaders (sentiment, milestones,
// reviews) are shared with AccountFacts: their formulas ignore entries at or after `now`.
import type { SqlReader } from "@pulse/schema/database";
import { DEFAULT_TIME_ZONE, type Period, type TicketCountsByPriority } from "@pulse/schema/metrics";
import DataLoader from "dataloader";
import {
  invoiceCountsInWindows,
  npsDetractorsInWindows,
  surveyScoreCountsInWindows,
  ticketCountsInWindows,
  usageInWindows,
  type WindowKey,
} from "../data/point-in-time.ts";
import type { HealthFacts } from "../health/account-health.ts";
import {
  AccountFacts,
  type InvoiceCounts,
  type NpsResponseFact,
  type SurveyScoreCounts,
  type UsageWindowAggregates,
} from "./facts.ts";

const keyOf = (key: WindowKey) => `${key.accountId}|${key.from.getTime()}|${key.to.getTime()}`;

/** Loads by (account, period), so callers keep AccountFacts' `loader(period).load(id)` shape. */
interface PeriodLoads<Value> {
  load(accountId: string): Promise<Value>;
}

export class PointInTimeFacts implements HealthFacts {
  private readonly loaders = new Map<string, DataLoader<WindowKey, unknown, string>>();
  private readonly history: AccountFacts;
  readonly reader: SqlReader;

  constructor(
    reader: SqlReader,
    private readonly workspaceId: string,
  ) {
    // Unbounded batches: the backtest's statements stay constant in the number of accounts.
    this.history = new AccountFacts(reader, workspaceId, Number.POSITIVE_INFINITY);
    this.reader = this.history.reader;
  }

  memo<Value>(key: string, compute: () => Promise<Value>): Promise<Value> {
    return this.history.memo(key, compute);
  }

  private windowed<Value>(
    family: string,
    period: Period,
    batch: (keys: WindowKey[]) => Promise<Value[]>,
  ): PeriodLoads<Value> {
    let loader = this.loaders.get(family) as DataLoader<WindowKey, Value, string> | undefined;
    if (!loader) {
      loader = new DataLoader<WindowKey, Value, string>((keys) => batch([...keys]), { cacheKeyFn: keyOf });
      this.loaders.set(family, loader as DataLoader<WindowKey, unknown, string>);
    }
    const current = loader;
    return { load: (accountId) => current.load({ accountId, from: period.from, to: period.to }) };
  }

  /** Usage of the window, by calendar days of its zone (the workspace's; UTC when none is given). */
  usage(window: Period & { timeZone?: string }): PeriodLoads<UsageWindowAggregates> {
    const timeZone = window.timeZone ?? DEFAULT_TIME_ZONE;
    return this.windowed(`usage|${timeZone}`, window, (keys) =>
      usageInWindows(this.reader, this.workspaceId, keys, timeZone),
    );
  }

  surveyScoreCounts(period: Period): PeriodLoads<SurveyScoreCounts> {
    return this.windowed("surveys", period, (keys) =>
      surveyScoreCountsInWindows(this.reader, this.workspaceId, keys),
    );
  }

  ticketCounts(period: Period): PeriodLoads<TicketCountsByPriority> {
    return this.windowed("tickets", period, (keys) =>
      ticketCountsInWindows(this.reader, this.workspaceId, keys),
    );
  }

  invoiceCounts(period: Period): PeriodLoads<InvoiceCounts> {
    return this.windowed("invoices", period, (keys) =>
      invoiceCountsInWindows(this.reader, this.workspaceId, keys),
    );
  }

  /** NPS detractors' responses in each window (the at-risk rule looks at the trailing 30 days). */
  npsDetractors(period: Period): PeriodLoads<NpsResponseFact[]> {
    return this.windowed("nps-detractors", period, (keys) =>
      npsDetractorsInWindows(this.reader, this.workspaceId, keys),
    );
  }

  sentimentEntries() {
    return this.history.sentimentEntries();
  }

  milestoneAchievements() {
    return this.history.milestoneAchievements();
  }

  businessReviews() {
    return this.history.businessReviews();
  }
}
