// Batched reads of the facts behind every account metric. Each loader answers a whole page of
// accounts with one grouped SQL statement (per distinct period), so a page's cost does not
// depend on its size. Loaders are created per request (or per job) and cache for its duration.
import { coalescingReader, readerFor, type SqlReader, sql } from "@pulse/schema/database";
import {
  NPS_DETRACTOR_MAX,
  type Period,
  type ScoreCount,
  type TicketCountsByPriority,
  type UsageAggregates,
  type UsageWindow,
} from "@pulse/schema/metrics";
import type {
  BusinessReview,
  Contract,
  HealthBand,
  PrismaClient,
  SentimentEntry,
  SurveyKind,
} from "@pulse/schema/prisma";
import DataLoader from "dataloader";
import { readUsageAggregates } from "../data/usage.ts";
import { factColumns } from "./fact-columns.ts";

export type SurveyScoreCounts = Record<SurveyKind, ScoreCount[]>;
export type UsageWindowAggregates = Omit<UsageAggregates, "seats" | "keyFeatures" | "windowDays"> & {
  everHadUsage: boolean;
};

export interface InvoiceCounts {
  invoicesDue: number;
  paidOnTime: number;
}
/** Whole rows of the fact models (every scalar column, see fact-columns.ts); decimals as strings. */
export type SentimentFact = SentimentEntry;
export type ReviewFact = BusinessReview;
export interface RevenueFact {
  kind: "NEW" | "EXPANSION" | "CONTRACTION" | "CHURN" | "REACTIVATION";
  mrrDelta: string;
  occurredAt: Date;
}
export type ContractFact = Omit<Contract, "value"> & { value: string | null };
export interface AchievementFact {
  milestoneKey: string;
  achievedAt: Date;
}
export interface SnapshotFact {
  day: Date;
  /** Null (with band) when the account had too little data for a score that day. */
  score: number | null;
  band: HealthBand | null;
}
export interface NpsResponseFact {
  score: number;
  respondedAt: Date;
}

const periodKey = (period: Period) => `${period.from.getTime()}|${period.to.getTime()}`;

function groupBy<Row extends { accountId: string }, Value>(
  ids: readonly string[],
  rows: Row[],
  map: (row: Row) => Value,
): Value[][] {
  const byAccount = new Map<string, Value[]>(ids.map((id) => [id, []]));
  for (const row of rows) byAccount.get(row.accountId)?.push(map(row));
  return ids.map((id) => byAccount.get(id) ?? []);
}

/** One DataLoader per (fact family, period), created on first use. */
export class AccountFacts {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  /**
   * The request's reader: through the database driver when the client came from openDatabase
   * (see sql-reader.ts), and reads that start together share one statement (coalescingReader),
   * so queries read through it select timestamps `AT TIME ZONE 'UTC'`. The workspace settings
   * and the accounts page use it too, so a dashboard page costs one statement for its accounts
   * and settings, and one for all of their facts.
   */
  readonly reader: SqlReader;

  constructor(
    prisma: PrismaClient,
    private readonly workspaceId: string,
    reader: SqlReader = readerFor(prisma),
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
    return this.loader(`survey|${periodKey(period)}`, async (ids) => {
      // One row per account, its counts by kind already grouped in SQL.
      const rows = await this.reader.read<{ accountId: string; counts: Partial<SurveyScoreCounts> }>(sql`
        SELECT "accountId", json_object_agg(kind, counts) AS counts
        FROM (SELECT "accountId"::text AS "accountId", kind::text AS kind,
                     json_agg(json_build_object('score', score, 'count', n) ORDER BY score) AS counts
              FROM (SELECT "accountId", kind, score, count(*)::int AS n
                    FROM "SurveyResponse"
                    WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
                      AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
                    GROUP BY 1, 2, 3) scores
              GROUP BY 1, 2) kinds
        GROUP BY 1`);
      const byId = new Map(rows.map((row) => [row.accountId, row.counts]));
      return ids.map((id) => {
        const counts = byId.get(id);
        return { NPS: counts?.NPS ?? [], CSAT: counts?.CSAT ?? [], CES: counts?.CES ?? [] };
      });
    });
  }

