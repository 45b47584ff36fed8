// F: measurements behind the findings, each small and self-contained.
// - Deleting a contact as the schema is and with contactId indexes added (rolled back).
// - Where a `portfolio` request's time goes: the workspace-wide read, the per-request account
//   histories and each formula over them, timed in this process on the same data, against the
//   same totals read with SQL aggregates.
import { openDatabase } from "@pulse/schema/database";
import {
  accountHistory,
  averageRevenuePerAccountFromHistories,
  logoRetentionFromHistories,
  portfolioLifetimeValueFromHistories,
  revenueRetention,
  revenueRetentionFromHistories,
} from "@pulse/schema/metrics";
import pg from "pg";
import {
  createDomainParts,
  loadPortfolioAccounts,
  orderedAccountIds,
  SnapshotRefresher,
  workspaceContext,
} from "../lib/pulse.ts";
import type { Run } from "../lib/run.ts";

export interface ProbeResults {
  contactDelete: { schemaHasIndex: boolean; asSchemaMs: number; withIndexMs: number; indexBuildMs: number };
  portfolio: { step: string; ms: number }[];
}

async function timed<T>(work: () => Promise<T> | T, repeat = 3): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const startedAt = performance.now();
    value = await work();
    times.push(performance.now() - startedAt);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, value: value as T };
}

/** Median time to delete one of three contacts, in a transaction that is rolled back. */
async function timeContactDeletes(
  url: string,
  withIndex: boolean,
): Promise<{ ms: number; indexBuildMs: number }> {
  // A new session each time: foreign-key triggers cache their plans per session.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    let indexBuildMs = 0;
    if (withIndex) {
      indexBuildMs = (
        await timed(async () => {
          await client.query(`CREATE INDEX "bench_UsageEvent_contactId" ON "UsageEvent" ("contactId")`);
          await client.query(
            `CREATE INDEX "bench_SurveyResponse_contactId" ON "SurveyResponse" ("contactId")`,
          );
        }, 1)
      ).ms;
    }
    const contacts = await client.query<{ id: string }>(
      `SELECT id FROM "Contact" ORDER BY id OFFSET $1 LIMIT 3`,
      [withIndex ? 10 : 20],
    );
    const times: number[] = [];
    for (const { id } of contacts.rows) {
      times.push((await timed(() => client.query(`DELETE FROM "Contact" WHERE id = $1`, [id]), 1)).ms);
    }
    times.sort((a, b) => a - b);
    return { ms: times[1] ?? Number.NaN, indexBuildMs };
  } finally {
    await client.query("ROLLBACK");
    await client.end();
  }
}

async function contactDelete(url: string): Promise<ProbeResults["contactDelete"]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const indexed = await client
    .query(`SELECT 1 FROM pg_indexes WHERE tablename = 'UsageEvent' AND indexdef LIKE '%("contactId")%'`)
    .finally(() => client.end());
  const asSchema = await timeContactDeletes(url, false);
  const withIndex = await timeContactDeletes(url, true);
  return {
    schemaHasIndex: (indexed.rowCount ?? 0) > 0,
    asSchemaMs: asSchema.ms,
    withIndexMs: withIndex.ms,
    indexBuildMs: withIndex.indexBuildMs,
  };
}

async function portfolioSteps(run: Run): Promise<ProbeResults["portfolio"]> {
  const database = await openDatabase({ url: run.data.url, migrate: false, poolSize: 4 });
  try {
    const { workspaceId, now } = run.data;
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const period = {
      from: new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate())),
      to,
    };
    const steps: ProbeResults["portfolio"] = [];
    const read = await timed(() => loadPortfolioAccounts(database.primaryReader, workspaceId));
    steps.push({
      step: "read every account and revenue event (one statement, one JSON document)",
      ms: read.ms,
    });
    const accounts = read.value;
    const settings = { grossMargin: "0.8", lifetimeCapMonths: 60 };
    const build = await timed(() => {
      const built = accounts.map(accountHistory);
      for (const history of built) history.revenue();
      return built;
    });
    steps.push({
      step: "check every account once and build its revenue timeline (once per request)",
      ms: build.ms,
    });
    const histories = build.value;
    steps.push({
      step: "logoRetention over the shared histories",
      ms: (await timed(() => logoRetentionFromHistories(histories, period))).ms,
    });
    steps.push({
      step: "revenueRetention over the shared histories",
      ms: (await timed(() => revenueRetentionFromHistories(histories, period))).ms,
    });
    steps.push({
      step: "averageRevenuePerAccount over the shared histories",
      ms: (await timed(() => averageRevenuePerAccountFromHistories(histories, to))).ms,
    });
    steps.push({
      step: "portfolioLifetimeValue over the shared histories",
      ms: (await timed(() => portfolioLifetimeValueFromHistories(histories, to, settings))).ms,
    });
    steps.push({
      step: "for comparison: revenueRetention on the rows (checks every account itself)",
      ms: (await timed(() => revenueRetention(accounts, period))).ms,
    });
    const parts = createDomainParts(database);
    const context = () =>
      workspaceContext(
        { database, snapshots: new SnapshotRefresher(database), ...parts },
        { keyId: "probe", workspaceId, kind: "SECRET", scopes: ["read"] },
        now,
      );
    steps.push({
      step: "at-risk accounts by MRR (orderedAccountIds, fresh context)",
      ms: (await timed(() => orderedAccountIds(context(), { atRisk: true }, "MRR", "DESC"))).ms,
    });
    const sql = await timed(
      () =>
        database.prisma.$queryRaw`
        SELECT "accountId", sum("mrrDelta") FILTER (WHERE "occurredAt" < ${period.from}) AS "startMrr",
               sum("mrrDelta") FILTER (WHERE "occurredAt" < ${period.to}) AS "endMrr",
               sum("mrrDelta") FILTER (WHERE kind = 'EXPANSION' AND "occurredAt" >= ${period.from} AND "occurredAt" < ${period.to}) AS expansion,
               sum("mrrDelta") FILTER (WHERE kind = 'CONTRACTION' AND "occurredAt" >= ${period.from} AND "occurredAt" < ${period.to}) AS contraction
        FROM "RevenueEvent" WHERE "workspaceId" = ${workspaceId}::uuid GROUP BY 1`,
    );
    steps.push({
      step: "alternative: MRR at both ends and movements per account in one SQL aggregate",
      ms: sql.ms,
    });
    return steps;
  } finally {
    await database.close();
  }
}

export async function probes(run: Run): Promise<ProbeResults> {
  const contact = await contactDelete(run.data.url);
  run.log(
    `F contact delete: ${contact.asSchemaMs.toFixed(1)} ms as the schema is (` +
      `${contact.schemaHasIndex ? "it indexes" : "no index on"} UsageEvent.contactId), ` +
      `${contact.withIndexMs.toFixed(1)} ms with contactId indexes added (built in ${(contact.indexBuildMs / 1000).toFixed(1)} s)`,
  );
  const portfolio = await portfolioSteps(run);
  for (const step of portfolio) run.log(`F portfolio: ${step.step}: ${step.ms.toFixed(0)} ms`);
  return { contactDelete: contact, portfolio };
}
