// A benchmark data set: one large workspace in its own PostgreSQL database (pulse_bench at 1x,
// pulse_bench10x at 10x), generated deterministically and bulk-loaded with COPY (with a progress
// bar on a terminal, progress lines otherwise, and a time limit past which seeding stops). The workspace, its keys and its health
// snapshots are made by Pulse's own code; every fact table is COPYed. The database is reused
// when it holds a data set made with the same parameters, generator and migrations.
import { randomUUID } from "node:crypto";
import { type Database, migratePostgres, openDatabase } from "@pulse/schema/database";
import { readMigrations } from "@pulse/schema/migrate";
import pg from "pg";
import { adminUrl, type DataSetParameters, type DataSize, GENERATOR_VERSION } from "./config.ts";
import { type CopyValue, copyRows } from "./lib/copy.ts";
import { SeedDeadline, SeedTimeLimitError } from "./lib/progress.ts";
import {
  createWorkspace,
  DEMO_CSMS,
  DEMO_MILESTONES,
  DEMO_PLANS,
  DEMO_SEGMENTS,
  recordHealthSnapshots,
  SeededRandom,
} from "./lib/pulse.ts";

const DAY = 86_400_000;

/** Fixed keys of the benchmark workspace (a throwaway database on loopback). */
export const BENCH_SECRET_KEY = `sk_bench${"0".repeat(32)}`;
export const BENCH_PUBLISHABLE_KEY = `pk_bench${"0".repeat(32)}`;
export const BENCH_SIGNING_SECRET = "whsec_bench_signing_secret";
export const KEY_FEATURES = ["dashboards", "reports", "alerts", "integrations", "api", "sso"];
const OTHER_FEATURES = ["export", "comments", "mobile"];

export interface DataSet {
  url: string;
  workspaceId: string;
  secretKey: string;
  publishableKey: string;
  signingSecret: string;
  /** The instant every server of the benchmark answers "as of" (pinned, so answers compare). */
  now: Date;
  counts: Record<string, number>;
  /** Seconds the generation took when it ran in this process (null when reused). */
  seededInSeconds: number | null;
  /** Per-phase seconds of the generation, when it ran. */
  phases: Record<string, number>;
}

interface Fingerprint {
  version: number;
  dataSet: DataSetParameters;
  migrations: string[];
}

