// CS tasks through the API on both databases: create (with its TASK_CREATED event), update
// (DONE records completedAt and one TASK_COMPLETED), list per account and per CSM with filters,
// bad input that changes nothing, idempotent retries, tenancy, and a page's statement count.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;

interface TaskNode {
  id: string;
  title: string;
  owner: string | null;
  status: string;
  priority: string;
  dueAt: string | null;
  completedAt: string | null;
  origin: string;
  account: { externalId: string };
}

const TASK_FIELDS = "id title owner status priority dueAt completedAt origin account { externalId }";

describe.each(DATABASE_KINDS)("CS tasks on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let a: CreatedWorkspace;
  let b: CreatedWorkspace;

  async function gql<Data = Record<string, unknown>>(
    key: string,
    query: string,
    variables?: Record<string, unknown>,
  ) {
    return graphql<Data>(yoga, key, query, variables);
  }

  async function createTask(key: string, input: Record<string, unknown>) {
    const result = await gql<{
      createTask: TaskNode & { __typename: string; message?: string; fields?: { path: string }[] };
    }>(
      key,
      `mutation($input: CreateTaskInput!) { createTask(input: $input) {
        __typename
        ... on MutationCreateTaskSuccess { data { ${TASK_FIELDS} } }
        ... on ValidationError { message fields { path message } }
        ... on NotFoundError { message }
      } }`,
      { input },
    );
    expect(result.errors).toBeUndefined();
    const answer = result.data?.createTask as unknown as {
      __typename: string;
      data?: TaskNode;
      message?: string;
    };
    return answer;
  }

  async function taskEvents(workspaceId: string) {
    return database.prisma.domainEvent.findMany({
      where: { workspaceId, type: { in: ["TASK_CREATED", "TASK_COMPLETED"] } },
      orderBy: { position: "asc" },
    });
  }

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "tasks"));
    a = await newWorkspace(database, "tasks-a");
    b = await newWorkspace(database, "tasks-b");
    // A second later per request, so "newest first" has no ties.
    let requests = 0;
    yoga = createPulseYoga({ database, clock: () => new Date(NOW.getTime() + 1000 * requests++) });
    for (const [ws, accounts] of [
      [a, ["acme", "globex", "initech"]],
      [b, ["other"]],
    ] as const) {
      for (const [index, externalId] of accounts.entries()) {
        await database.prisma.account.create({
          data: {
            workspaceId: ws.workspaceId,
            externalId,
            name: externalId.toUpperCase(),
            signedUpAt: new Date(NOW.getTime() - 100 * DAY),
            csmOwner: index === 0 ? "dana" : "lee",
            segment: "Enterprise",
          },
        });
      }
    }
  });
  afterAll(async () => {
    await drop?.();
  });

  it("creates a task for the account's CSM by default, with a TASK_CREATED event", async () => {
    const due = new Date(NOW.getTime() + 3 * DAY).toISOString();
    const created = await createTask(a.secretKey, {
      accountExternalId: "acme",
      title: "Call about renewal",
      dueAt: due,
    });
    expect(created.__typename).toBe("MutationCreateTaskSuccess");
    expect(created.data).toMatchObject({
      title: "Call about renewal",
      owner: "dana",
      status: "OPEN",
      priority: "NORMAL",
      dueAt: due,
      completedAt: null,
      origin: "API",
      account: { externalId: "acme" },
    });
    const events = await taskEvents(a.workspaceId);
    expect(events.map((event) => [event.type, (event.payload as { title: string }).title])).toEqual([
      ["TASK_CREATED", "Call about renewal"],
    ]);
  });

  it("refuses bad input with every problem named, and writes nothing", async () => {
    const before = await database.prisma.task.count();
    const eventsBefore = (await taskEvents(a.workspaceId)).length;
    const blank = await createTask(a.secretKey, { accountExternalId: "acme", title: "  ", owner: "" });
    expect(blank.__typename).toBe("ValidationError");
    expect(blank.message).toMatch(/title must not be empty/);
    expect(blank.message).toMatch(/owner must not be empty/);
    const both = await createTask(a.secretKey, { title: "x" });
    expect(both.__typename).toBe("ValidationError");
    expect(both.message).toMatch(/exactly one of `account` or `accountExternalId`/);
    const missing = await createTask(a.secretKey, { accountExternalId: "nope", title: "x" });
    expect(missing.__typename).toBe("NotFoundError");
    const badDate = await gql(
      a.secretKey,
      `mutation { createTask(input: { accountExternalId: "acme", title: "x", dueAt: "soon" }) { __typename } }`,
    );
    expect(badDate.errors?.[0]?.message).toMatch(/DateTime|ISO/);
    expect(await database.prisma.task.count()).toBe(before);
    expect(await taskEvents(a.workspaceId)).toHaveLength(eventsBefore);
  });

  it("updates status, due date and owner; DONE records completedAt and one TASK_COMPLETED", async () => {
    const created = await createTask(a.secretKey, {
      accountExternalId: "globex",
      title: "Send QBR deck",
      priority: "HIGH",
    });
    const id = created.data?.id;
    const update = (input: Record<string, unknown>, key = a.secretKey) =>
      gql<{ updateTask: { __typename: string; data?: TaskNode; message?: string } }>(
        key,
        `mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) {
          __typename
          ... on MutationUpdateTaskSuccess { data { ${TASK_FIELDS} } }
          ... on ValidationError { message }
          ... on NotFoundError { message }
        } }`,
        { id, input },
      );
    const due = new Date(NOW.getTime() + 7 * DAY).toISOString();
    const moved = await update({ dueAt: due, owner: "sam", status: "IN_PROGRESS" });
    expect(moved.data?.updateTask.data).toMatchObject({ dueAt: due, owner: "sam", status: "IN_PROGRESS" });
    const done = await update({ status: "DONE" });
    expect(done.data?.updateTask.data?.status).toBe("DONE");
    expect(done.data?.updateTask.data?.completedAt).toMatch(/^2026-06-15T12:/);
    // Done again: no second completion event.
    await update({ status: "DONE" });
    const cleared = await update({ owner: null, dueAt: null });
    expect(cleared.data?.updateTask.data).toMatchObject({ owner: null, dueAt: null, status: "DONE" });
    const completions = (await taskEvents(a.workspaceId)).filter((event) => event.type === "TASK_COMPLETED");
    expect(completions).toHaveLength(1);
    expect(completions[0]?.payload).toMatchObject({ title: "Send QBR deck", owner: "sam" });
    // Bad updates change nothing.
    expect((await update({ status: null })).data?.updateTask.__typename).toBe("ValidationError");
    expect((await update({})).data?.updateTask.__typename).toBe("ValidationError");
    expect((await update({ title: "" })).data?.updateTask.__typename).toBe("ValidationError");
    // Another workspace's key cannot see or change it.
    expect((await update({ status: "OPEN" }, b.secretKey)).data?.updateTask.__typename).toBe("NotFoundError");
    const stored = await database.prisma.task.findFirstOrThrow({ where: { title: "Send QBR deck" } });
    expect(stored).toMatchObject({ status: "DONE", owner: null, title: "Send QBR deck" });
  });

  it("a retry with the same Idempotency-Key makes one task", async () => {
    const send = () =>
      yoga.fetch("http://pulse.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${a.secretKey}`,
          "idempotency-key": "task-once",
        },
        body: JSON.stringify({
          query: `mutation { createTask(input: { accountExternalId: "initech", title: "Once" }) {
            ... on MutationCreateTaskSuccess { data { id } } } }`,
        }),
      });
    const first = (await (await send()).json()) as { data: { createTask: { data: { id: string } } } };
    const second = (await (await send()).json()) as { data: { createTask: { data: { id: string } } } };
    expect(second.data.createTask.data.id).toBe(first.data.createTask.data.id);
    expect(await database.prisma.task.count({ where: { title: "Once" } })).toBe(1);
  });

  it("lists per CSM, status, due date and account, newest first, and per account", async () => {
    const list = async (filter: Record<string, unknown>) => {
      const result = await gql<{ tasks: { edges: { node: TaskNode }[] } }>(
        a.secretKey,
        `query($filter: TaskFilter) { tasks(first: 50, filter: $filter) { edges { node { ${TASK_FIELDS} } } } }`,
        { filter },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.tasks.edges.map((edge) => edge.node.title) ?? [];
    };
    expect(await list({})).toEqual(["Once", "Send QBR deck", "Call about renewal"]);
    expect(await list({ csm: ["dana"] })).toEqual(["Call about renewal"]);
    expect(await list({ csm: ["lee"] })).toEqual(["Once"]);
    expect(await list({ unassigned: true })).toEqual(["Send QBR deck"]);
    expect(await list({ status: ["OPEN", "IN_PROGRESS"] })).toEqual(["Once", "Call about renewal"]);
    expect(await list({ status: ["DONE"] })).toEqual(["Send QBR deck"]);
    expect(await list({ dueBefore: new Date(NOW.getTime() + 4 * DAY).toISOString() })).toEqual([
      "Call about renewal",
    ]);
    expect(await list({ dueBefore: new Date(NOW.getTime() + 2 * DAY).toISOString() })).toEqual([]);
    expect(await list({ origin: "PLAYBOOK" })).toEqual([]);
    const acme = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: a.workspaceId, externalId: "acme" },
    });
    const acmeId = Buffer.from(`Account:${acme.id}`).toString("base64");
    expect(await list({ account: [acmeId] })).toEqual(["Call about renewal"]);
    const perAccount = await gql<{ account: { tasks: { edges: { node: { title: string } }[] } } }>(
      a.secretKey,
      `{ account(externalId: "globex") { tasks(first: 10, status: [DONE]) { edges { node { title } } } } }`,
    );
    expect(perAccount.data?.account.tasks.edges.map((edge) => edge.node.title)).toEqual(["Send QBR deck"]);
    const bad = await gql(a.secretKey, `{ tasks(first: 500) { edges { node { id } } } }`);
    expect(bad.errors?.[0]?.message).toMatch(/between 0 and 100/);
    const badPlaybook = await gql(
      a.secretKey,
      `{ tasks(first: 5, filter: { playbook: ["nope"] }) { edges { node { id } } } }`,
    );
    expect(badPlaybook.errors?.[0]?.message).toMatch(/not a Playbook id/);
  });

  it("keeps workspaces apart: lists, node(id), accounts", async () => {
    const foreign = await createTask(b.secretKey, { accountExternalId: "other", title: "B's task" });
    expect(foreign.__typename).toBe("MutationCreateTaskSuccess");
    const listed = await gql<{ tasks: { edges: { node: { title: string } }[] } }>(
      a.secretKey,
      `{ tasks(first: 50) { edges { node { title } } } }`,
    );
    expect(listed.data?.tasks.edges.map((edge) => edge.node.title)).not.toContain("B's task");
    const node = await gql<{ node: unknown }>(a.secretKey, `query($id: ID!) { node(id: $id) { id } }`, {
      id: foreign.data?.id,
    });
    expect(node.data?.node).toBeNull();
    const other = await database.prisma.account.findFirstOrThrow({ where: { workspaceId: b.workspaceId } });
    const viaA = await createTask(a.secretKey, {
      account: Buffer.from(`Account:${other.id}`).toString("base64"),
      title: "Sneaky",
    });
    expect(viaA.__typename).toBe("NotFoundError");
    const byAccount = await gql<{ tasks: { edges: unknown[] } }>(
      a.secretKey,
      `query($id: ID!) { tasks(first: 5, filter: { account: [$id] }) { edges { node { id } } } }`,
      { id: Buffer.from(`Account:${other.id}`).toString("base64") },
    );
    expect(byAccount.data?.tasks.edges).toEqual([]);
  });

  it("costs the same statements for a page of 2 and of 20 tasks (with their accounts)", async () => {
    for (let index = 0; index < 20; index++) {
      await createTask(a.secretKey, {
        accountExternalId: index % 2 ? "acme" : "globex",
        title: `Bulk ${index}`,
      });
    }
    const statements = async (query: string, first: number) => {
      const sent: string[] = [];
      const listener = (text: string) => sent.push(text);
      database.statements.listeners.add(listener);
      try {
        const result = await gql(a.secretKey, query, { first });
        expect(result.errors).toBeUndefined();
      } finally {
        database.statements.listeners.delete(listener);
      }
      return sent.length;
    };
    const page = `query($first: Int!) { tasks(first: $first) { edges { node { title owner account { name csmOwner } playbook { name } } } pageInfo { hasNextPage } } }`;
    await statements(page, 2);
    const small = await statements(page, 2);
    const large = await statements(page, 20);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(4);
    const accounts = `query($first: Int!) { accounts(first: $first) { edges { node { name tasks(first: 5) { edges { node { title owner } } } } } } }`;
    await statements(accounts, 1);
    const one = await statements(accounts, 1);
    const three = await statements(accounts, 3);
    expect(three).toBe(one);
  });
});
