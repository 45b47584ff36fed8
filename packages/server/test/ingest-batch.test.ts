// What every batch shares: its size limits, its cost in SQL statements, how it reports
// problems, and which accounts it tells the rest of the server it changed.
import type { PrismaClient } from "@pulse/schema/prisma";
import { execute, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Context, workspaceContext } from "../src/context.ts";
import { createDomainParts } from "../src/domain/context.ts";
import { schema } from "../src/graphql/index.ts";
import { changedAccountIds, markAccountsChanged } from "../src/ingest/changes.ts";
import type { Transaction } from "../src/ingest/ingest.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { DATABASE_KINDS, graphql, newWorkspace } from "./helpers.ts";
import {
  countRows,
  createIngestTestContext,
  type IngestTestContext,
  ingestBatch,
  ingestOne,
  SIGNED_UP_AT,
  seedAccounts,
} from "./ingest-helpers.ts";

const accounts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    externalId: `${prefix}-${index}`,
    name: `${prefix} ${index}`,
    signedUpAt: SIGNED_UP_AT,
  }));

const logins = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    externalId: `${prefix}-${index}`,
    accountExternalId: "acc-0",
    kind: "LOGIN",
    occurredAt: new Date(Date.UTC(2026, 2, 1) + index * 60_000).toISOString(),
  }));

