// A hand-made data set, ingested only through the API over real HTTP, and every number checked
// against values computed by hand from PRODUCT.md's definitions (its worked examples included),
// on PGlite and on PostgreSQL.
import type { Database } from "@pulse/schema/database";
import { openDatabase } from "@pulse/schema/database";
import { createTestDatabase } from "@pulse/schema/test/postgres";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { createWorkspace } from "@pulse/server/workspaces";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const NOW = new Date("2026-07-01T00:00:00Z");
const day = (iso: string) => `${iso}T12:00:00Z`;

async function call<Data = Record<string, unknown>>(
  server: StartedServer,
  key: string,
  query: string,
  variables?: unknown,
) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data as Data;
}

/** Sends a batch and checks it was accepted whole. */
async function ingest(
  server: StartedServer,
  key: string,
  mutation: string,
  inputType: string,
  items: unknown[],
) {
  const data = await call<
    Record<string, { __typename: string; data?: { created: number }; fields?: unknown }>
  >(
    server,
    key,
    `mutation($items: [${inputType}!]!) { result: ${mutation}(input: { items: $items }) {
      __typename ... on ValidationError { message fields { path message } } ... on ${`Mutation${mutation[0]?.toUpperCase()}${mutation.slice(1)}Success`} { data { created updated unchanged } } } }`,
    { items },
  );
  expect(data.result?.__typename, JSON.stringify(data.result)).toMatch(/Success$/);
  return data.result;
}