function fingerprint(dataSet: DataSetParameters): Fingerprint {
  return {
    version: GENERATOR_VERSION,
    dataSet,
    migrations: readMigrations().map((migration) => `${migration.name}:${migration.checksum}`),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The stored data set, if the database exists and was seeded with the same fingerprint. */
async function existingDataSet(size: DataSize): Promise<DataSet | null> {
  const { database: databaseName, url: databaseUrl } = size;
  const exists = await withClient(adminUrl, async (admin) => {
    const result = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    return result.rowCount === 1;
  });
  if (!exists) return null;
  return withClient(databaseUrl, async (client) => {
    const table = await client.query("SELECT to_regclass('bench_meta') IS NOT NULL AS present");
    if (!table.rows[0]?.present) {
      // No bench_meta yet: a seeding may be under way in another process (it writes bench_meta
      // last). Dropping the database under it would lose its work: refuse instead.
      const others = await client.query<{ sessions: number }>(
        "SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [databaseName],
      );
      const sessions = others.rows[0]?.sessions ?? 0;
      if (sessions > 0) {
        throw new Error(
          `${databaseName} has no bench_meta and ${sessions} other session(s) connected: another process is seeding it. ` +
            "Wait for it to finish (or stop it) and run again.",
        );
      }
      return null;
    }
    const rows = await client.query<{ key: string; value: string }>("SELECT key, value FROM bench_meta");
    const meta = new Map(rows.rows.map((row) => [row.key, row.value]));
    const current = fingerprint(size.parameters);
    const stored = JSON.parse(meta.get("fingerprint") ?? "null") as Fingerprint | null;
    if (
      !stored ||
      stored.version !== current.version ||
      JSON.stringify(stored.dataSet) !== JSON.stringify(current.dataSet)
    ) {
      return null;
    }
    // The same generator and parameters under older migrations: migrate it, as Pulse migrates a
    // populated database at start-up, instead of seeding again (the 10x data set takes half an hour).
    if (JSON.stringify(stored.migrations) !== JSON.stringify(current.migrations)) {
      const known = new Set(current.migrations);
      if (!stored.migrations.every((migration) => known.has(migration))) return null;
      await migratePostgres(databaseUrl);
      await client.query("UPDATE bench_meta SET value = $1 WHERE key = 'fingerprint'", [
        JSON.stringify(current),
      ]);
    }
    const dataSetRow = JSON.parse(meta.get("dataset") ?? "{}") as Omit<DataSet, "now" | "url"> & {
      now: string;
    };
    return {
      ...dataSetRow,
      url: databaseUrl,
      now: new Date(dataSetRow.now),
      seededInSeconds: null,
      phases: {},
    };
  });
}

/** Reuses the seeded database of `size` or (re)creates and seeds it. */
export async function ensureDataSet(
  log: (line: string) => void,
  size: DataSize,
  options: { reseed?: boolean } = {},
): Promise<DataSet> {
  if (!options.reseed) {
    const existing = await existingDataSet(size);
    if (existing) {
      log(`data set ${size.name}: reusing ${size.database} (seeded for ${existing.now.toISOString()})`);
      return existing;
    }
  }
  return seed(log, size);
}

async function seed(log: (line: string) => void, size: DataSize): Promise<DataSet> {
  const { database: databaseName, url: databaseUrl, parameters: dataSet } = size;
  const deadline = new SeedDeadline(databaseName, size.seedLimitSeconds);
  const startedAt = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string) => {
    deadline.check(name);
    const seconds = (performance.now() - phaseStart) / 1000;
    phases[name] = Math.round(seconds * 10) / 10;
    log(`  ${name}: ${seconds.toFixed(1)} s`);
    phaseStart = performance.now();
  };
  log(
    `data set ${size.name}: seeding ${databaseName} (${JSON.stringify(dataSet)}; limit ${size.seedLimitSeconds} s)`,
  );
  await withClient(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${databaseName}"`);
  });
  await migratePostgres(databaseUrl);
  phase("create database and apply migrations");

  // Yesterday at noon: mid-day, so the trailing windows do not fall on day boundaries, and always in
  // the past of the wall clock (today's noon is ahead of it every morning, and facts dated ahead
  // of the server's clock are refused). The servers and every token signer use this instant.
  const anchor = new Date(startOfUtcDay(new Date()).getTime() - DAY);
  const now = new Date(anchor.getTime() + 12 * 3_600_000);
  const database = await openDatabase({ url: databaseUrl, migrate: false, poolSize: 4 });
  let counts: Record<string, number>;
  let created: Awaited<ReturnType<typeof createWorkspace>>;
  try {
    created = await createWorkspace(
      database.prisma,
      { name: "Benchmark Corp", slug: "bench" },
      { secret: BENCH_SECRET_KEY, publishable: BENCH_PUBLISHABLE_KEY, signingSecret: BENCH_SIGNING_SECRET },
    );
    await database.prisma.workspace.update({
      where: { id: created.workspaceId },
      data: { keyFeatures: KEY_FEATURES },
    });
    counts = await withClient(databaseUrl, (client) =>
      loadFacts(client, created.workspaceId, anchor, dataSet, phase, deadline),
    );
    counts.healthSnapshot = await snapshots(database, created.workspaceId, now);
    phase("health snapshots (today and 31 days ago, Pulse's recordHealthSnapshots)");
  } finally {
    await database.close();
  }
  const result: DataSet = {
    url: databaseUrl,
    workspaceId: created.workspaceId,
    secretKey: created.secretKey,
    publishableKey: created.publishableKey,
    signingSecret: created.signingSecret,
    now,
    counts,
    seededInSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
    phases,
  };
  await withClient(databaseUrl, async (client) => {
    await client.query("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)");
    const { seededInSeconds: _, phases: __, url: ___, ...stored } = result;
    await client.query("INSERT INTO bench_meta VALUES ('fingerprint', $1), ('dataset', $2)", [
      JSON.stringify(fingerprint(dataSet)),
      JSON.stringify({ ...stored, now: now.toISOString() }),
    ]);
  });
  log(`data set ${size.name}: seeded in ${result.seededInSeconds} s`);
  return result;
}

async function snapshots(database: Database, workspaceId: string, now: Date): Promise<number> {
  const earlier = await recordHealthSnapshots(database, workspaceId, {
    day: new Date(now.getTime() - 31 * DAY),
    now,
  });
  const today = await recordHealthSnapshots(database, workspaceId, { now });
  return earlier + today;
}