  /** NPS detractors' responses (score and time) in the period: risk looks for recent ones. */
  npsDetractors(period: Period): DataLoader<string, NpsResponseFact[]> {
    return this.loader(`nps-detractors|${periodKey(period)}`, async (ids) => {
      const rows = await this.reader.read<{ accountId: string; score: number; respondedAt: Date }>(sql`
        SELECT "accountId"::text AS "accountId", score, "createdAt" AT TIME ZONE 'UTC' AS "respondedAt"
        FROM "SurveyResponse"
        WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
          AND kind = 'NPS' AND score <= ${NPS_DETRACTOR_MAX} AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}`);
      return groupBy(ids, rows, (row) => ({ score: row.score, respondedAt: new Date(row.respondedAt) }));
    });
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
    return this.loader(`tickets|${periodKey(period)}`, async (ids) => {
      const rows = await this.reader.read<{
        accountId: string;
        priority: keyof TicketCountsByPriority;
        count: number;
      }>(sql`
        SELECT "accountId"::text AS "accountId", priority::text AS priority, count(*)::int AS count
        FROM "SupportTicket"
        WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
          AND "openedAt" >= ${period.from} AND "openedAt" < ${period.to}
        GROUP BY 1, 2`);
      return groupBy(ids, rows, (row) => row).map((accountRows) =>
        Object.fromEntries(accountRows.map((row) => [row.priority, row.count])),
      );
    });
  }

  /** Invoices due in the period, and how many of them were paid on or before their due date. */
  invoiceCounts(period: Period): DataLoader<string, InvoiceCounts> {
    return this.loader(`invoices|${periodKey(period)}`, async (ids) => {
      const rows = await this.reader.read<{ accountId: string } & InvoiceCounts>(sql`
        SELECT "accountId"::text AS "accountId", count(*)::int AS "invoicesDue",
               (count(*) FILTER (WHERE "paidAt" IS NOT NULL AND "paidAt" <= "dueAt"))::int AS "paidOnTime"
        FROM "Invoice"
        WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
          AND "dueAt" >= ${period.from}::timestamp AND "dueAt" < ${period.to}::timestamp
        GROUP BY 1`);
      const byId = new Map(rows.map((row) => [row.accountId, row]));
      return ids.map((id) => {
        const row = byId.get(id);
        return { invoicesDue: row?.invoicesDue ?? 0, paidOnTime: row?.paidOnTime ?? 0 };
      });
    });
  }

  sentimentEntries(): DataLoader<string, SentimentFact[]> {
    return this.loader("sentiment", async (ids) => {
      const columns = factColumns("SentimentEntry", "s");
      const rows = await this.reader.read<Record<string, unknown>>(sql`
        SELECT ${columns.select}
        FROM "SentimentEntry" s
        WHERE s."workspaceId" = ${this.workspaceId}::uuid AND s."accountId" = ANY(${ids}::uuid[])
        ORDER BY s."createdAt", s.id`);
      return groupBy(ids, rows.map(columns.parse) as SentimentFact[], (entry) => entry);
    });
  }

  businessReviews(): DataLoader<string, ReviewFact[]> {
    return this.loader("reviews", async (ids) => {
      const columns = factColumns("BusinessReview", "r");
      const rows = await this.reader.read<Record<string, unknown>>(sql`
        SELECT ${columns.select}
        FROM "BusinessReview" r
        WHERE r."workspaceId" = ${this.workspaceId}::uuid AND r."accountId" = ANY(${ids}::uuid[])
        ORDER BY r."heldAt", r.id`);
      return groupBy(ids, rows.map(columns.parse) as ReviewFact[], (review) => review);
    });
  }

  /** Every MRR change of the account, oldest first (MRR, ARR and CLTV are computed from them). */
  revenueEvents(): DataLoader<string, RevenueFact[]> {
    return this.loader("revenue", async (ids) => {
      const rows = await this.reader.read<RevenueFact & { accountId: string }>(sql`
        SELECT "accountId"::text AS "accountId", kind::text AS kind, "mrrDelta"::text AS "mrrDelta",
               "occurredAt" AT TIME ZONE 'UTC' AS "occurredAt"
        FROM "RevenueEvent"
        WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
        ORDER BY "occurredAt", id`);
      return groupBy(ids, rows, (row) => ({
        kind: row.kind,
        mrrDelta: row.mrrDelta,
        occurredAt: new Date(row.occurredAt),
      }));
    });
  }

