// R, the practical limit: the dashboard page from a bare node:http handler with hand-written SQL
// through `pg`, producing the same JSON as Pulse. Per request: the API-key lookup, then the
// workspace settings and one statement that reads the page with every account's facts
// (LATERAL subqueries over the same indexes Pulse uses) in parallel. The numbers come from the
// same pure formulas of @pulse/schema/metrics.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  accountRisk,
  cesFromScoreCounts,
  csatFromScoreCounts,
  FEEDBACK_HEALTH_WINDOW_DAYS,
  feedbackHealthComponent,
  HEALTH_TREND_DAYS,
  type HealthComponentValues,
  healthScore,
  healthTrend,
  MILLISECONDS_PER_DAY,
  npsFromScoreCounts,
  PAYMENT_HEALTH_WINDOW_DAYS,
  parseHealthConfig,
  paymentTimelinessFromCounts,
  RISK_DETRACTOR_WINDOW_DAYS,
  roundFigure,
  type ScoreCount,
  SUPPORT_HEALTH_WINDOW_DAYS,
  supportLoadFromCounts,
  type TicketCountsByPriority,
  USAGE_HEALTH_WINDOW_DAYS,
  usageHealthComponent,
  usageMetrics,
  usageWindow,
} from "@pulse/schema/metrics";
import { Decimal } from "decimal.js";
import pg from "pg";
import { accountCursor, globalId } from "../dashboard.ts";
import { serveChild } from "./child.ts";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const now = new Date(process.env.BENCH_NOW ?? Date.now());

// Prisma's DateTime columns are timestamps without time zone holding UTC.
pg.types.setTypeParser(1114, (value: string) => new Date(`${value.replace(" ", "T")}Z`));
const sqlTime = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "");
const daysBefore = (days: number) => sqlTime(new Date(now.getTime() - days * MILLISECONDS_PER_DAY));
// Usage windows are whole calendar days (the bench's workspace is on UTC, whose days are the
// timestamps' ::date), today included up to now.
const usageFrom = usageWindow(now, USAGE_HEALTH_WINDOW_DAYS).from;
const HEALTH_COMPONENTS_GATHERED = new Set(["usage", "feedback", "support", "payment"]);

const PAGE_SQL = `
WITH page AS (
  SELECT id, "externalId", name, segment, plan, seats, "signedUpAt", "churnedAt" FROM "Account"
  WHERE "workspaceId" = $1 AND ($3::text IS NULL OR (name, id) > ($3::text, $4::uuid))
  ORDER BY name, id LIMIT $2
)
SELECT p.id::text AS id, p."externalId", p.name, p.segment, p.plan, p.seats,
  u.active_users, u.logins, u.session_count, u.session_seconds, u.user_days, u.features,
  EXISTS (SELECT 1 FROM "UsageEvent" e WHERE e."accountId" = p.id) AS ever_used,
  (SELECT coalesce(jsonb_agg(jsonb_build_array(kind, score, n)), '[]')
     FROM (SELECT kind::text AS kind, score, count(*)::int AS n FROM "SurveyResponse" r
           WHERE r."accountId" = p.id AND r."createdAt" >= $7::timestamp AND r."createdAt" < $5::timestamp
           GROUP BY 1, 2) s) AS surveys,
  (SELECT coalesce(jsonb_object_agg(priority, n), '{}')
     FROM (SELECT priority::text AS priority, count(*)::int AS n FROM "SupportTicket" t
           WHERE t."accountId" = p.id AND t."openedAt" >= $8::timestamp AND t."openedAt" < $5::timestamp
           GROUP BY 1) s) AS tickets,
  i.due, i.on_time,
  (SELECT h.score FROM "HealthSnapshot" h WHERE h."accountId" = p.id AND h.day <= $10::timestamp
   ORDER BY h.day DESC LIMIT 1) AS reference_score,
  (SELECT h.day::text FROM "HealthSnapshot" h WHERE h."accountId" = p.id AND h.day <= $10::timestamp
   ORDER BY h.day DESC LIMIT 1) AS reference_day,
  (SELECT coalesce(jsonb_agg(jsonb_build_array(r.score, r."createdAt")), '[]') FROM "SurveyResponse" r
   WHERE r."accountId" = p.id AND r.kind = 'NPS' AND r.score <= 6
     AND r."createdAt" >= $11::timestamp AND r."createdAt" < $5::timestamp) AS detractors,
  (SELECT coalesce(sum(v."mrrDelta"), 0)::text FROM "RevenueEvent" v
   WHERE v."accountId" = p.id AND v."occurredAt" < $5::timestamp) AS mrr,
  c."endsAt" AS renewal_ends_at,
  -- Active now (risk covers active accounts): signed up before now, and the latest churn change
  -- before now (churnedAt or a CHURN event) is not later than the latest REACTIVATION.
  (p."signedUpAt" < $5::timestamp AND
   coalesce(greatest(CASE WHEN p."churnedAt" < $5::timestamp THEN p."churnedAt" END,
                     (SELECT max(v."occurredAt") FROM "RevenueEvent" v
                      WHERE v."accountId" = p.id AND v.kind = 'CHURN' AND v."occurredAt" < $5::timestamp)), '-infinity')
   <= coalesce((SELECT max(v."occurredAt") FROM "RevenueEvent" v
                WHERE v."accountId" = p.id AND v.kind = 'REACTIVATION' AND v."occurredAt" < $5::timestamp), '-infinity')) AS active
FROM page p
LEFT JOIN LATERAL (
  SELECT count(DISTINCT e."contactId")::int AS active_users,
         (count(*) FILTER (WHERE e.kind = 'LOGIN'))::int AS logins,
         (count(*) FILTER (WHERE e.kind = 'SESSION' AND e."durationSeconds" IS NOT NULL))::int AS session_count,
         coalesce(sum(e."durationSeconds") FILTER (WHERE e.kind = 'SESSION'), 0)::text AS session_seconds,
         (count(DISTINCT (e."occurredAt"::date, e."contactId"))
            FILTER (WHERE e."contactId" IS NOT NULL))::int AS user_days,
         coalesce(array_agg(DISTINCT e."featureKey") FILTER (WHERE e.kind = 'FEATURE' AND e."featureKey" IS NOT NULL),
                  '{}') AS features
  FROM "UsageEvent" e
  WHERE e."accountId" = p.id AND e."occurredAt" >= $6::timestamp AND e."occurredAt" < $5::timestamp
) u ON true
LEFT JOIN LATERAL (
  SELECT count(*)::int AS due, (count(*) FILTER (WHERE "paidAt" IS NOT NULL AND "paidAt" <= "dueAt"))::int AS on_time
  FROM "Invoice" WHERE "accountId" = p.id AND "dueAt" >= $9::timestamp AND "dueAt" < $5::timestamp
) i ON true
LEFT JOIN LATERAL (
  SELECT "endsAt" FROM "Contract"
  WHERE "accountId" = p.id AND "renewalOutcome" = 'PENDING' AND "endsAt" >= $5::timestamp
  ORDER BY "endsAt", id LIMIT 1
) c ON true
ORDER BY p.name, p.id`;

