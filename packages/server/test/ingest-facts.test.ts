// Every ingestion mutation, single and batch, on both databases: creates, retries that change
// nothing, changed payloads that update, batches that are all or nothing, and references that
// never reach another workspace.
import type { PrismaClient } from "@pulse/schema/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, newWorkspace } from "./helpers.ts";
import {
  countRows,
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  ingestOne,
  SIGNED_UP_AT,
  seedAccounts,
} from "./ingest-helpers.ts";

type Item = Record<string, unknown>;

interface FactCase {
  family: string;
  single: string;
  batch: string;
  itemInput: string;
  batchInput: string;
  /** The countRows() entry of the family's table. */
  table: string;
  /** A valid item, unique per scope and n, naming account acc-n. */
  item(scope: string, n: number): Item;
  /** The same row with a changed payload, and what ingesting it does. */
  change(item: Item): Item;
  changeOutcome: "UPDATED" | "UNCHANGED";
  /** A change that makes an item invalid, and the field the error names. */
  invalid: { patch: Item; field: string };
}

const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 1, day, hour)).toISOString();

const CASES: FactCase[] = [
  {
    family: "accounts",
    single: "upsertAccount",
    batch: "upsertAccounts",
    itemInput: "AccountInput",
    batchInput: "UpsertAccountsInput",
    table: "accounts",
    item: (scope, n) => ({
      externalId: `${scope}-account-${n}`,
      name: `New ${n}`,
      signedUpAt: SIGNED_UP_AT,
      seats: 5,
    }),
    change: (item) => ({ ...item, name: "Renamed", plan: "Enterprise" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { seats: -1 }, field: "seats" },
  },
  {
    family: "contacts",
    single: "upsertContact",
    batch: "upsertContacts",
    itemInput: "ContactInput",
    batchInput: "UpsertContactsInput",
    table: "contacts",
    item: (scope, n) => ({
      externalId: `${scope}-contact-${n}`,
      accountExternalId: `acc-${n}`,
      email: `p${n}@example.com`,
    }),
    change: (item) => ({ ...item, name: "Pat", isExecutive: true }),
    changeOutcome: "UPDATED",
    invalid: { patch: { email: "not-an-email" }, field: "email" },
  },
  {
    family: "revenue events",
    single: "upsertRevenueEvent",
    batch: "upsertRevenueEvents",
    itemInput: "RevenueEventInput",
    batchInput: "UpsertRevenueEventsInput",
    table: "revenueEvents",
    item: (scope, n) => ({
      externalId: `${scope}-revenue-${n}`,
      accountExternalId: `acc-${n}`,
      kind: "NEW",
      mrrDelta: "100.50",
      occurredAt: at(1),
    }),
    change: (item) => ({ ...item, mrrDelta: "120" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { kind: "CHURN" }, field: "mrrDelta" },
  },
  {
    family: "contracts",
    single: "upsertContract",
    batch: "upsertContracts",
    itemInput: "ContractInput",
    batchInput: "UpsertContractsInput",
    table: "contracts",
    item: (scope, n) => ({
      externalId: `${scope}-contract-${n}`,
      accountExternalId: `acc-${n}`,
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
      value: "12000",
    }),
    change: (item) => ({ ...item, renewalOutcome: "RENEWED" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { endsAt: "2025-12-31T00:00:00Z" }, field: "endsAt" },
  },
  {
    family: "usage events",
    single: "recordUsageEvent",
    batch: "recordUsageEvents",
    itemInput: "UsageEventInput",
    batchInput: "RecordUsageEventsInput",
    table: "usageEvents",
    item: (scope, n) => ({
      externalId: `${scope}-usage-${n}`,
      accountExternalId: `acc-${n}`,
      kind: "LOGIN",
      occurredAt: at(2),
    }),
    // Usage is append-only: a known externalId is skipped even when its fields differ.
    change: (item) => ({ ...item, occurredAt: at(3) }),
    changeOutcome: "UNCHANGED",
    invalid: { patch: { kind: "FEATURE" }, field: "featureKey" },
  },
  {
    family: "support tickets",
    single: "upsertSupportTicket",
    batch: "upsertSupportTickets",
    itemInput: "SupportTicketInput",
    batchInput: "UpsertSupportTicketsInput",
    table: "supportTickets",
    item: (scope, n) => ({
      externalId: `${scope}-ticket-${n}`,
      accountExternalId: `acc-${n}`,
      subject: "Export fails",
      priority: "HIGH",
      openedAt: at(4),
    }),
    change: (item) => ({ ...item, resolvedAt: at(5) }),
    changeOutcome: "UPDATED",
    invalid: { patch: { resolvedAt: at(3) }, field: "resolvedAt" },
  },
  {
    family: "invoices",
    single: "upsertInvoice",
    batch: "upsertInvoices",
    itemInput: "InvoiceInput",
    batchInput: "UpsertInvoicesInput",
    table: "invoices",
    item: (scope, n) => ({
      externalId: `${scope}-invoice-${n}`,
      accountExternalId: `acc-${n}`,
      amount: "990.0000",
      dueAt: at(10),
    }),
    change: (item) => ({ ...item, paidAt: at(9) }),
    changeOutcome: "UPDATED",
    invalid: { patch: { amount: "10.12345" }, field: "amount" },
  },
  {
    family: "survey responses",
    single: "upsertSurveyResponse",
    batch: "upsertSurveyResponses",
    itemInput: "SurveyResponseInput",
    batchInput: "UpsertSurveyResponsesInput",
    table: "surveyResponses",
    item: (scope, n) => ({
      idempotencyKey: `${scope}-response-${n}`,
      survey: "nps",
      accountExternalId: `acc-${n}`,
      score: 9,
      respondedAt: at(6),
    }),
    change: (item) => ({ ...item, comment: "Reports save us hours." }),
    changeOutcome: "UPDATED",
    invalid: { patch: { score: 11 }, field: "score" },
  },
  {
    family: "sentiment entries",
    single: "upsertSentimentEntry",
    batch: "upsertSentimentEntries",
    itemInput: "SentimentEntryInput",
    batchInput: "UpsertSentimentEntriesInput",
    table: "sentimentEntries",
    item: (scope, n) => ({
      externalId: `${scope}-sentiment-${n}`,
      accountExternalId: `acc-${n}`,
      rating: "GREEN",
      note: "Engaged champion",
      recordedAt: at(7),
    }),
    change: (item) => ({ ...item, rating: "YELLOW" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { note: "x".repeat(5001) }, field: "note" },
  },
  {
    family: "milestone achievements",
    single: "upsertMilestoneAchievement",
    batch: "upsertMilestoneAchievements",
    itemInput: "MilestoneAchievementInput",
    batchInput: "UpsertMilestoneAchievementsInput",
    table: "milestoneAchievements",
    // One milestone per test scope, so scopes never share an (account, milestone) pair.
    item: (scope, n) => ({ accountExternalId: `acc-${n}`, milestone: scope, achievedAt: at(8) }),
    change: (item) => ({ ...item, achievedAt: at(9) }),
    changeOutcome: "UPDATED",
    invalid: { patch: { achievedAt: "2025-12-31T00:00:00Z" }, field: "achievedAt" },
  },
  {
    family: "business reviews",
    single: "upsertBusinessReview",
    batch: "upsertBusinessReviews",
    itemInput: "BusinessReviewInput",
    batchInput: "UpsertBusinessReviewsInput",
    table: "businessReviews",
    item: (scope, n) => ({
      externalId: `${scope}-review-${n}`,
      accountExternalId: `acc-${n}`,
      heldAt: at(10),
      executivesAttended: 2,
    }),
    change: (item) => ({ ...item, outcome: "UP" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { executivesAttended: -1 }, field: "executivesAttended" },
  },
  {
    family: "acquisition spend",
    single: "upsertAcquisitionSpend",
    batch: "upsertAcquisitionSpends",
    itemInput: "AcquisitionSpendInput",
    batchInput: "UpsertAcquisitionSpendsInput",
    table: "acquisitionSpends",
    item: (scope, n) => ({
      externalId: `${scope}-spend-${n}`,
      periodStart: at(1, 0),
      periodEnd: at(28, 0),
      amount: "1200.50",
      segment: "SMB",
    }),
    change: (item) => ({ ...item, amount: "1300" }),
    changeOutcome: "UPDATED",
    invalid: { patch: { amount: "-1" }, field: "amount" },
  },
];

/** Facts that name no account: their own external ids are their only keys. */
const ACCOUNTLESS: Record<string, { broken: Item; field: string; foreign: Item }> = {
  accounts: { broken: { name: "" }, field: "name", foreign: { externalId: "their-account" } },
  "acquisition spend": {
    broken: { periodEnd: at(1, 0) },
    field: "periodEnd",
    foreign: { externalId: "their-spend" },
  },
};

const SCOPES = ["single", "batch", "atomic", "tenant"];

async function seedReferences(prisma: PrismaClient, workspace: CreatedWorkspace): Promise<void> {
  await seedAccounts(prisma, workspace.workspaceId, 5);
  await prisma.survey.create({
    data: {
      workspaceId: workspace.workspaceId,
      key: "nps",
      kind: "NPS",
      question: "How likely are you to recommend us?",
    },
  });
  await prisma.milestone.createMany({
    data: SCOPES.map((key, position) => ({
      workspaceId: workspace.workspaceId,
      key,
      name: key,
      position,
      targetDays: 30,
    })),
  });
}

describe.each(DATABASE_KINDS)("ingestion of every fact on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let other: CreatedWorkspace;
  let prisma: PrismaClient;

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_facts");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    other = await newWorkspace(ctx.database, "other");
    await seedReferences(prisma, acme);
    // The other workspace has its own acc-0 … acc-4, and acc-foreign and their-account that acme lacks.
    await seedReferences(prisma, other);
    await prisma.account.createMany({
      data: ["acc-foreign", "their-account"].map((externalId) => ({
        workspaceId: other.workspaceId,
        externalId,
        name: "Foreign",
        signedUpAt: new Date(SIGNED_UP_AT),
      })),
    });
    await prisma.acquisitionSpend.create({
      data: {
        workspaceId: other.workspaceId,
        externalId: "their-spend",
        periodStart: new Date(at(1, 0)),
        periodEnd: new Date(at(2, 0)),
        amount: "5",
      },
    });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  describe.each(CASES)("$family", (fact) => {
    it(`${fact.single}: creates one row, a retry returns it unchanged, a changed payload gives ${fact.changeOutcome}`, async () => {
      const item = fact.item("single", 1);
      const before = await countRows(prisma, acme.workspaceId);
      const created = await ingestOne(ctx.yoga, acme.secretKey, fact.single, fact.itemInput, item);
      expect(created).toMatchObject({
        __typename: `Mutation${fact.single[0]?.toUpperCase()}${fact.single.slice(1)}Success`,
        outcome: "CREATED",
      });
      const afterCreate = await countRows(prisma, acme.workspaceId);
      expect(afterCreate[fact.table]).toBe((before[fact.table] ?? 0) + 1);

      const retried = await ingestOne(ctx.yoga, acme.secretKey, fact.single, fact.itemInput, item);
      expect(retried).toMatchObject({ id: created.id, outcome: "UNCHANGED" });
      expect(await countRows(prisma, acme.workspaceId)).toEqual(afterCreate);

      const changed = await ingestOne(
        ctx.yoga,
        acme.secretKey,
        fact.single,
        fact.itemInput,
        fact.change(item),
      );
      expect(changed).toMatchObject({ id: created.id, outcome: fact.changeOutcome });
      expect(await countRows(prisma, acme.workspaceId)).toEqual(afterCreate);
    });

    it(`${fact.single}: an invalid item is a ValidationError naming the field`, async () => {
      const before = await countRows(prisma, acme.workspaceId);
      const result = await ingestOne(ctx.yoga, acme.secretKey, fact.single, fact.itemInput, {
        ...fact.item("single", 2),
        ...fact.invalid.patch,
      });
      expect(result.__typename).toBe("ValidationError");
      expect(result.fields?.map((problem) => problem.path)).toEqual([fact.invalid.field]);
      expect(await countRows(prisma, acme.workspaceId)).toEqual(before);
    });

    it(`${fact.batch}: creates rows in item order, a retry changes nothing, changed items are ${fact.changeOutcome}`, async () => {
      const items = [0, 1, 2].map((n) => fact.item("batch", n));
      const before = await countRows(prisma, acme.workspaceId);
      const created = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, items);
      expect(created).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
      expect(new Set(created.ids).size).toBe(3);
      const afterCreate = await countRows(prisma, acme.workspaceId);
      expect(afterCreate[fact.table]).toBe((before[fact.table] ?? 0) + 3);

      // Each id names the row of its item: ingesting the items one by one finds the same ids.
      for (const [index, item] of items.entries()) {
        const one = await ingestOne(ctx.yoga, acme.secretKey, fact.single, fact.itemInput, item);
        expect(one.id).toBe(created.ids?.[index]);
      }

      const retried = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, items);
      expect(retried).toMatchObject({ created: 0, updated: 0, unchanged: 3, ids: created.ids });
      expect(await countRows(prisma, acme.workspaceId)).toEqual(afterCreate);

      const mixed = [fact.change(items[0] ?? {}), items[1] ?? {}, fact.item("batch", 3)];
      const result = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, mixed);
      expect(result).toMatchObject({
        created: 1,
        updated: fact.changeOutcome === "UPDATED" ? 1 : 0,
        unchanged: fact.changeOutcome === "UPDATED" ? 1 : 2,
      });
      expect(result.ids?.slice(0, 2)).toEqual(created.ids?.slice(0, 2));
      expect((await countRows(prisma, acme.workspaceId))[fact.table]).toBe(
        (afterCreate[fact.table] ?? 0) + 1,
      );
    });

    it(`${fact.batch}: one invalid item and one missing account write nothing and are both listed`, async () => {
      const before = await countRows(prisma, acme.workspaceId);
      const accountless = ACCOUNTLESS[fact.family];
      const items = [
        fact.item("atomic", 0),
        { ...fact.item("atomic", 1), ...fact.invalid.patch },
        fact.item("atomic", 2),
        accountless
          ? { ...fact.item("atomic", 3), ...accountless.broken }
          : { ...fact.item("atomic", 3), accountExternalId: "no-such-account" },
      ];
      const result = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, items);
      expect(result.__typename).toBe("ValidationError");
      expect(result.fields?.map((problem) => problem.path)).toEqual([
        `items.1.${fact.invalid.field}`,
        accountless ? `items.3.${accountless.field}` : "items.3.accountExternalId",
      ]);
      expect(result.message).toMatch(/nothing was written/);
      expect(await countRows(prisma, acme.workspaceId)).toEqual(before);
    });

    it(`${fact.batch}: another workspace's rows are never found nor touched`, async () => {
      const mine = await countRows(prisma, acme.workspaceId);
      const theirs = await countRows(prisma, other.workspaceId);
      const accountless = ACCOUNTLESS[fact.family];
      if (accountless) {
        // The same externalId in two workspaces names two rows.
        const result = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, [
          { ...fact.item("tenant", 0), ...accountless.foreign },
        ]);
        expect(result).toMatchObject({ created: 1 });
        if (fact.family === "accounts") {
          const foreign = await prisma.account.findUniqueOrThrow({
            where: {
              workspaceId_externalId: { workspaceId: other.workspaceId, externalId: "their-account" },
            },
          });
          expect(foreign.name).toBe("Foreign");
        } else {
          const foreign = await prisma.acquisitionSpend.findUniqueOrThrow({
            where: { workspaceId_externalId: { workspaceId: other.workspaceId, externalId: "their-spend" } },
          });
          expect(foreign.amount.toString()).toBe("5");
        }
        expect(await countRows(prisma, other.workspaceId)).toEqual(theirs);
        return;
      }
      const result = await ingestBatch(ctx.yoga, acme.secretKey, fact.batch, fact.batchInput, [
        fact.item("tenant", 0),
        { ...fact.item("tenant", 1), accountExternalId: "acc-foreign" },
      ]);
      expect(result.__typename).toBe("ValidationError");
      expect(result.fields).toEqual([
        { path: "items.1.accountExternalId", message: 'names no account of this workspace: "acc-foreign"' },
      ]);
      expect(await countRows(prisma, acme.workspaceId)).toEqual(mine);
      expect(await countRows(prisma, other.workspaceId)).toEqual(theirs);
    });
  });
});