  /** Every contract, by end date. */
  contracts(): DataLoader<string, ContractFact[]> {
    return this.loader("contracts", async (ids) => {
      const columns = factColumns("Contract", "c");
      const rows = await this.reader.read<Record<string, unknown>>(sql`
        SELECT ${columns.select}
        FROM "Contract" c
        WHERE c."workspaceId" = ${this.workspaceId}::uuid AND c."accountId" = ANY(${ids}::uuid[])
        ORDER BY c."endsAt", c.id`);
      return groupBy(ids, rows.map(columns.parse) as ContractFact[], (contract) => contract);
    });
  }

  /**
   * Undecided contracts ending at or after `instant`, by end date: the next renewal and the
   * renewal risk need only these, not the account's whole contract history.
   */
  pendingContracts(instant: Date): DataLoader<string, ContractFact[]> {
    return this.loader(`pending-contracts|${instant.getTime()}`, async (ids) => {
      const columns = factColumns("Contract", "c");
      const rows = await this.reader.read<Record<string, unknown>>(sql`
        SELECT ${columns.select}
        FROM "Contract" c
        WHERE c."workspaceId" = ${this.workspaceId}::uuid AND c."accountId" = ANY(${ids}::uuid[])
          AND c."renewalOutcome" = 'PENDING' AND c."endsAt" >= ${instant}::timestamp
        ORDER BY c."endsAt", c.id`);
      return groupBy(ids, rows.map(columns.parse) as ContractFact[], (contract) => contract);
    });
  }

  milestoneAchievements(): DataLoader<string, AchievementFact[]> {
    return this.loader("achievements", async (ids) => {
      const rows = await this.reader.read<AchievementFact & { accountId: string }>(sql`
        SELECT a."accountId"::text AS "accountId", m.key AS "milestoneKey", a."achievedAt" AT TIME ZONE 'UTC' AS "achievedAt"
        FROM "MilestoneAchievement" a JOIN "Milestone" m ON m.id = a."milestoneId"
        WHERE a."workspaceId" = ${this.workspaceId}::uuid AND a."accountId" = ANY(${ids}::uuid[])`);
      return groupBy(ids, rows, (row) => ({
        milestoneKey: row.milestoneKey,
        achievedAt: new Date(row.achievedAt),
      }));
    });
  }

  /** The latest daily health snapshot taken at or before `instant`. */
  snapshotAtOrBefore(instant: Date): DataLoader<string, SnapshotFact | null> {
    return this.loader(`snapshot-at|${instant.getTime()}`, async (ids) => {
      const rows = await this.reader.read<{
        accountId: string;
        day: Date;
        score: string | null;
        band: SnapshotFact["band"];
      }>(sql`
        SELECT a.id::text AS "accountId", s.day, s.score::text AS score, s.band::text AS band
        FROM "Account" a
        JOIN LATERAL (
          -- The newest one only: one lookup in ("accountId", day) per account, however long the
          -- history and however many accounts the workspace has. The workspace is checked on the
          -- account, not here: with it here the planner may walk ("workspaceId", day) backwards
          -- through every other account's snapshots instead.
          SELECT day, score, band FROM "HealthSnapshot" h
          WHERE h."accountId" = a.id AND h.day <= ${instant}::timestamp
          ORDER BY h.day DESC LIMIT 1
        ) s ON true
        WHERE a.id = ANY(${ids}::uuid[]) AND a."workspaceId" = ${this.workspaceId}::uuid`);
      const byId = new Map(
        rows.map((row) => [
          row.accountId,
          { day: new Date(row.day), score: row.score === null ? null : Number(row.score), band: row.band },
        ]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /** Daily snapshots whose day (at 00:00 UTC) falls in the period, oldest first. */
  snapshots(period: Period): DataLoader<string, SnapshotFact[]> {
    return this.loader(`snapshots|${periodKey(period)}`, async (ids) => {
      // Explicit timestamp casts: compared with a bare DATE, a parameter would be cut to a date.
      const rows = await this.reader.read<{
        accountId: string;
        day: Date;
        score: number | null;
        band: SnapshotFact["band"];
      }>(sql`
        SELECT "accountId"::text AS "accountId", day, score, band::text AS band
        FROM "HealthSnapshot"
        WHERE "workspaceId" = ${this.workspaceId}::uuid AND "accountId" = ANY(${ids}::uuid[])
          AND day >= ${period.from}::timestamp AND day < ${period.to}::timestamp
        ORDER BY day`);
      return groupBy(ids, rows, (row) => ({
        day: new Date(row.day),
        score: row.score === null ? null : Number(row.score),
        band: row.band,
      }));
    });
  }
}