interface PageRow {
  id: string;
  externalId: string;
  name: string;
  segment: string | null;
  plan: string | null;
  seats: number;
  active_users: number;
  logins: number;
  session_count: number;
  session_seconds: string;
  user_days: number;
  features: string[];
  ever_used: boolean;
  surveys: [string, number, number][];
  tickets: TicketCountsByPriority;
  due: number;
  on_time: number;
  reference_score: number | null;
  reference_day: string | null;
  detractors: [number, string][];
  mrr: string;
  renewal_ends_at: Date | null;
  active: boolean;
}

function scoreCounts(rows: PageRow["surveys"], kind: string): ScoreCount[] {
  return rows.filter((row) => row[0] === kind).map(([, score, count]) => ({ score, count }));
}

function accountNode(row: PageRow, settings: Settings) {
  const usage = usageMetrics({
    seats: row.seats,
    windowDays: (now.getTime() - usageFrom.getTime()) / MILLISECONDS_PER_DAY,
    days: USAGE_HEALTH_WINDOW_DAYS,
    activeUsers: row.active_users,
    loginEvents: row.logins,
    sessionCount: row.session_count,
    sessionSeconds: BigInt(row.session_seconds),
    userDays: row.user_days,
    // Only which features were used matters for the fields served here.
    featureCounts: Object.fromEntries(row.features.map((key) => [key, 1])),
    keyFeatures: settings.keyFeatures,
  });
  const nps = npsFromScoreCounts(scoreCounts(row.surveys, "NPS"));
  const csat = csatFromScoreCounts(scoreCounts(row.surveys, "CSAT"));
  const ces = cesFromScoreCounts(scoreCounts(row.surveys, "CES"));
  const values: HealthComponentValues = {
    usage: usageHealthComponent({ usage, everHadUsage: row.ever_used }),
    feedback: feedbackHealthComponent({
      nps: nps?.score ?? null,
      csat: csat?.score ?? null,
      ces: ces?.score ?? null,
    }),
    support: supportLoadFromCounts(row.tickets).score,
    payment: paymentTimelinessFromCounts({ invoicesDue: row.due, paidOnTime: row.on_time }).score,
  };
  const health = healthScore(values, settings.healthConfig);
  const trend = healthTrend({
    score: health.score,
    snapshots:
      row.reference_score === null || row.reference_day === null
        ? []
        : [{ takenAt: new Date(`${row.reference_day}T00:00:00Z`), score: row.reference_score }],
    now,
  });
  const contracts = row.renewal_ends_at
    ? [{ endsAt: row.renewal_ends_at, renewalOutcome: "PENDING" as const }]
    : [];
  const risk = accountRisk({
    now,
    active: row.active,
    health,
    trend,
    npsResponses: row.detractors.map(([score, at]) => ({ score, respondedAt: new Date(`${at}Z`) })),
    contracts,
  });
  return {
    id: globalId("Account", row.id),
    externalId: row.externalId,
    name: row.name,
    segment: row.segment,
    plan: row.plan,
    seats: row.seats,
    health: {
      score: health.score,
      band: health.band,
      trend,
      components: health.components.map((c) => ({
        key: c.key,
        weight: c.weight,
        value: c.value,
        used: c.used,
      })),
    },
    nps: nps && {
      score: nps.score,
      promoters: nps.promoters,
      passives: nps.passives,
      detractors: nps.detractors,
      responses: nps.responses,
    },
    csat: csat && { score: csat.score, average: csat.average, responses: csat.responses },
    ces: ces && { score: ces.score, easyShare: ces.easyShare, responses: ces.responses },
    usage: {
      activeUsers: usage.activeUsers,
      seatUtilization: usage.seatUtilization,
      loginsPerActiveUserPerWeek: usage.loginsPerActiveUserPerWeek,
      averageSessionMinutes: usage.averageSessionMinutes,
      stickiness: usage.stickiness,
      featureAdoption: usage.featureAdoption,
    },
    mrr: { amount: new Decimal(row.mrr).toString(), currency: settings.currency },
    nextRenewal: row.renewal_ends_at && {
      endsAt: row.renewal_ends_at.toISOString(),
      renewalOutcome: "PENDING",
    },
    risk,
  };
}

