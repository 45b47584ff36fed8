// The facts behind the health components as they were known at a different instant for each
// account (the health backtest scores every account at its own time). Each loader is keyed by
// (account, window) and answers all of its keys with one statement, whatever their number: the
// windows come in as arrays beside the account ids. Facts after a window's end are excluded, and
// so is usage after it for `everHadUsage`. The whole-history loaders (sentiment, milestones,
// reviews) are shared with AccountFacts: their formulas ignore entries at or after `now`.
import { type SqlReader, type SqlStatement, sql } from "@pulse/schema/database";
import { NPS_DETRACTOR_MAX, type Period, type TicketCountsByPriority } from "@pulse/schema/metrics";
import DataLoader from "dataloader";
import type { HealthFacts } from "../health/account-health.ts";
import {
  AccountFacts,
  type InvoiceCounts,
  type NpsResponseFact,
  type SurveyScoreCounts,
  type UsageWindowAggregates,
} from "./facts.ts";

interface WindowKey {
  accountId: string;
  from: Date;
  to: Date;
}

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

  /** The keys as a CTE `page(n, id, "from", "to")`, restricted to the workspace's accounts. */
  private page(keys: readonly WindowKey[]): SqlStatement {
    return sql`page AS (
      SELECT p.n::int AS n, p.id, p."from", p."to"
      FROM unnest(${keys.map((key) => key.accountId)}::uuid[], ${keys.map((key) => key.from)}::timestamp[],
                  ${keys.map((key) => key.to)}::timestamp[]) WITH ORDINALITY AS p(id, "from", "to", n)
      JOIN "Account" a ON a.id = p.id AND a."workspaceId" = ${this.workspaceId}::uuid)`;
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

  usage(period: Period): PeriodLoads<UsageWindowAggregates> {
    return this.windowed("usage", period, async (keys) => {
      const rows = await this.reader.read<{
        n: number;
        activeUsers: number;
        loginEvents: number;
        sessionCount: number;
        sessionSeconds: string;
        userDays: number;
        featureCounts: Record<string, number> | null;
        everHadUsage: boolean;
      }>(sql`
        WITH ${this.page(keys)},
        windowed AS (
          SELECT p.n, e."contactId", e.kind, e."featureKey", e."durationSeconds",
                 floor(extract(epoch FROM (e."occurredAt" - p."from")) / 86400) AS day
          FROM page p JOIN "UsageEvent" e ON e."accountId" = p.id AND e."occurredAt" >= p."from" AND e."occurredAt" < p."to"
        ),
        totals AS (
          SELECT n,
                 count(DISTINCT "contactId")::int AS "activeUsers",
                 (count(*) FILTER (WHERE kind = 'LOGIN'))::int AS "loginEvents",
                 (count(*) FILTER (WHERE kind = 'SESSION' AND "durationSeconds" IS NOT NULL))::int AS "sessionCount",
                 (coalesce(sum("durationSeconds") FILTER (WHERE kind = 'SESSION'), 0))::text AS "sessionSeconds",
                 count(DISTINCT (day, "contactId")) FILTER (WHERE "contactId" IS NOT NULL)::int AS "userDays"
          FROM windowed GROUP BY n
        ),
        features AS (
          SELECT n, jsonb_object_agg("featureKey", c) AS "featureCounts"
          FROM (SELECT n, "featureKey", count(*)::int AS c FROM windowed
                WHERE kind = 'FEATURE' AND "featureKey" IS NOT NULL GROUP BY 1, 2) f
          GROUP BY n
        )
        SELECT p.n,
               coalesce(t."activeUsers", 0) AS "activeUsers", coalesce(t."loginEvents", 0) AS "loginEvents",
               coalesce(t."sessionCount", 0) AS "sessionCount", coalesce(t."sessionSeconds", '0') AS "sessionSeconds",
               coalesce(t."userDays", 0) AS "userDays", f."featureCounts",
               EXISTS (SELECT 1 FROM "UsageEvent" u WHERE u."accountId" = p.id AND u."occurredAt" < p."to") AS "everHadUsage"
        FROM page p
        LEFT JOIN totals t ON t.n = p.n
        LEFT JOIN features f ON f.n = p.n`);
      const byIndex = new Map(rows.map((row) => [row.n, row]));
      return keys.map((_key, index) => {
        const row = byIndex.get(index + 1);
        return {
          activeUsers: row?.activeUsers ?? 0,
          loginEvents: row?.loginEvents ?? 0,
          sessionCount: row?.sessionCount ?? 0,
          sessionSeconds: BigInt(row?.sessionSeconds ?? "0"),
          userDays: row?.userDays ?? 0,
          featureCounts: row?.featureCounts ?? {},
          everHadUsage: row?.everHadUsage ?? false,
        };
      });
    });
  }

  surveyScoreCounts(period: Period): PeriodLoads<SurveyScoreCounts> {
    return this.windowed("surveys", period, async (keys) => {
      const rows = await this.reader.read<{ n: number; counts: Partial<SurveyScoreCounts> }>(sql`
        WITH ${this.page(keys)}
        SELECT n, json_object_agg(kind, counts) AS counts
        FROM (SELECT n, kind, json_agg(json_build_object('score', score, 'count', c) ORDER BY score) AS counts
              FROM (SELECT p.n, s.kind::text AS kind, s.score, count(*)::int AS c
                    FROM page p JOIN "SurveyResponse" s
                      ON s."accountId" = p.id AND s."createdAt" >= p."from" AND s."createdAt" < p."to"
                    GROUP BY 1, 2, 3) scores
              GROUP BY 1, 2) kinds
        GROUP BY 1`);
      const byIndex = new Map(rows.map((row) => [row.n, row.counts]));
      return keys.map((_key, index) => {
        const counts = byIndex.get(index + 1);
        return { NPS: counts?.NPS ?? [], CSAT: counts?.CSAT ?? [], CES: counts?.CES ?? [] };
      });
    });
  }

  ticketCounts(period: Period): PeriodLoads<TicketCountsByPriority> {
    return this.windowed("tickets", period, async (keys) => {
      const rows = await this.reader.read<{
        n: number;
        priority: keyof TicketCountsByPriority;
        count: number;
      }>(sql`
        WITH ${this.page(keys)}
        SELECT p.n, t.priority::text AS priority, count(*)::int AS count
        FROM page p JOIN "SupportTicket" t ON t."accountId" = p.id AND t."openedAt" >= p."from" AND t."openedAt" < p."to"
        GROUP BY 1, 2`);
      const byIndex = new Map<number, TicketCountsByPriority>();
      for (const row of rows) byIndex.set(row.n, { ...byIndex.get(row.n), [row.priority]: row.count });
      return keys.map((_key, index) => byIndex.get(index + 1) ?? {});
    });
  }

  invoiceCounts(period: Period): PeriodLoads<InvoiceCounts> {
    return this.windowed("invoices", period, async (keys) => {
      const rows = await this.reader.read<{ n: number } & InvoiceCounts>(sql`
        WITH ${this.page(keys)}
        SELECT p.n, count(*)::int AS "invoicesDue",
               (count(*) FILTER (WHERE i."paidAt" IS NOT NULL AND i."paidAt" <= i."dueAt"))::int AS "paidOnTime"
        FROM page p JOIN "Invoice" i ON i."accountId" = p.id AND i."dueAt" >= p."from" AND i."dueAt" < p."to"
        GROUP BY 1`);
      const byIndex = new Map(rows.map((row) => [row.n, row]));
      return keys.map((_key, index) => {
        const row = byIndex.get(index + 1);
        return { invoicesDue: row?.invoicesDue ?? 0, paidOnTime: row?.paidOnTime ?? 0 };
      });
    });
  }

  /** NPS detractors' responses in each window (the at-risk rule looks at the trailing 30 days). */
  npsDetractors(period: Period): PeriodLoads<NpsResponseFact[]> {
    return this.windowed("nps-detractors", period, async (keys) => {
      const rows = await this.reader.read<{ n: number; score: number; respondedAt: Date }>(sql`
        WITH ${this.page(keys)}
        SELECT p.n, s.score, s."createdAt" AT TIME ZONE 'UTC' AS "respondedAt"
        FROM page p JOIN "SurveyResponse" s
          ON s."accountId" = p.id AND s.kind = 'NPS' AND s.score <= ${NPS_DETRACTOR_MAX}
         AND s."createdAt" >= p."from" AND s."createdAt" < p."to"`);
      const byIndex = new Map<number, NpsResponseFact[]>();
      for (const row of rows) {
        const list = byIndex.get(row.n) ?? [];
        list.push({ score: row.score, respondedAt: new Date(row.respondedAt) });
        byIndex.set(row.n, list);
      }
      return keys.map((_key, index) => byIndex.get(index + 1) ?? []);
    });
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