describe.each(DATABASE_KINDS)("ingestion batches on %s", (kind) => {
  let ctx: IngestTestContext;
  let acme: CreatedWorkspace;
  let prisma: PrismaClient;
  let accountIds: string[];

  beforeAll(async () => {
    ctx = await createIngestTestContext(kind, "ingest_batch");
    prisma = ctx.database.prisma;
    acme = await newWorkspace(ctx.database, "acme");
    accountIds = await seedAccounts(prisma, acme.workspaceId, 3);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** SQL statements one request sends, API-key lookup included. */
  async function statementsOf(request: () => Promise<unknown>): Promise<number> {
    ctx.database.statements.reset();
    await request();
    return ctx.database.statements.reset();
  }

  it("accepts 1,000 items and refuses 1,001 and 0 with a clear error, writing nothing", async () => {
    const accepted = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "upsertAccounts",
      "UpsertAccountsInput",
      accounts("max", 1000),
    );
    expect(accepted).toMatchObject({ created: 1000, updated: 0, unchanged: 0 });
    expect(accepted.ids).toHaveLength(1000);
    const before = await countRows(prisma, acme.workspaceId);

    const tooMany = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "upsertAccounts",
      "UpsertAccountsInput",
      accounts("over", 1001),
    );
    expect(tooMany).toMatchObject({
      __typename: "ValidationError",
      fields: [{ path: "items", message: "must hold 1 to 1000 items; got 1001" }],
    });
    const none = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "recordUsageEvents",
      "RecordUsageEventsInput",
      [],
    );
    expect(none).toMatchObject({
      __typename: "ValidationError",
      fields: [{ path: "items", message: "must hold 1 to 1000 items; got 0" }],
    });
    expect(await countRows(prisma, acme.workspaceId)).toEqual(before);
  });

  it("costs the same number of SQL statements for 10 items as for 1,000", async () => {
    const small = await statementsOf(() =>
      ingestBatch(ctx.yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", accounts("cost-s", 10)),
    );
    const large = await statementsOf(() =>
      ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "upsertAccounts",
        "UpsertAccountsInput",
        accounts("cost-l", 1000),
      ),
    );
    expect(large).toBe(small);
    const retry = await statementsOf(() =>
      ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "upsertAccounts",
        "UpsertAccountsInput",
        accounts("cost-l", 1000),
      ),
    );
    expect(retry).toBeLessThanOrEqual(large);

    const fewEvents = await statementsOf(() =>
      ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "recordUsageEvents",
        "RecordUsageEventsInput",
        logins("cost-s", 10),
      ),
    );
    const manyEvents = await statementsOf(() =>
      ingestBatch(
        ctx.yoga,
        acme.secretKey,
        "recordUsageEvents",
        "RecordUsageEventsInput",
        logins("cost-l", 1000),
      ),
    );
    expect(manyEvents).toBe(fewEvents);
    expect(await prisma.usageEvent.count({ where: { externalId: { startsWith: "cost-l-" } } })).toBe(1000);
  });

  it("lists every problem of every item, in item order (items.2 before items.10)", async () => {
    const items: Record<string, unknown>[] = accounts("problems", 12);
    items[2] = { ...items[2], name: " ", seats: -3 };
    items[10] = { ...items[10], signedUpAt: "2300-01-01T00:00:00Z", churnedAt: "2026-01-01T00:00:00Z" };
    const result = await ingestBatch(
      ctx.yoga,
      acme.secretKey,
      "upsertAccounts",
      "UpsertAccountsInput",
      items,
    );
    expect(result.fields).toEqual([
      { path: "items.2.name", message: "must not be empty" },
      { path: "items.2.seats", message: "must not be negative" },
      { path: "items.10.churnedAt", message: "must not be before signedUpAt" },
      { path: "items.10.signedUpAt", message: "must be before 2200" },
    ]);
    expect(result.message).toBe(
      "Invalid input, nothing was written: items.2.name must not be empty; items.2.seats must not be negative; " +
        "items.10.churnedAt must not be before signedUpAt; items.10.signedUpAt must be before 2200",
    );
    expect(await prisma.account.count({ where: { externalId: { startsWith: "problems-" } } })).toBe(0);
  });

  it("refuses an item whose key repeats an earlier item of the same batch", async () => {
    const [first, second] = accounts("twice", 2);
    const result = await ingestBatch(ctx.yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", [
      first ?? {},
      second ?? {},
      { ...first, name: "Other name" },
    ]);
    expect(result.fields).toEqual([
      { path: "items.2.externalId", message: "repeats items.0.externalId; send each row once per batch" },
    ]);
  });

  /**
   * Runs `request` while another transaction holds an uncommitted insert of the same key, and
   * commits that insert once the request waits on it: the race of two writers, made certain.
   */
  async function racingInsert<T>(
    insert: (tx: Transaction) => Promise<unknown>,
    request: () => Promise<T>,
  ): Promise<T> {
    let commit = () => {};
    const committing = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let inserted = () => {};
    const insertedFirst = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const holder = prisma.$transaction(
      async (tx) => {
        await insert(tx);
        inserted();
        await committing;
      },
      { timeout: 30_000 },
    );
    await insertedFirst;
    const answer = request();
    for (let tries = 0; tries < 300; tries++) {
      const [waiting] = await prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if ((waiting?.count ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    commit();
    await holder;
    return answer;
  }

  // PGlite has one connection, so two writers cannot overlap there: these races exist (and are
  // registered) on PostgreSQL only.
  if (kind === "postgres")
    it("upserts onto a row a concurrent request created first", async () => {
      const result = await racingInsert(
        (tx) =>
          tx.account.create({
            data: {
              workspaceId: acme.workspaceId,
              externalId: "race-0",
              name: "First writer",
              signedUpAt: new Date(SIGNED_UP_AT),
            },
          }),
        () =>
          ingestBatch(ctx.yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", [
            { externalId: "race-0", name: "Second writer", signedUpAt: SIGNED_UP_AT },
            { externalId: "race-1", name: "Race 1", signedUpAt: SIGNED_UP_AT },
          ]),
      );
      expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
      const stored = await prisma.account.findMany({
        where: { externalId: { startsWith: "race-" } },
        orderBy: { externalId: "asc" },
      });
      expect(stored.map((account) => account.name)).toEqual(["Second writer", "Race 1"]);
    });

  if (kind === "postgres")
    it("skips a usage event a concurrent request stored first, and counts it once", async () => {
      const [event] = logins("race", 1);
      const result = await racingInsert(
        (tx) =>
          tx.usageEvent.create({
            data: {
              workspaceId: acme.workspaceId,
              accountId: accountIds[0] ?? "",
              externalId: "race-0",
              kind: "LOGIN",
              occurredAt: new Date(event?.occurredAt ?? ""),
            },
          }),
        () =>
          ingestBatch(
            ctx.yoga,
            acme.secretKey,
            "recordUsageEvents",
            "RecordUsageEventsInput",
            logins("race", 2),
          ),
      );
      expect(result).toMatchObject({ created: 1, unchanged: 1 });
      const first = await prisma.usageEvent.findFirstOrThrow({ where: { externalId: "race-0" } });
      expect(result.ids?.[0]).toBe(Buffer.from(`UsageEvent:${first.id}`).toString("base64"));
      // The concurrent writer bypassed ingestion, so only the second event reached the rollup.
      const daily = await prisma.usageDaily.findMany({ where: { workspaceId: acme.workspaceId } });
      const logged = await prisma.usageEvent.count({
        where: { workspaceId: acme.workspaceId, kind: "LOGIN", NOT: { externalId: "race-0" } },
      });
      expect(daily.reduce((sum, row) => sum + row.logins, 0)).toBe(logged);
    });

  it("keeps a stored value when a field is omitted and clears it when it is null", async () => {
    const [item] = accounts("patch", 1);
    await ingestOne(ctx.yoga, acme.secretKey, "upsertAccount", "AccountInput", {
      ...item,
      segment: "Enterprise",
      seats: 40,
    });
    const omitted = await ingestOne(ctx.yoga, acme.secretKey, "upsertAccount", "AccountInput", { ...item });
    expect(omitted.outcome).toBe("UNCHANGED");
    const cleared = await ingestOne(ctx.yoga, acme.secretKey, "upsertAccount", "AccountInput", {
      ...item,
      segment: null,
    });
    expect(cleared.outcome).toBe("UPDATED");
    const stored = await prisma.account.findUniqueOrThrow({
      where: { workspaceId_externalId: { workspaceId: acme.workspaceId, externalId: "patch-0" } },
    });
    expect(stored).toMatchObject({ segment: null, seats: 40 });
    const notClearable = await ingestOne(ctx.yoga, acme.secretKey, "upsertAccount", "AccountInput", {
      ...item,
      seats: null,
    });
    expect(notClearable.fields?.map((problem) => problem.path)).toEqual(["seats"]);
  });

  it("writes nothing on a retry: the stored rows keep their updatedAt", async () => {
    const items = accounts("stamp", 3);
    await ingestBatch(ctx.yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", items);
    const stamps = async () =>
      (
        await prisma.account.findMany({
          where: { externalId: { startsWith: "stamp-" } },
          orderBy: { externalId: "asc" },
        })
      ).map((account) => account.updatedAt.getTime());
    const before = await stamps();
    await ingestBatch(ctx.yoga, acme.secretKey, "upsertAccounts", "UpsertAccountsInput", items);
    expect(await stamps()).toEqual(before);
  });

  it("adds a fact without externalId on every call, and one with an externalId once", async () => {
    const event = {
      accountExternalId: "acc-1",
      kind: "EXPANSION",
      mrrDelta: "50",
      occurredAt: "2026-03-01T00:00:00Z",
    };
    await ingestOne(ctx.yoga, acme.secretKey, "upsertRevenueEvent", "RevenueEventInput", event);
    await ingestOne(ctx.yoga, acme.secretKey, "upsertRevenueEvent", "RevenueEventInput", event);
    await ingestOne(ctx.yoga, acme.secretKey, "upsertRevenueEvent", "RevenueEventInput", {
      ...event,
      externalId: "exp-1",
    });
    await ingestOne(ctx.yoga, acme.secretKey, "upsertRevenueEvent", "RevenueEventInput", {
      ...event,
      externalId: "exp-1",
    });
    expect(await prisma.revenueEvent.count({ where: { accountId: accountIds[1] } })).toBe(3);
  });

  it("refuses a contact of another account, and keeps money exact", async () => {
    await ingestOne(ctx.yoga, acme.secretKey, "upsertContact", "ContactInput", {
      externalId: "pat",
      accountExternalId: "acc-0",
    });
    const wrong = await ingestOne(ctx.yoga, acme.secretKey, "recordUsageEvent", "UsageEventInput", {
      accountExternalId: "acc-1",
      contactExternalId: "pat",
      kind: "LOGIN",
      occurredAt: "2026-03-01T00:00:00Z",
    });
    expect(wrong.fields).toEqual([
      { path: "contactExternalId", message: '"pat" is a contact of another account' },
    ]);

    const invoice = await ingestOne(ctx.yoga, acme.secretKey, "upsertInvoice", "InvoiceInput", {
      externalId: "inv-exact",
      accountExternalId: "acc-0",
      amount: "12345678901234.5678",
      dueAt: "2026-03-01T00:00:00Z",
    });
    expect(invoice.outcome).toBe("CREATED");
    const stored = await prisma.invoice.findFirstOrThrow({ where: { externalId: "inv-exact" } });
    expect(stored.amount.toString()).toBe("12345678901234.5678");
    const same = await ingestOne(ctx.yoga, acme.secretKey, "upsertInvoice", "InvoiceInput", {
      externalId: "inv-exact",
      accountExternalId: "acc-0",
      amount: "12345678901234.567800",
      dueAt: "2026-03-01T00:00:00Z",
    });
    expect(same.outcome).toBe("UNCHANGED");
  });

  it("lets only secret keys with the write scope ingest", async () => {
    const item = accounts("scoped", 1);
    const publishable = await graphql(
      ctx.yoga,
      acme.publishableKey,
      `mutation($input: UpsertAccountsInput!) { upsertAccounts(input: $input) { __typename } }`,
      { input: { items: item } },
    );
    expect(publishable.status).toBe(403);
    expect(await prisma.account.count({ where: { externalId: "scoped-0" } })).toBe(0);
  });

  describe("changed accounts", () => {
    const requestContext = (): Context =>
      workspaceContext(
        { database: ctx.database, snapshots: ctx.snapshots, ...createDomainParts(ctx.database) },
        { keyId: "test", workspaceId: acme.workspaceId, kind: "SECRET", scopes: ["read", "write"] },
        new Date(),
      );

    async function run(context: Context, document: string, variableValues: Record<string, unknown>) {
      const result = await execute({
        schema,
        document: parse(document),
        contextValue: context,
        variableValues,
      });
      expect(result.errors).toBeUndefined();
      return result.data;
    }

    const TICKETS = `mutation($input: UpsertSupportTicketsInput!) { upsertSupportTickets(input: $input) { __typename } }`;

    it("records the accounts a mutation created or changed, not those it left unchanged", async () => {
      const ticket = (n: number, priority: string) => ({
        externalId: `changed-${n}`,
        accountExternalId: `acc-${n}`,
        priority,
        openedAt: "2026-03-01T00:00:00Z",
      });
      const first = requestContext();
      await run(first, TICKETS, { input: { items: [ticket(0, "LOW"), ticket(1, "LOW")] } });
      expect([...changedAccountIds(first)].sort()).toEqual([accountIds[0], accountIds[1]].sort());

      const second = requestContext();
      await run(second, TICKETS, { input: { items: [ticket(0, "LOW"), ticket(1, "URGENT")] } });
      expect([...changedAccountIds(second)]).toEqual([accountIds[1]]);

      const accountsContext = requestContext();
      const created = (await run(
        accountsContext,
        `mutation($input: UpsertAccountsInput!) { upsertAccounts(input: $input) { ... on MutationUpsertAccountsSuccess { data { ids } } } }`,
        { input: { items: accounts("changed", 2) } },
      )) as { upsertAccounts: { data: { ids: string[] } } };
      const createdIds = created.upsertAccounts.data.ids.map(
        (id) => Buffer.from(id, "base64").toString().split(":")[1],
      );
      expect([...changedAccountIds(accountsContext)].sort()).toEqual(createdIds.sort());
    });

    it("has today's health snapshot of the changed accounts recomputed", async () => {
      await ctx.snapshots.flush();
      await prisma.healthSnapshot.deleteMany({ where: { workspaceId: acme.workspaceId } });
      const ticket = {
        externalId: "snapshot-1",
        accountExternalId: "acc-2",
        priority: "URGENT",
        openedAt: new Date().toISOString(),
      };
      await run(requestContext(), TICKETS, { input: { items: [ticket] } });
      await ctx.snapshots.flush();
      const snapshots = await prisma.healthSnapshot.findMany({ where: { workspaceId: acme.workspaceId } });
      expect(snapshots.map((snapshot) => snapshot.accountId)).toEqual([accountIds[2]]);
    });

    it("records nothing when a batch is refused", async () => {
      const context = requestContext();
      await run(context, TICKETS, {
        input: {
          items: [{ externalId: "refused", accountExternalId: "nobody", openedAt: "2026-03-01T00:00:00Z" }],
        },
      });
      expect(changedAccountIds(context).size).toBe(0);
    });

    it("moves a fact: both the old and the new account changed", async () => {
      const context = requestContext();
      const move = { externalId: "moving", accountExternalId: "acc-0", openedAt: "2026-03-01T00:00:00Z" };
      await run(requestContext(), TICKETS, { input: { items: [move] } });
      await run(context, TICKETS, { input: { items: [{ ...move, accountExternalId: "acc-2" }] } });
      expect([...changedAccountIds(context)].sort()).toEqual([accountIds[0], accountIds[2]].sort());
    });

    it("collects ids across calls of one request", () => {
      const [first, second, third] = accountIds;
      const context = requestContext();
      markAccountsChanged(context, [first ?? "", second ?? ""]);
      markAccountsChanged(context, [second ?? "", third ?? ""]);
      expect([...changedAccountIds(context)]).toEqual([first, second, third]);
      expect(changedAccountIds(requestContext()).size).toBe(0);
    });
  });
});
