// The outbox's resume cursor on real PostgreSQL transactions: a row of a transaction that is
// still open when a later one commits is not skipped (readers wait for it, then read both in
// order), and a long transaction in another database of the cluster does not hold readers back.
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase, type TestDatabase } from "@pulse/schema/test/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxHead, readOutbox } from "../src/events/outbox.ts";
import { DATABASE_KINDS, newWorkspace, openTestDatabase } from "./helpers.ts";

describe.each(DATABASE_KINDS)("the outbox head on %s", (kind) => {
  it("is the newest committed event, compared as numbers (position 100 after 99)", async () => {
    const { database, drop } = await openTestDatabase(kind, "outbox_head");
    try {
      const { workspaceId } = await newWorkspace(database, "head");
      const account = await database.prisma.account.create({
        data: { workspaceId, externalId: "acme", name: "Acme", signedUpAt: new Date("2026-01-01") },
      });
      expect(await outboxHead(database.reader)).toEqual({ txid: 0n, position: 0n });
      await database.prisma.$executeRawUnsafe(
        `INSERT INTO "DomainEvent" ("workspaceId", "accountId", type, "occurredAt", payload)
         SELECT $1::uuid, $2::uuid, 'MRR_CHANGED', now(), '{}' FROM generate_series(1, 120)`,
        workspaceId,
        account.id,
      );
      const head = await outboxHead(database.reader);
      expect(head.position).toBe(120n);
      const read = await readOutbox(database.reader, { after: head, limit: 10 });
      expect(read.events).toEqual([]);
    } finally {
      await drop();
    }
  });
});

describe("outbox order on PostgreSQL", () => {
  let scratch: TestDatabase;
  let other: TestDatabase;
  let database: Database;
  let workspaceId: string;
  let accountId: string;
  const clients: pg.Client[] = [];

  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  };
  const insertEvent = (client: pg.Client, label: string) =>
    client.query(
      `INSERT INTO "DomainEvent" ("workspaceId", "accountId", type, "occurredAt", payload)
       VALUES ($1, $2, 'MRR_CHANGED', now(), jsonb_build_object('label', $3::text))`,
      [workspaceId, accountId, label],
    );
  const labels = async () => {
    const read = await readOutbox(database.reader, {
      after: { txid: 0n, position: 0n },
      workspaceId,
      limit: 100,
    });
    return read.events.map((event) => (event.payload as { label: string }).label);
  };

  beforeAll(async () => {
    scratch = await createTestDatabase("outbox_order");
    other = await createTestDatabase("outbox_other");
    database = await openDatabase({ url: scratch.url, poolSize: 2 });
    ({ workspaceId } = await newWorkspace(database, "order"));
    ({ id: accountId } = await database.prisma.account.create({
      data: { workspaceId, externalId: "acme", name: "Acme", signedUpAt: new Date("2026-01-01") },
    }));
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    await database?.close();
    await other?.drop();
    await scratch?.drop();
  });

  it("a later commit waits for an earlier open transaction; then both come, in transaction order", async () => {
    const slow = await connect(scratch.url);
    const fast = await connect(scratch.url);
    await slow.query("BEGIN");
    await insertEvent(slow, "slow"); // takes its position and txid first
    await fast.query("BEGIN");
    await insertEvent(fast, "fast");
    await fast.query("COMMIT");
    // "fast" is committed, but a reader that moved its cursor past it would skip "slow".
    expect(await labels()).toEqual([]);
    await slow.query("COMMIT");
    expect(await labels()).toEqual(["slow", "fast"]);
  });

  it("a long transaction in another database of the cluster does not hold readers back", async () => {
    const elsewhere = await connect(other.url);
    await elsewhere.query("BEGIN");
    await elsewhere.query("SELECT pg_current_xact_id()"); // holds a transaction id, as a bulk load does
    const writer = await connect(scratch.url);
    await insertEvent(writer, "while-other-open");
    expect(await labels()).toEqual(["slow", "fast", "while-other-open"]);
    await elsewhere.query("ROLLBACK");
  });
});