const SEGMENTS = DEMO_SEGMENTS;
type Segment = (typeof SEGMENTS)[number];
const TIERS = DEMO_PLANS;
const CSMS = DEMO_CSMS;
const NAME_A = [
  "Blue",
  "Northern",
  "Quantum",
  "Silver",
  "Bright",
  "Iron",
  "Cedar",
  "Nova",
  "Harbor",
  "Summit",
];
const NAME_B = ["Logistics", "Health", "Robotics", "Foods", "Labs", "Capital", "Media", "Energy", "Retail"];
const MILESTONES = DEMO_MILESTONES;
const SURVEYS = [
  { key: "nps", kind: "NPS", question: "How likely are you to recommend us?", reaskIntervalDays: 90 },
  { key: "csat", kind: "CSAT", question: "How satisfied are you with our support?", reaskIntervalDays: 30 },
  { key: "ces", kind: "CES", question: "How easy was it to get set up?", reaskIntervalDays: 180 },
] as const;

interface Profile {
  index: number;
  id: string;
  segment: Segment;
  seats: number;
  tendency: number;
  startMrr: number;
  signedUpAt: Date;
  churnedAt: Date | null;
  firstValueAt: Date | null;
  achievements: { milestoneIndex: number; achievedAt: Date }[];
  contacts: string[];
  /** Facts stop at churn (or at the anchor day). */
  activeUntil: Date;
}