interface Settings {
  currency: string;
  keyFeatures: string[];
  healthConfig: ReturnType<typeof parseHealthConfig>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

await serveChild(async () => {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10) });
  let statements = 0;
  const names = new Map<string, string>();
  const query = async <Row extends pg.QueryResultRow>(sql: string, params: unknown[]) => {
    statements += 1;
    // Prepared by name per connection, as Pulse's reader does: each statement is planned once.
    let name = names.get(sql);
    if (!name) {
      name = `raw_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
      names.set(sql, name);
    }
    return (await pool.query<Row>({ name, text: sql, values: params })).rows;
  };

  async function dashboard(key: string, first: number, after: string | null) {
    const [auth] = await query<{ workspaceId: string }>(
      `SELECT "workspaceId"::text AS "workspaceId" FROM "ApiKey" WHERE hash = $1 AND "revokedAt" IS NULL`,
      [createHash("sha256").update(key).digest("hex")],
    );
    if (!auth) return { status: 401, body: { errors: [{ message: "Invalid or revoked API key." }] } };
    const cursor = after
      ? (JSON.parse(Buffer.from(after, "base64url").toString("utf8")) as [string, string])
      : null;
    const [settingsRows, rows] = await Promise.all([
      query<{ currency: string; keyFeatures: string[]; healthConfig: unknown }>(
        `SELECT currency, "keyFeatures", "healthConfig" FROM "Workspace" WHERE id = $1`,
        [auth.workspaceId],
      ),
      query<PageRow>(PAGE_SQL, [
        auth.workspaceId,
        first + 1,
        cursor?.[0] ?? null,
        cursor?.[1] ?? null,
        sqlTime(now),
        sqlTime(usageFrom),
        daysBefore(FEEDBACK_HEALTH_WINDOW_DAYS),
        daysBefore(SUPPORT_HEALTH_WINDOW_DAYS),
        daysBefore(PAYMENT_HEALTH_WINDOW_DAYS),
        daysBefore(HEALTH_TREND_DAYS),
        daysBefore(RISK_DETRACTOR_WINDOW_DAYS),
      ]),
    ]);
    const workspace = settingsRows[0];
    if (!workspace) throw new Error("workspace vanished");
    const settings: Settings = {
      currency: workspace.currency,
      keyFeatures: workspace.keyFeatures,
      healthConfig: parseHealthConfig(workspace.healthConfig ?? {}),
    };
    const enabled = Object.entries(settings.healthConfig.components).filter(([, setting]) => setting.enabled);
    if (enabled.some(([key]) => !HEALTH_COMPONENTS_GATHERED.has(key))) {
      throw new Error("R gathers the four default health components only; this workspace enables others");
    }
    const edges = rows
      .slice(0, first)
      .map((row) => ({ cursor: accountCursor(row.name, row.id), node: accountNode(row, settings) }));
    return {
      status: 200,
      body: {
        data: {
          accounts: {
            edges,
            pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
          },
        },
      },
    };
  }

  const server = createServer((request, response) => {
    readBody(request)
      .then(async (text) => {
        const { variables } = JSON.parse(text) as { variables?: { first?: number; after?: string | null } };
        const key = (request.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
        const first = variables?.first ?? 50;
        if (!Number.isInteger(first) || first < 0 || first > 100) {
          return { status: 400, body: { errors: [{ message: "`first` must be between 0 and 100." }] } };
        }
        return dashboard(key, first, variables?.after ?? null);
      })
      .then(
        ({ status, body }) => {
          // Every number rounded as Pulse publishes figures (integers are unchanged by it).
          const json = JSON.stringify(body, (_key, value: unknown) =>
            typeof value === "number" ? roundFigure(value) : value,
          );
          response.writeHead(status, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(json),
          });
          response.end(json);
        },
        (error: unknown) => {
          console.error("[raw]", error);
          response.writeHead(500, { "content-type": "application/json" });
          response.end(JSON.stringify({ errors: [{ message: "internal error" }] }));
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    statements: () => statements,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
});
