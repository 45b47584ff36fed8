// Calls ingestion mutations the way a client does and returns their typed result.
import type { PrismaClient } from "@pulse/schema/prisma";
import { SnapshotRefresher } from "../src/health/refresher.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { type DatabaseKind, graphql, openTestDatabase, type TestContext } from "./helpers.ts";

export interface IngestTestContext extends TestContext {
  /** Recomputes the snapshots ingestion scheduled, when a test flushes it (and on close). */
  snapshots: SnapshotRefresher;
}

/**
 * A server whose snapshot refreshes run only when flushed, so no background recomputation
 * mixes with what a test measures (statement counts) or outlives the database.
 */
export async function createIngestTestContext(kind: DatabaseKind, label: string): Promise<IngestTestContext> {
  const { database, drop } = await openTestDatabase(kind, label);
  const snapshots = new SnapshotRefresher(database, 3_600_000);
  return {
    database,
    yoga: createPulseYoga({ database, snapshots }),
    snapshots,
    async close() {
      await snapshots.flush();
      await drop();
    },
  };
}

export interface BatchResult {
  __typename: string;
  created?: number;
  updated?: number;
  unchanged?: number;
  ids?: string[];
  message?: string;
  fields?: { path: string; message: string }[];
}

export interface ItemResult {
  __typename: string;
  id?: string;
  outcome?: "CREATED" | "UPDATED" | "UNCHANGED";
  message?: string;
  fields?: { path: string; message: string }[];
}

function successType(mutation: string): string {
  return `Mutation${mutation[0]?.toUpperCase()}${mutation.slice(1)}Success`;
}

/** Runs a batch mutation, e.g. `ingestBatch(yoga, key, "upsertAccounts", "UpsertAccountsInput", items)`. */
export async function ingestBatch(
  yoga: PulseYoga,
  key: string,
  mutation: string,
  inputType: string,
  items: readonly object[],
): Promise<BatchResult> {
  const result = await graphql<{ result: BatchResult & { data?: Omit<BatchResult, "__typename"> } }>(
    yoga,
    key,
    `mutation($input: ${inputType}!) { result: ${mutation}(input: $input) {
      __typename
      ... on ${successType(mutation)} { data { created updated unchanged ids } }
      ... on ValidationError { message fields { path message } }
    } }`,
    { input: { items } },
  );
  if (result.errors) throw new Error(`${mutation}: ${JSON.stringify(result.errors)}`);
  const answer = result.data?.result;
  if (!answer) throw new Error(`${mutation}: no result`);
  return answer.data ? { __typename: answer.__typename, ...answer.data } : answer;
}

/** Runs a single-item mutation, e.g. `ingestOne(yoga, key, "upsertAccount", "AccountInput", item)`. */
export async function ingestOne(
  yoga: PulseYoga,
  key: string,
  mutation: string,
  inputType: string,
  input: object,
): Promise<ItemResult> {
  const result = await graphql<{ result: ItemResult & { data?: Omit<ItemResult, "__typename"> } }>(
    yoga,
    key,
    `mutation($input: ${inputType}!) { result: ${mutation}(input: $input) {
      __typename
      ... on ${successType(mutation)} { data { id outcome } }
      ... on ValidationError { message fields { path message } }
    } }`,
    { input },
  );
  if (result.errors) throw new Error(`${mutation}: ${JSON.stringify(result.errors)}`);
  const answer = result.data?.result;
  if (!answer) throw new Error(`${mutation}: no result`);
  return answer.data ? { __typename: answer.__typename, ...answer.data } : answer;
}

export const SIGNED_UP_AT = "2026-01-01T00:00:00.000Z";

/** Accounts acc-0 … acc-(n-1) signed up on SIGNED_UP_AT, created directly in the database. */
export async function seedAccounts(
  prisma: PrismaClient,
  workspaceId: string,
  count: number,
): Promise<string[]> {
  const data = Array.from({ length: count }, (_, index) => ({
    workspaceId,
    externalId: `acc-${index}`,
    name: `Account ${index}`,
    seats: 10,
    signedUpAt: new Date(SIGNED_UP_AT),
  }));
  await prisma.account.createMany({ data });
  const accounts = await prisma.account.findMany({ where: { workspaceId }, orderBy: { externalId: "asc" } });
  return accounts.map((account) => account.id);
}

/** Rows of every ingested table in one workspace, to show what a request wrote (or did not). */
export async function countRows(prisma: PrismaClient, workspaceId: string): Promise<Record<string, number>> {
  const where = { where: { workspaceId } };
  return {
    accounts: await prisma.account.count(where),
    contacts: await prisma.contact.count(where),
    revenueEvents: await prisma.revenueEvent.count(where),
    contracts: await prisma.contract.count(where),
    usageEvents: await prisma.usageEvent.count(where),
    usageDaily: await prisma.usageDaily.count(where),
    supportTickets: await prisma.supportTicket.count(where),
    invoices: await prisma.invoice.count(where),
    surveyResponses: await prisma.surveyResponse.count(where),
    sentimentEntries: await prisma.sentimentEntry.count(where),
    milestoneAchievements: await prisma.milestoneAchievement.count(where),
    businessReviews: await prisma.businessReview.count(where),
    acquisitionSpends: await prisma.acquisitionSpend.count(where),
    lifecycleStageChanges: await prisma.lifecycleStageChange.count(where),
  };
}

export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString("base64");
}