/** Splits `total` over the weights, exactly (largest remainders). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, rest: value - Math.floor(value) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { index } of order) {
    if (left-- <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

async function loadFacts(
  client: pg.Client,
  workspaceId: string,
  anchor: Date,
  parameters: DataSetParameters,
  phase: (name: string) => void,
  deadline: SeedDeadline,
): Promise<Record<string, number>> {
  // Statements other than COPY (the rollup, VACUUM) are bounded by the time left, too.
  const bounded = async <T>(during: string, work: () => Promise<T>): Promise<T> => {
    deadline.check(during);
    await client.query(`SET statement_timeout = ${Math.max(1, deadline.remainingMs())}`);
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code === "57014") {
        throw new SeedTimeLimitError(deadline.database, deadline.limitSeconds, during);
      }
      throw error;
    } finally {
      await client.query("SET statement_timeout = 0");
    }
  };
  const random = new SeededRandom(7_2026);
  const at = (daysAgo: number) => new Date(anchor.getTime() - daysAgo * DAY);
  const between = (from: Date, to: Date) =>
    new Date(from.getTime() + random.next() * (to.getTime() - from.getTime()));
  const counts: Record<string, number> = {};
  const milestoneIds = MILESTONES.map(() => random.uuid());
  const surveyIds = SURVEYS.map(() => random.uuid());

  // Accounts first: every other table draws on their profile (tendency 0 = struggling … 1 = thriving).
  const profiles: Profile[] = [];
  const accountRows: CopyValue[][] = [];
  for (let index = 0; index < parameters.accounts; index++) {
    const segment = random.pick(SEGMENTS);
    const tier = random.pick(TIERS[segment]);
    const tendency = clamp(0.15 + random.next() * 0.7 + (random.chance(0.5) ? 0.15 : 0), 0, 1);
    const signedUpDaysAgo = random.int(10, 1100);
    const signedUpAt = new Date(at(signedUpDaysAgo).getTime() + random.int(8, 18) * 3_600_000);
    // About one in eight churns within the last year, a few more before.
    let churnedAt: Date | null = null;
    if (signedUpDaysAgo > 60 && random.chance(tendency < 0.4 ? 0.35 : 0.05)) {
      churnedAt = at(random.int(1, Math.min(700, signedUpDaysAgo - 30)));
    }
    const achievements: Profile["achievements"] = [];
    let firstValueAt: Date | null = null;
    MILESTONES.forEach((milestone, milestoneIndex) => {
      if (!random.chance(0.25 + tendency * 0.7)) return;
      const after = Math.max(0.5, milestone.targetDays * (0.3 + (1 - tendency) * 1.5) + random.int(-2, 4));
      const achievedAt = new Date(signedUpAt.getTime() + after * DAY);
      if (achievedAt >= anchor || (churnedAt && achievedAt >= churnedAt)) return;
      achievements.push({ milestoneIndex, achievedAt });
      if (milestone.isFirstValue) firstValueAt = achievedAt;
    });
    const id = random.uuid();
    const contacts = Array.from({ length: random.int(2, segment === "SMB" ? 4 : 9) }, () => random.uuid());
    profiles.push({
      index,
      id,
      segment,
      seats: random.int(tier.seats[0], tier.seats[1]),
      tendency,
      startMrr: random.int(tier.mrr[0], tier.mrr[1]),
      signedUpAt,
      churnedAt,
      firstValueAt,
      achievements,
      contacts,
      activeUntil: churnedAt ?? anchor,
    });
    const stage = churnedAt
      ? "CHURNED"
      : signedUpDaysAgo < 45
        ? "ONBOARDING"
        : signedUpDaysAgo < 120
          ? "ADOPTION"
          : "ACTIVE";
    const profile = profiles[index] as Profile;
    accountRows.push([
      id,
      workspaceId,
      `acct_${String(index + 1).padStart(6, "0")}`,
      `${random.pick(NAME_A)} ${random.pick(NAME_B)} ${index + 1}`,
      segment,
      tier.plan,
      profile.seats,
      random.pick(CSMS),
      stage,
      signedUpAt,
      firstValueAt,
      churnedAt,
      anchor,
    ]);
  }

  counts.milestone = await copyRows(
    client,
    "Milestone",
    ["id", "workspaceId", "key", "name", "position", "targetDays", "isFirstValue"],
    MILESTONES.map((m, position) => [
      milestoneIds[position],
      workspaceId,
      m.key,
      m.name,
      position,
      m.targetDays,
      m.isFirstValue,
    ]),
    { deadline },
  );
  counts.survey = await copyRows(
    client,
    "Survey",
    ["id", "workspaceId", "key", "kind", "question", "reaskIntervalDays"],
    SURVEYS.map((s, i) => [surveyIds[i], workspaceId, s.key, s.kind, s.question, s.reaskIntervalDays]),
    { deadline },
  );
  counts.account = await copyRows(
    client,
    "Account",
    [
      "id",
      "workspaceId",
      "externalId",
      "name",
      "segment",
      "plan",
      "seats",
      "csmOwner",
      "lifecycleStage",
      "signedUpAt",
      "firstValueAt",
      "churnedAt",
      "updatedAt",
    ],
    accountRows,
    { label: "accounts", expected: parameters.accounts, deadline },
  );
  counts.contact = await copyRows(
    client,
    "Contact",
    ["id", "workspaceId", "accountId", "externalId", "email", "name", "isExecutive"],
    (function* () {
      for (const p of profiles) {
        for (const [c, contactId] of p.contacts.entries()) {
          const externalId = `user_${p.index + 1}_${c + 1}`;
          yield [
            contactId,
            workspaceId,
            p.id,
            externalId,
            `${externalId}@example.com`,
            `User ${c + 1}`,
            c === 0,
          ];
        }
      }
    })(),
    { label: "contacts", expected: profiles.reduce((sum, p) => sum + p.contacts.length, 0), deadline },
  );
  counts.milestoneAchievement = await copyRows(
    client,
    "MilestoneAchievement",
    ["id", "workspaceId", "milestoneId", "accountId", "achievedAt"],
    (function* () {
      for (const p of profiles) {
        for (const a of p.achievements) {
          yield [randomUUID(), workspaceId, milestoneIds[a.milestoneIndex], p.id, a.achievedAt];
        }
      }
    })(),
    { label: "milestone achievements", expected: null, deadline },
  );
  phase(`accounts, contacts, milestones (${counts.account} accounts, ${counts.contact} contacts)`);

  // Revenue: NEW at sign-up, monthly expansion/contraction over the last 12 months, CHURN at churn.
  const mrrNow = new Map<string, number>();
  counts.revenueEvent = await copyRows(
    client,
    "RevenueEvent",
    ["id", "workspaceId", "accountId", "externalId", "kind", "mrrDelta", "occurredAt"],
    (function* () {
      for (const p of profiles) {
        let mrr = p.startMrr;
        yield [randomUUID(), workspaceId, p.id, `rev_${p.index}_new`, "NEW", mrr, p.signedUpAt];
        for (let month = parameters.revenueMonths; month >= 1; month--) {
          const when = new Date(at(month * 30).getTime() + random.int(0, 20) * DAY);
          if (when <= p.signedUpAt || when >= p.activeUntil) continue;
          const roll = random.next();
          let delta = 0;
          let kind = "";
          if (roll < 0.05 + p.tendency * 0.12) {
            delta = Math.round(mrr * (0.05 + random.next() * 0.25));
            kind = "EXPANSION";
          } else if (roll > 0.96 - (1 - p.tendency) * 0.06) {
            delta = -Math.round(mrr * (0.05 + random.next() * 0.2));
            kind = "CONTRACTION";
          }
          if (kind && delta !== 0) {
            mrr += delta;
            yield [randomUUID(), workspaceId, p.id, `rev_${p.index}_${month}`, kind, delta, when];
          }
        }
        if (p.churnedAt) {
          yield [randomUUID(), workspaceId, p.id, `rev_${p.index}_churn`, "CHURN", -mrr, p.churnedAt];
          mrr = 0;
        }
        mrrNow.set(p.id, mrr);
      }
    })(),
    { label: "revenue events", expected: null, deadline },
  );
  counts.contract = await copyRows(
    client,
    "Contract",
    ["id", "workspaceId", "accountId", "externalId", "startsAt", "endsAt", "value", "renewalOutcome"],
    (function* () {
      for (const p of profiles) {
        for (let year = 0; ; year++) {
          const startsAt = new Date(p.signedUpAt.getTime() + year * 365 * DAY);
          if (startsAt >= anchor || (p.churnedAt && startsAt >= p.churnedAt)) break;
          const endsAt = new Date(startsAt.getTime() + 365 * DAY);
          const outcome =
            endsAt > anchor ? "PENDING" : p.churnedAt && endsAt >= p.churnedAt ? "CHURNED" : "RENEWED";
          yield [
            randomUUID(),
            workspaceId,
            p.id,
            `ctr_${p.index}_${year}`,
            startsAt,
            endsAt,
            (mrrNow.get(p.id) || p.startMrr) * 12,
            outcome,
          ];
        }
      }
    })(),
    { label: "contracts", expected: null, deadline },
  );
  phase(`revenue events and contracts (${counts.revenueEvent} + ${counts.contract})`);

  // Usage: exactly `usageEvents` events, apportioned by activity (days active × contacts × tendency).
  const usageFrom = at(parameters.usageDays);
  const usageWindow = (p: Profile) => {
    const from = new Date(Math.max(p.signedUpAt.getTime(), usageFrom.getTime()));
    return { from, to: p.activeUntil, days: Math.max(0, (p.activeUntil.getTime() - from.getTime()) / DAY) };
  };
  const usageCounts = apportion(
    parameters.usageEvents,
    profiles.map((p) => usageWindow(p).days * p.contacts.length * (0.1 + p.tendency)),
  );
  counts.usageEvent = await copyRows(
    client,
    "UsageEvent",
    ["id", "workspaceId", "accountId", "contactId", "kind", "featureKey", "durationSeconds", "occurredAt"],
    (function* () {
      for (const p of profiles) {
        let left = usageCounts[p.index] ?? 0;
        const window = usageWindow(p);
        const keyFeatures = KEY_FEATURES.slice(0, 2 + Math.round(p.tendency * 4));
        while (left > 0) {
          const contactId = random.pick(p.contacts);
          const loginAt = between(window.from, window.to);
          yield [randomUUID(), workspaceId, p.id, contactId, "LOGIN", null, null, loginAt];
          if (--left === 0) break;
          const seconds = random.int(60, 600 + Math.round(p.tendency * 2400));
          yield [randomUUID(), workspaceId, p.id, contactId, "SESSION", null, seconds, loginAt];
          left--;
          for (let f = random.int(0, 1 + Math.round(p.tendency * 3)); f > 0 && left > 0; f--, left--) {
            const feature = random.chance(0.3 + p.tendency * 0.5)
              ? random.pick(keyFeatures)
              : random.pick(OTHER_FEATURES);
            const when = new Date(Math.min(loginAt.getTime() + f * 60_000, window.to.getTime() - 1));
            yield [randomUUID(), workspaceId, p.id, contactId, "FEATURE", feature, null, when];
          }
        }
      }
    })(),
    { label: "usage events", expected: parameters.usageEvents, deadline },
  );
  phase(`usage events (${counts.usageEvent})`);

  const rollup = await client.query("SELECT to_regclass('\"UsageDaily\"') IS NOT NULL AS present");
  if (rollup.rows[0]?.present) {
    // Same rules as ingestion's rollup: one row per account, UTC day and contact ("-" without one).
    const inserted = await bounded("the UsageDaily rollup", () =>
      client.query(
        `
      INSERT INTO "UsageDaily" ("workspaceId", "accountId", "contactKey", day, logins, sessions, "sessionSeconds", "featureEvents", features)
      SELECT t."workspaceId", t."accountId", t."contactKey", t.day, t.logins, t.sessions, t."sessionSeconds", t."featureEvents",
             COALESCE(f.features, '{}'::jsonb)
      FROM (
        SELECT "workspaceId", "accountId", COALESCE("contactId"::text, '-') AS "contactKey", "occurredAt"::date AS day,
               count(*) FILTER (WHERE kind = 'LOGIN') AS logins,
               count(*) FILTER (WHERE kind = 'SESSION') AS sessions,
               COALESCE(sum("durationSeconds") FILTER (WHERE kind = 'SESSION'), 0) AS "sessionSeconds",
               count(*) FILTER (WHERE kind = 'FEATURE') AS "featureEvents"
        FROM "UsageEvent" WHERE "workspaceId" = $1 GROUP BY 1, 2, 3, 4
      ) t
      LEFT JOIN (
        SELECT "accountId", "contactKey", day, jsonb_object_agg("featureKey", n) AS features
        FROM (SELECT "accountId", COALESCE("contactId"::text, '-') AS "contactKey", "occurredAt"::date AS day,
                     "featureKey", count(*) AS n
              FROM "UsageEvent" WHERE "workspaceId" = $1 AND kind = 'FEATURE' GROUP BY 1, 2, 3, 4) per_feature
        GROUP BY 1, 2, 3
      ) f USING ("accountId", "contactKey", day)`,
        [workspaceId],
      ),
    );
    counts.usageDaily = inserted.rowCount ?? 0;
    phase(`UsageDaily rollup (${counts.usageDaily} rows)`);
  }

  // Survey responses: exactly `surveyResponses`, over the last 365 days; about 60 % NPS, 30 % CSAT, 10 % CES.
  const surveyFrom = at(365);
  const responseWindow = (p: Profile) => {
    const from = new Date(Math.max(p.signedUpAt.getTime(), surveyFrom.getTime()));
    return { from, to: p.activeUntil, days: Math.max(0, (p.activeUntil.getTime() - from.getTime()) / DAY) };
  };
  const responseCounts = apportion(
    parameters.surveyResponses,
    profiles.map((p) => responseWindow(p).days * p.contacts.length),
  );
  counts.surveyResponse = await copyRows(
    client,
    "SurveyResponse",
    [
      "id",
      "workspaceId",
      "surveyId",
      "accountId",
      "contactId",
      "kind",
      "score",
      "comment",
      "idempotencyKey",
      "createdAt",
      "updatedAt",
    ],
    (function* () {
      for (const p of profiles) {
        const window = responseWindow(p);
        for (let n = 0; n < (responseCounts[p.index] ?? 0); n++) {
          const roll = random.next();
          const survey = roll < 0.6 ? 0 : roll < 0.9 ? 1 : 2;
          const noise = random.next() - 0.5;
          const score =
            survey === 0
              ? clamp(Math.round(3.5 + p.tendency * 7 + noise * 3), 0, 10)
              : survey === 1
                ? clamp(Math.round(2.6 + p.tendency * 2.8 + noise * 1.6), 1, 5)
                : clamp(Math.round(3 + p.tendency * 4 + noise * 2), 1, 7);
          const createdAt = between(window.from, window.to);
          yield [
            randomUUID(),
            workspaceId,
            surveyIds[survey],
            p.id,
            random.pick(p.contacts),
            SURVEYS[survey]?.kind,
            score,
            score <= 2 ? "Reports are slow." : null,
            `seed_${p.index}_${n}`,
            createdAt,
            createdAt,
          ];
        }
      }
    })(),
    { label: "survey responses", expected: parameters.surveyResponses, deadline },
  );
  phase(`survey responses (${counts.surveyResponse})`);

  counts.supportTicket = await copyRows(
    client,
    "SupportTicket",
    ["id", "workspaceId", "accountId", "externalId", "subject", "priority", "openedAt", "resolvedAt"],
    (function* () {
      for (const p of profiles) {
        const tickets = random.int(0, Math.round(1 + (1 - p.tendency) * 7));
        for (let t = 0; t < tickets; t++) {
          const openedAt = at(random.int(1, 180));
          if (openedAt < p.signedUpAt || openedAt >= p.activeUntil) continue;
          const priority = random.chance(0.15 * (1 - p.tendency))
            ? "URGENT"
            : random.chance(0.3 * (1 - p.tendency))
              ? "HIGH"
              : random.pick(["LOW", "NORMAL", "NORMAL"]);
          const resolvedAt = new Date(openedAt.getTime() + random.int(1, 72) * 3_600_000);
          yield [
            randomUUID(),
            workspaceId,
            p.id,
            `tkt_${p.index}_${t}`,
            "Slow dashboard",
            priority,
            openedAt,
            resolvedAt < anchor ? resolvedAt : null,
          ];
        }
      }
    })(),
    { label: "tickets", expected: null, deadline },
  );
  counts.invoice = await copyRows(
    client,
    "Invoice",
    ["id", "workspaceId", "accountId", "externalId", "amount", "dueAt", "paidAt"],
    (function* () {
      for (const p of profiles) {
        for (let m = 12; m >= 1; m--) {
          const dueAt = at(m * 30 - 15);
          if (dueAt < p.signedUpAt || dueAt >= p.activeUntil) continue;
          const late = random.chance(0.05 + (1 - p.tendency) * 0.35);
          const paidAt = late
            ? random.chance(0.7)
              ? new Date(dueAt.getTime() + random.int(3, 40) * DAY)
              : null
            : new Date(dueAt.getTime() - random.int(0, 5) * DAY);
          yield [
            randomUUID(),
            workspaceId,
            p.id,
            `inv_${p.index}_${m}`,
            mrrNow.get(p.id) || p.startMrr,
            dueAt,
            paidAt && paidAt < anchor ? paidAt : null,
          ];
        }
      }
    })(),
    { label: "invoices", expected: null, deadline },
  );
  counts.sentimentEntry = await copyRows(
    client,
    "SentimentEntry",
    ["id", "workspaceId", "accountId", "externalId", "rating", "note", "createdAt"],
    (function* () {
      for (const p of profiles) {
        for (let m = 6; m >= 0; m--) {
          const createdAt = at(m * 30 + random.int(0, 10));
          if (createdAt < p.signedUpAt || createdAt >= p.activeUntil || !random.chance(0.6)) continue;
          const value = p.tendency + (random.next() - 0.5) * 0.4;
          const rating = value > 0.6 ? "GREEN" : value > 0.35 ? "YELLOW" : "RED";
          yield [
            randomUUID(),
            workspaceId,
            p.id,
            `snt_${p.index}_${m}`,
            rating,
            "Monthly check-in.",
            createdAt,
          ];
        }
      }
    })(),
    { label: "sentiment entries", expected: null, deadline },
  );
  counts.businessReview = await copyRows(
    client,
    "BusinessReview",
    ["id", "workspaceId", "accountId", "externalId", "heldAt", "executivesAttended", "outcome"],
    (function* () {
      for (const p of profiles) {
        if (p.segment === "SMB") continue;
        for (let r = random.int(0, 3); r > 0; r--) {
          const heldAt = at(random.int(5, 500));
          if (heldAt < p.signedUpAt || heldAt >= p.activeUntil) continue;
          const outcome = random.chance(0.15) ? null : random.chance(0.3 + p.tendency * 0.6) ? "UP" : "DOWN";
          yield [randomUUID(), workspaceId, p.id, `ebr_${p.index}_${r}`, heldAt, random.int(0, 3), outcome];
        }
      }
    })(),
    { label: "reviews", expected: null, deadline },
  );
  phase(
    `tickets, invoices, sentiment, reviews (${counts.supportTicket} + ${counts.invoice} + ${counts.sentimentEntry} + ${counts.businessReview})`,
  );
  await bounded("VACUUM ANALYZE", () => client.query("VACUUM ANALYZE"));
  phase("VACUUM ANALYZE");
  return counts;
}