for (const kind of ["pglite", "postgres"] as const) {
  describe(`a hand-made portfolio through the API on ${kind}`, () => {
    let database: Database;
    let server: StartedServer;
    let key: string;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      if (kind === "pglite") {
        database = await openDatabase({ dataDir: ":memory:" });
        cleanup = () => database.close();
      } else {
        const pg = await createTestDatabase("e2e");
        database = await openDatabase({ url: pg.url });
        cleanup = async () => {
          await database.close();
          await pg.drop();
        };
      }
      key = (await createWorkspace(database.prisma, { name: "Hand made", slug: "hand" })).secretKey;
      server = await startHttpServer({ database, port: 0, clock: () => NOW });

      await call(
        server,
        key,
        `mutation { updateWorkspace(input: { keyFeatures: ["a", "b", "c", "d", "e"], grossMargin: "0.8" }) { __typename } }`,
      );
      for (const [surveyKey, surveyKind] of [
        ["nps", "NPS"],
        ["csat", "CSAT"],
        ["ces", "CES"],
      ]) {
        await call(
          server,
          key,
          `mutation { upsertSurvey(input: { key: "${surveyKey}", kind: ${surveyKind}, question: "?" }) { __typename } }`,
        );
      }
      await call(
        server,
        key,
        `mutation { upsertMilestone(input: { key: "first-value", name: "First value", position: 1, targetDays: 14, isFirstValue: true }) { __typename } }`,
      );

      await ingest(server, key, "upsertAccounts", "AccountInput", [
        { externalId: "A", name: "Acme", seats: 10, segment: "Enterprise", signedUpAt: "2025-01-01" },
        { externalId: "B", name: "Bravo", seats: 5, segment: "SMB", signedUpAt: "2025-02-01" },
        { externalId: "C", name: "Cobalt", seats: 5, segment: "SMB", signedUpAt: "2025-03-01" },
        {
          externalId: "D",
          name: "Delta",
          seats: 5,
          segment: "SMB",
          signedUpAt: "2025-04-01",
          churnedAt: "2026-04-01",
        },
        { externalId: "E", name: "Echo", seats: 5, segment: "SMB", signedUpAt: "2026-05-01" },
      ]);
      // Starting MRR 10,000; expansion 1,500; contraction 500; churned 1,000 (PRODUCT.md's example).
      await ingest(server, key, "upsertRevenueEvents", "RevenueEventInput", [
        { externalId: "r1", accountExternalId: "A", kind: "NEW", mrrDelta: "1000", occurredAt: "2025-01-01" },
        { externalId: "r2", accountExternalId: "B", kind: "NEW", mrrDelta: "5000", occurredAt: "2025-02-01" },
        { externalId: "r3", accountExternalId: "C", kind: "NEW", mrrDelta: "3000", occurredAt: "2025-03-01" },
        { externalId: "r4", accountExternalId: "D", kind: "NEW", mrrDelta: "1000", occurredAt: "2025-04-01" },
        {
          externalId: "r5",
          accountExternalId: "A",
          kind: "EXPANSION",
          mrrDelta: "1500",
          occurredAt: "2026-03-01",
        },
        {
          externalId: "r6",
          accountExternalId: "B",
          kind: "CONTRACTION",
          mrrDelta: "-500",
          occurredAt: "2026-02-01",
        },
        {
          externalId: "r7",
          accountExternalId: "D",
          kind: "CHURN",
          mrrDelta: "-1000",
          occurredAt: "2026-04-01",
        },
        { externalId: "r8", accountExternalId: "E", kind: "NEW", mrrDelta: "200", occurredAt: "2026-05-01" },
      ]);
      await ingest(server, key, "upsertContracts", "ContractInput", [
        {
          externalId: "k1",
          accountExternalId: "A",
          startsAt: "2025-02-01",
          endsAt: "2026-02-01",
          renewalOutcome: "RENEWED",
        },
        {
          externalId: "k2",
          accountExternalId: "B",
          startsAt: "2025-03-01",
          endsAt: "2026-03-01",
          renewalOutcome: "RENEWED",
        },
        {
          externalId: "k3",
          accountExternalId: "D",
          startsAt: "2025-04-01",
          endsAt: "2026-04-01",
          renewalOutcome: "CHURNED",
        },
        {
          externalId: "k4",
          accountExternalId: "C",
          startsAt: "2025-05-01",
          endsAt: "2026-05-01",
          renewalOutcome: "PENDING",
        },
        {
          externalId: "k5",
          accountExternalId: "A",
          startsAt: "2026-02-01",
          endsAt: "2027-02-01",
          renewalOutcome: "PENDING",
        },
      ]);
      // Account A: 8 active users of 10 seats, 3 of 5 key features → usage 70.
      const contacts = Array.from({ length: 8 }, (_, i) => ({
        externalId: `a-user-${i}`,
        accountExternalId: "A",
        name: `User ${i}`,
      }));
      await ingest(server, key, "upsertContacts", "ContactInput", contacts);
      await ingest(server, key, "recordUsageEvents", "UsageEventInput", [
        ...contacts.map((c, i) => ({
          externalId: `login-${i}`,
          accountExternalId: "A",
          contactExternalId: c.externalId,
          kind: "LOGIN",
          occurredAt: day("2026-06-20"),
        })),
        ...["a", "b", "c", "x"].map((feature, i) => ({
          externalId: `feature-${i}`,
          accountExternalId: "A",
          contactExternalId: "a-user-0",
          kind: "FEATURE",
          featureKey: feature,
          occurredAt: day("2026-06-21"),
        })),
        {
          externalId: "old-login",
          accountExternalId: "A",
          contactExternalId: "a-user-1",
          kind: "LOGIN",
          occurredAt: day("2026-04-01"),
        },
      ]);
      // NPS 20 (4 promoters, 4 passives, 2 detractors, the detractors in the last 30 days),
      // CSAT 80, CES 5.5 → feedback (60 + 80 + 75) / 3.
      const responses = [
        ...[9, 10, 9, 10, 7, 8, 7, 8].map((score, i) => ({
          survey: "nps",
          score,
          respondedAt: day("2026-05-10"),
          idempotencyKey: `nps-${i}`,
        })),
        ...[3, 6].map((score, i) => ({
          survey: "nps",
          score,
          respondedAt: day("2026-06-15"),
          idempotencyKey: `nps-d-${i}`,
        })),
        ...[5, 4, 4, 5, 2].map((score, i) => ({
          survey: "csat",
          score,
          respondedAt: day("2026-05-12"),
          idempotencyKey: `csat-${i}`,
        })),
        ...[7, 4].map((score, i) => ({
          survey: "ces",
          score,
          respondedAt: day("2026-05-14"),
          idempotencyKey: `ces-${i}`,
        })),
        { survey: "nps", score: 0, respondedAt: day("2026-01-10"), idempotencyKey: "nps-old" },
      ].map((response) => ({ ...response, accountExternalId: "A" }));
      await ingest(server, key, "upsertSurveyResponses", "SurveyResponseInput", responses);
      // Tickets LOW, HIGH, URGENT in the trailing 90 days → support 100 − 5 × 13 = 35.
      await ingest(server, key, "upsertSupportTickets", "SupportTicketInput", [
        { externalId: "t1", accountExternalId: "A", priority: "LOW", openedAt: day("2026-06-01") },
        { externalId: "t2", accountExternalId: "A", priority: "HIGH", openedAt: day("2026-05-01") },
        { externalId: "t3", accountExternalId: "A", priority: "URGENT", openedAt: day("2026-04-15") },
        { externalId: "t4", accountExternalId: "A", priority: "URGENT", openedAt: day("2026-03-01") },
      ]);
      // 4 invoices due in the trailing year, 3 paid on time → payment 75.
      await ingest(server, key, "upsertInvoices", "InvoiceInput", [
        {
          externalId: "i1",
          accountExternalId: "A",
          amount: "2500",
          dueAt: day("2026-03-01"),
          paidAt: day("2026-02-28"),
        },
        {
          externalId: "i2",
          accountExternalId: "A",
          amount: "2500",
          dueAt: day("2026-04-01"),
          paidAt: day("2026-04-01"),
        },
        {
          externalId: "i3",
          accountExternalId: "A",
          amount: "2500",
          dueAt: day("2026-05-01"),
          paidAt: day("2026-04-20"),
        },
        {
          externalId: "i4",
          accountExternalId: "A",
          amount: "2500",
          dueAt: day("2026-06-01"),
          paidAt: day("2026-06-10"),
        },
      ]);
      await ingest(server, key, "upsertMilestoneAchievements", "MilestoneAchievementInput", [
        { accountExternalId: "A", milestone: "first-value", achievedAt: "2025-01-08T00:00:00Z" },
        { accountExternalId: "E", milestone: "first-value", achievedAt: "2026-05-04T12:00:00Z" },
      ]);
      await server.snapshots.flush();
    });
    afterAll(async () => {
      await server?.close();
      await cleanup?.();
    });

    it("computes account A's metrics as PRODUCT.md defines them", async () => {
      const data = await call<{ account: Record<string, unknown> }>(
        server,
        key,
        `{ account(externalId: "A") {
        health { score band used missing components { key value weight } }
        nps { score promoters passives detractors responses } csat { score average } ces { score easyShare }
        usage { activeUsers seatUtilization featureAdoption keyFeaturesUsed }
        mrr { amount } arr { amount } lifetimeValue { value { amount } lifetimeMonths }
        timeToFirstValue nextRenewal { endsAt } risk { atRisk reasons { code } }
      } }`,
      );
      const account = data.account as {
        health: {
          score: number;
          band: string;
          used: string[];
          missing: string[];
          components: { key: string; value: number; weight: number }[];
        };
        nps: Record<string, number>;
        csat: Record<string, number>;
        ces: Record<string, number>;
        usage: {
          activeUsers: number;
          seatUtilization: number;
          featureAdoption: number;
          keyFeaturesUsed: string[];
        };
        mrr: { amount: string };
        arr: { amount: string };
        lifetimeValue: { value: { amount: string }; lifetimeMonths: number };
        timeToFirstValue: number;
        nextRenewal: { endsAt: string };
        risk: { atRisk: boolean; reasons: { code: string }[] };
      };
      expect(account.nps).toEqual({ score: 20, promoters: 4, passives: 4, detractors: 2, responses: 10 });
      expect(account.csat).toEqual({ score: 80, average: 4 });
      expect(account.ces).toEqual({ score: 5.5, easyShare: 50 });
      expect(account.usage).toEqual({
        activeUsers: 8,
        seatUtilization: 0.8,
        featureAdoption: 60,
        keyFeaturesUsed: ["a", "b", "c"],
      });
      const components = Object.fromEntries(account.health.components.map((c) => [c.key, c.value]));
      expect(components.usage).toBeCloseTo(70, 10);
      expect(components.feedback).toBe(71.666666667); // (60 + 80 + 75) / 3, rounded to 9 decimals
      expect(components.support).toBe(35);
      expect(components.payment).toBe(75);
      expect(account.health.score).toBeCloseTo(
        (70 * 40 + ((60 + 80 + 75) / 3) * 30 + 35 * 20 + 75 * 10) / 100,
        8,
      );
      expect(account.health.band).toBe("YELLOW");
      expect(account.health.missing).toEqual([]);
      expect(account.mrr.amount).toBe("2500");
      expect(account.arr.amount).toBe("30000");
      // Trailing-year logo churn 25 % → monthly 0.25/12 → lifetime 48 months; 2,500 × 0.8 × 48.
      expect(account.lifetimeValue.lifetimeMonths).toBe(48);
      expect(account.lifetimeValue.value.amount).toBe("96000");
      expect(account.timeToFirstValue).toBe(7);
      expect(account.nextRenewal.endsAt).toBe("2027-02-01T00:00:00.000Z");
      expect(account.risk).toEqual({ atRisk: true, reasons: [{ code: "RECENT_DETRACTOR" }] });
    });

    it("computes the portfolio over [2026-01-01, 2026-07-01) as PRODUCT.md defines it", async () => {
      const data = await call<{ portfolio: Record<string, unknown> }>(
        server,
        key,
        `{ portfolio(period: { from: "2026-01-01", to: "2026-07-01" }) {
        accountMovements { startingAccounts churnedAccounts endingAccounts newAccounts }
        logoChurnRate customerRetentionRate startingMrr { amount }
        grossRevenueRetention netRevenueRetention revenueChurnRate expansionRevenue { amount } expansionRate
        renewalRate { rate renewed churned pending } mrr { amount } activeAccounts arpa { amount }
        timeToFirstValue { accounts medianDays averageDays }
      } }`,
      );
      expect(data.portfolio).toEqual({
        accountMovements: { startingAccounts: 4, churnedAccounts: 1, endingAccounts: 4, newAccounts: 1 },
        logoChurnRate: 25,
        customerRetentionRate: 75,
        startingMrr: { amount: "10000" },
        grossRevenueRetention: 85,
        netRevenueRetention: 100,
        revenueChurnRate: 15,
        expansionRevenue: { amount: "1500" },
        expansionRate: 15,
        renewalRate: { rate: 66.666666667, renewed: 2, churned: 1, pending: 1 }, // 100 × 2 / 3, rounded to 9 decimals
        mrr: { amount: "10200" }, // A 2,500 + B 4,500 + C 3,000 + E 200
        activeAccounts: 4,
        arpa: { amount: "2550" }, // 10,200 / 4 active accounts
        timeToFirstValue: { accounts: 1, medianDays: 3.5, averageDays: 3.5 },
      });
    });

    it("orders and filters over the ingested accounts", async () => {
      const data = await call<{
        byMrr: { edges: { node: { name: string } }[] };
        smb: { totalCount: number };
      }>(
        server,
        key,
        `{
        byMrr: accounts(first: 10, orderBy: { field: MRR, direction: DESC }) { edges { node { name } } }
        smb: accounts(first: 10, filter: { segment: ["SMB"] }) { totalCount }
      }`,
      );
      expect(data.byMrr.edges.map((edge) => edge.node.name)).toEqual([
        "Bravo",
        "Cobalt",
        "Acme",
        "Echo",
        "Delta",
      ]);
      expect(data.smb.totalCount).toBe(4);
    });
  });
}
