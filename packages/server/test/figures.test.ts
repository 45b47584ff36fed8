// The figures PRODUCT.md sharpened: coverage (too little data is not GREEN 100) in the API,
// snapshots, filters, ordering, badges and the distribution; active-only risk; the retention N;
// future-dated facts; floats without noise; churnedAt and the lifecycle stage.
import type { Database } from "@pulse/schema/database";
import { type GraphQLObjectType, getNamedType, isCompositeType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { BadgeCache, badgeResponse } from "../src/badge/route.ts";
import { schema } from "../src/graphql/index.ts";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { ingestBatch, ingestOne } from "./ingest-helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const MINUTE = 60_000;

interface AccountNode {
  externalId: string;
  lifecycleStage: string;
  health: {
    score: number | null;
    band: string | null;
    coverage: number;
    insufficientData: boolean;
    components: { key: string; weight: number }[];
  };
  risk: { atRisk: boolean; reasons: { code: string; message: string }[] };
}

const ACCOUNT_FIELDS = `externalId lifecycleStage health { score band coverage insufficientData components { key weight } } risk { atRisk reasons { code message } }`;

describe.each(DATABASE_KINDS)("figures on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let snapshots: SnapshotRefresher;
  let workspace: CreatedWorkspace;
  let key: string;

  const ok = async (mutation: string, inputType: string, input: object) => {
    const result = await ingestOne(yoga, key, mutation, inputType, input);
    expect(result.__typename, `${mutation}: ${JSON.stringify(result)}`).toBe(
      `Mutation${mutation[0]?.toUpperCase()}${mutation.slice(1)}Success`,
    );
  };

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "figures"));
    workspace = await newWorkspace(database, "figures");
    key = workspace.secretKey;
    snapshots = new SnapshotRefresher(database, 3_600_000);
    yoga = createPulseYoga({ database, clock: () => NOW, snapshots });
    const account = (externalId: string, extra: object = {}) =>
      ok("upsertAccount", "AccountInput", {
        externalId,
        name: externalId,
        signedUpAt: "2026-01-01",
        seats: 2,
        ...extra,
      });
    await account("empty");
    await account("scored");
    await account("renewing");
    await account("churned", { churnedAt: "2026-05-01" });
    await account("newbie", { signedUpAt: "2026-03-01" });
    await account("flash", { signedUpAt: "2026-03-01", churnedAt: "2026-04-01" });
    await ok("upsertContact", "ContactInput", { externalId: "scored-user", accountExternalId: "scored" });
    await ok("recordUsageEvent", "UsageEventInput", {
      accountExternalId: "scored",
      contactExternalId: "scored-user",
      kind: "LOGIN",
      occurredAt: "2026-06-10T09:00:00Z",
    });
    for (const externalId of ["renewing", "churned"]) {
      await ok("upsertContract", "ContractInput", {
        externalId: `${externalId}-renewal`,
        accountExternalId: externalId,
        startsAt: "2025-07-15",
        endsAt: "2026-07-15",
      });
    }
    await recordHealthSnapshots(database, workspace.workspaceId, { now: NOW });
  });
  afterAll(async () => {
    await snapshots?.flush();
    await drop?.();
  });

  const accountsByExternalId = async () => {
    const result = await graphql<{ accounts: { edges: { node: AccountNode }[] } }>(
      yoga,
      key,
      `{ accounts(first: 50) { edges { node { ${ACCOUNT_FIELDS} } } } }`,
    );
    expect(result.errors).toBeUndefined();
    return new Map((result.data?.accounts.edges ?? []).map((edge) => [edge.node.externalId, edge.node]));
  };

  describe("coverage", () => {
    it("an account with no data (support without tickets only) is not GREEN 100: score and band null, insufficientData", async () => {
      const accounts = await accountsByExternalId();
      expect(accounts.get("empty")?.health).toMatchObject({
        score: null,
        band: null,
        coverage: 20,
        insufficientData: true,
      });
      // Usage 50 (1 of 2 seats) and support 100 carry 60 of 100: scored.
      const scored = accounts.get("scored")?.health;
      expect(scored).toMatchObject({ band: "YELLOW", coverage: 60, insufficientData: false });
      expect(scored?.score).toBe(66.666666667);
    });

    it("snapshots store a null score and band, and healthHistory says insufficientData", async () => {
      const empty = await database.prisma.account.findFirstOrThrow({
        where: { workspaceId: workspace.workspaceId, externalId: "empty" },
      });
      const rows = await database.prisma.healthSnapshot.findMany({ where: { accountId: empty.id } });
      expect(rows.map((row) => [row.score, row.band])).toEqual([[null, null]]);
      const history = await graphql<{
        account: {
          healthHistory: { score: number | null; band: string | null; insufficientData: boolean }[];
        };
      }>(yoga, key, `{ account(externalId: "empty") { healthHistory { score band insufficientData } } }`);
      expect(history.data?.account.healthHistory).toEqual([
        { score: null, band: null, insufficientData: true },
      ]);
    });

    it("the distribution has its own bucket for active accounts with too little data", async () => {
      const result = await graphql<{ portfolio: { healthDistribution: Record<string, number> } }>(
        yoga,
        key,
        `{ portfolio { healthDistribution { green yellow red insufficientData noData } } }`,
      );
      expect(result.data?.portfolio.healthDistribution).toEqual({
        green: 0,
        yellow: 1,
        red: 0,
        insufficientData: 3,
        noData: 0,
      });
    });

    it("band filters match scored accounts only, and ordering by health puts null scores last both ways", async () => {
      const filtered = async (band: string) => {
        const result = await graphql<{ accounts: { edges: { node: { externalId: string } }[] } }>(
          yoga,
          key,
          `{ accounts(first: 50, filter: { band: [${band}] }) { edges { node { externalId } } } }`,
        );
        return result.data?.accounts.edges.map((edge) => edge.node.externalId);
      };
      expect(await filtered("GREEN")).toEqual([]);
      expect(await filtered("YELLOW")).toEqual(["scored"]);
      for (const direction of ["ASC", "DESC"]) {
        const result = await graphql<{
          accounts: { edges: { node: { externalId: string; health: { score: number | null } } }[] };
        }>(
          yoga,
          key,
          `{ accounts(first: 50, orderBy: { field: HEALTH, direction: ${direction} }) { edges { node { externalId health { score } } } } }`,
        );
        const order = result.data?.accounts.edges.map((edge) => edge.node.externalId) ?? [];
        expect(order[0], direction).toBe("scored");
        expect(order).toHaveLength(6);
      }
    });

    it('widgetBadge answers score: null, band: null, insufficientData: true, and the SVG/JSON badges are a neutral "no data"', async () => {
      const token = await signWidgetToken(
        { workspaceId: workspace.workspaceId, account: "empty", expiresInSeconds: null },
        workspace.signingSecret,
      );
      const badge = await graphql<{
        widgetBadge: { score: number | null; band: string | null; insufficientData: boolean };
      }>(
        yoga,
        workspace.publishableKey,
        `query($token: String!) { widgetBadge(token: $token) { score band insufficientData } }`,
        { token },
      );
      expect(badge.errors).toBeUndefined();
      expect(badge.data?.widgetBadge).toEqual({ score: null, band: null, insufficientData: true });
      const server = { database, snapshots };
      const svg = await badgeResponse(
        server,
        new URL(`http://pulse.test/badge/${token}.svg`),
        new BadgeCache(),
        NOW,
      );
      expect(svg.status).toBe(200);
      expect(svg.body).toContain('aria-label="health: no data"');
      expect(svg.body).toContain("#57606a");
      expect(svg.body).not.toMatch(/#1a7f37|#9a6700|#cf222e/);
      const json = await badgeResponse(
        server,
        new URL(`http://pulse.test/badge/${token}.json`),
        new BadgeCache(),
        NOW,
      );
      expect(JSON.parse(json.body)).toMatchObject({ message: "no data", color: "lightgrey" });
      const scoredToken = await signWidgetToken(
        { workspaceId: workspace.workspaceId, account: "scored", expiresInSeconds: null },
        workspace.signingSecret,
      );
      const scored = await badgeResponse(
        server,
        new URL(`http://pulse.test/badge/${scoredToken}.json`),
        new BadgeCache(),
        NOW,
      );
      expect(JSON.parse(scored.body)).toMatchObject({ message: "67 · yellow", color: "yellow" });
    });
  });

  describe("risk covers active accounts", () => {
    it("a churned account is never at risk; a renewal with too little data is (a null band is not GREEN)", async () => {
      const accounts = await accountsByExternalId();
      expect(accounts.get("churned")?.risk).toEqual({ atRisk: false, reasons: [] });
      expect(accounts.get("renewing")?.risk).toEqual({
        atRisk: true,
        reasons: [{ code: "RENEWAL_NOT_GREEN", message: "Renewal on 2026-07-15 with no health score" }],
      });
      const result = await graphql<{
        portfolio: { atRiskCount: number; atRiskAccounts: { externalId: string }[] };
        atRisk: { totalCount: number; edges: { node: { externalId: string } }[] };
        notAtRisk: { edges: { node: { externalId: string; risk: { atRisk: boolean } } }[] };
      }>(
        yoga,
        key,
        `{ portfolio { atRiskCount atRiskAccounts { externalId } }
          atRisk: accounts(first: 50, filter: { atRisk: true }) { totalCount edges { node { externalId } } }
          notAtRisk: accounts(first: 50, filter: { atRisk: false }) { edges { node { externalId risk { atRisk } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.portfolio.atRiskCount).toBe(1);
      expect(result.data?.portfolio.atRiskAccounts.map((a) => a.externalId)).toEqual(["renewing"]);
      expect(result.data?.atRisk.edges.map((e) => e.node.externalId)).toEqual(["renewing"]);
      // The filter agrees with each account's own field.
      for (const edge of result.data?.notAtRisk.edges ?? []) expect(edge.node.risk.atRisk).toBe(false);
      expect(result.data?.notAtRisk.edges.map((e) => e.node.externalId)).toContain("churned");
    });
  });

  describe("customer retention", () => {
    it("the published movements reproduce the rate: N is joinedAccounts (active at the end, not in S), beside the sign-ups", async () => {
      const result = await graphql<{
        portfolio: {
          customerRetentionRate: number;
          logoChurnRate: number;
          accountMovements: {
            startingAccounts: number;
            endingAccounts: number;
            joinedAccounts: number;
            newAccounts: number;
            newActiveAccounts: number;
            retainedAccounts: number;
          };
        };
      }>(
        yoga,
        key,
        `{ portfolio(period: { from: "2026-02-01", to: "2026-06-15" }) { customerRetentionRate logoChurnRate
          accountMovements { startingAccounts endingAccounts joinedAccounts newAccounts newActiveAccounts retainedAccounts } } }`,
      );
      expect(result.errors).toBeUndefined();
      const { customerRetentionRate, accountMovements: m } = result.data?.portfolio ?? {
        accountMovements: {} as never,
        customerRetentionRate: Number.NaN,
      };
      // S: the four accounts of January (one churns); sign-ups: newbie and flash (which churns).
      expect(m).toEqual({
        startingAccounts: 4,
        endingAccounts: 4,
        joinedAccounts: 1,
        newAccounts: 2,
        newActiveAccounts: 1,
        retainedAccounts: 3,
      });
      expect(customerRetentionRate).toBe(75);
      expect(customerRetentionRate).toBe((100 * (m.endingAccounts - m.joinedAccounts)) / m.startingAccounts);
      expect(customerRetentionRate + (result.data?.portfolio.logoChurnRate ?? Number.NaN)).toBe(100);
    });
  });

  describe("floats", () => {
    it("every percentage, score and ratio field of the schema is a Float; only money amounts (and the gross-margin setting) are Decimal", () => {
      const percentage =
        /(rate|retention|score|share|adoption|stickiness|utilization|weight|coverage|trend|threshold|progress|churn|percent|nps|csat|ces)$/i;
      // Raw survey answers are the integers the respondent chose, not computed figures.
      const answers = new Set(["SurveyResponse.score", "SurveyResponseReceipt.score"]);
      const decimals: string[] = [];
      const wrong: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith("__")) continue;
        for (const field of Object.values((type as GraphQLObjectType).getFields())) {
          const named = getNamedType(field.type);
          if (named.name === "Decimal") decimals.push(`${type.name}.${field.name}`);
          const name = `${type.name}.${field.name}`;
          if (
            percentage.test(field.name) &&
            !isCompositeType(named) &&
            named.name !== "Float" &&
            !answers.has(name)
          )
            wrong.push(`${name}: ${named.name}`);
        }
      }
      expect(wrong).toEqual([]);
      // A playbook's MRR bounds are money amounts too (in the workspace's currency).
      expect(decimals.sort()).toEqual([
        "Money.amount",
        "PlaybookConditions.mrrMax",
        "PlaybookConditions.mrrMin",
        "Workspace.grossMargin",
      ]);
    });

    it("no figure carries more than 9 decimals (40/60 is 0.666666667, not 0.6666666666666666)", async () => {
      const result = await graphql(
        yoga,
        key,
        `{ accounts(first: 50) { edges { node { health { score coverage components { weight rawWeight value } } usage { seatUtilization stickiness } } } }
          portfolio(period: { from: "2026-02-01", to: "2026-06-15" }) { customerRetentionRate logoChurnRate grossRevenueRetention netRevenueRetention } }`,
      );
      expect(result.errors).toBeUndefined();
      const numbers: number[] = [];
      const walk = (value: unknown) => {
        if (typeof value === "number") numbers.push(value);
        else if (value && typeof value === "object") Object.values(value).forEach(walk);
      };
      walk(result.data);
      expect(numbers).toContain(0.666666667);
      for (const value of numbers) expect(Number(value.toFixed(9)), String(value)).toBe(value);
    });
  });

  describe("future-dated facts", () => {
    it("a fact dated more than 5 minutes after the request clock is a BAD_USER_INPUT naming the field; nothing is stored", async () => {
      const before = await database.prisma.supportTicket.count({
        where: { workspaceId: workspace.workspaceId },
      });
      const late = new Date(NOW.getTime() + 6 * MINUTE).toISOString();
      const single = await ingestOne(yoga, key, "upsertSupportTicket", "SupportTicketInput", {
        accountExternalId: "scored",
        openedAt: late,
      });
      expect(single.__typename).toBe("ValidationError");
      expect(single.fields?.map((f) => f.path)).toEqual(["openedAt"]);
      expect(single.fields?.[0]?.message).toMatch(/more than 5 minutes in the future/);
      const batch = await ingestBatch(yoga, key, "upsertSupportTickets", "UpsertSupportTicketsInput", [
        { accountExternalId: "scored", openedAt: "2026-06-01" },
        { accountExternalId: "scored", openedAt: "2026-06-01", resolvedAt: "2030-01-01" },
      ]);
      expect(batch.__typename).toBe("ValidationError");
      expect(batch.fields?.map((f) => f.path)).toEqual(["items.1.resolvedAt"]);
      expect(
        await database.prisma.supportTicket.count({ where: { workspaceId: workspace.workspaceId } }),
      ).toBe(before);
      // Within the 5 minutes of clock skew: accepted.
      await ok("upsertSupportTicket", "SupportTicketInput", {
        externalId: "skewed",
        accountExternalId: "scored",
        openedAt: new Date(NOW.getTime() + 4 * MINUTE).toISOString(),
      });
    });

    it("every ingested fact's dates are checked (responses, usage, revenue, sentiment, reviews, milestones, accounts, payments)", async () => {
      const survey = await graphql<{ upsertSurvey: { __typename: string } }>(
        yoga,
        key,
        `mutation { upsertSurvey(input: { key: "nps", kind: NPS, question: "Recommend us?" }) { __typename } }`,
      );
      expect(survey.errors).toBeUndefined();
      const future = "2030-01-01T00:00:00Z";
      const cases: [string, string, object, string][] = [
        [
          "upsertSurveyResponse",
          "SurveyResponseInput",
          {
            survey: "nps",
            accountExternalId: "scored",
            idempotencyKey: "r-2030",
            score: 9,
            respondedAt: future,
          },
          "respondedAt",
        ],
        [
          "recordUsageEvent",
          "UsageEventInput",
          { accountExternalId: "scored", kind: "LOGIN", occurredAt: future },
          "occurredAt",
        ],
        [
          "upsertRevenueEvent",
          "RevenueEventInput",
          { accountExternalId: "scored", kind: "NEW", mrrDelta: "10", occurredAt: future },
          "occurredAt",
        ],
        [
          "upsertSentimentEntry",
          "SentimentEntryInput",
          { accountExternalId: "scored", rating: "GREEN", recordedAt: future },
          "recordedAt",
        ],
        [
          "upsertBusinessReview",
          "BusinessReviewInput",
          { accountExternalId: "scored", heldAt: future },
          "heldAt",
        ],
        [
          "upsertAccount",
          "AccountInput",
          { externalId: "later", name: "Later", signedUpAt: future },
          "signedUpAt",
        ],
        [
          "upsertInvoice",
          "InvoiceInput",
          { accountExternalId: "scored", amount: "10", dueAt: "2026-06-01", paidAt: future },
          "paidAt",
        ],
      ];
      for (const [mutation, inputType, input, field] of cases) {
        const result = await ingestOne(yoga, key, mutation, inputType, input);
        expect(result.__typename, mutation).toBe("ValidationError");
        expect(
          result.fields?.map((f) => f.path),
          mutation,
        ).toContain(field);
      }
      expect(
        await database.prisma.surveyResponse.count({ where: { workspaceId: workspace.workspaceId } }),
      ).toBe(0);
      expect(
        await database.prisma.account.count({
          where: { workspaceId: workspace.workspaceId, externalId: "later" },
        }),
      ).toBe(0);
      // Plans may lie ahead: a contract's end, an invoice's due date.
      await ok("upsertContract", "ContractInput", {
        accountExternalId: "scored",
        startsAt: "2026-06-01",
        endsAt: "2030-06-01",
      });
      await ok("upsertInvoice", "InvoiceInput", {
        accountExternalId: "scored",
        amount: "10",
        dueAt: "2026-09-01",
      });
    });
  });

  describe("lifecycle stage", () => {
    it("setting churnedAt makes an account CHURNED; clearing it takes it back (ONBOARDING before first value)", async () => {
      const accounts = await accountsByExternalId();
      expect(accounts.get("churned")?.lifecycleStage).toBe("CHURNED");
      expect(accounts.get("flash")?.lifecycleStage).toBe("CHURNED");
      expect(accounts.get("empty")?.lifecycleStage).toBe("ONBOARDING");
      await ok("upsertAccount", "AccountInput", {
        externalId: "empty",
        name: "empty",
        signedUpAt: "2026-01-01",
        churnedAt: "2026-06-01",
      });
      expect((await accountsByExternalId()).get("empty")?.lifecycleStage).toBe("CHURNED");
      await ok("upsertAccount", "AccountInput", {
        externalId: "empty",
        name: "empty",
        signedUpAt: "2026-01-01",
        churnedAt: null,
      });
      expect((await accountsByExternalId()).get("empty")?.lifecycleStage).toBe("ONBOARDING");
      const contradiction = await ingestOne(yoga, key, "upsertAccount", "AccountInput", {
        externalId: "empty",
        name: "empty",
        signedUpAt: "2026-01-01",
        churnedAt: "2026-06-01",
        lifecycleStage: "ACTIVE",
      });
      expect(contradiction.__typename).toBe("ValidationError");
      expect(contradiction.fields?.map((f) => f.path)).toEqual(["lifecycleStage"]);
      expect((await accountsByExternalId()).get("empty")?.lifecycleStage).toBe("ONBOARDING");
    });
  });
});
