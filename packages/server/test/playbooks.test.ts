// Playbooks end to end on both databases, through real writes: created, validated, updated,
// enabled, disabled and deleted through GraphQL; evaluated from the outbox (a detractor survey
// response in an Enterprise account → a task for its CSM and a PLAYBOOK_FIRED event), once; an
// evaluator whose transaction aborts repeats nothing; the dry run lists exactly what would fire;
// the scheduler wakes the evaluator after a write. On PostgreSQL, two evaluators on one database
// fire every (playbook, event) exactly once.
import { type Database, openDatabase } from "@pulse/schema/database";
import { createTestDatabase } from "@pulse/schema/test/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobScheduler } from "../src/jobs/scheduler.ts";
import { PlaybookEvaluator, schedulePlaybooks } from "../src/playbooks/evaluator.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";
import { globalId } from "./ingest-helpers.ts";

const DAY = 86_400_000;

/** Each workspace's webhook endpoint (global id), made by `setUp`. */
const endpoints = new Map<string, string>();

function endpointOf(ws: CreatedWorkspace): string {
  const id = endpoints.get(ws.workspaceId);
  if (!id) throw new Error("setUp has not made this workspace's endpoint");
  return id;
}

/** The README's playbook: a detractor in an Enterprise account → a task and the workspace's webhook. */
function detractorPlaybook(ws: CreatedWorkspace) {
  return {
    name: "Detractor in Enterprise",
    trigger: "SURVEY_RESPONSE_RECEIVED",
    conditions: { segments: ["Enterprise"], detractor: true },
    actions: [
      {
        createTask: { title: "Call {{account.name}}: NPS {{survey.score}}", dueInDays: 2, priority: "HIGH" },
      },
      { sendWebhook: { webhookEndpointId: endpointOf(ws) } },
    ],
  };
}

const PLAYBOOK_RESULT = `__typename
  ... on ValidationError { message fields { path message } }`;
const UPDATE_RESULT = `${PLAYBOOK_RESULT}
  ... on NotFoundError { message }`;

interface PlaybookAnswer {
  __typename: string;
  message?: string;
  fields?: { path: string; message: string }[];
  data?: { id: string; name: string; enabled: boolean };
}

async function setUp(database: Database, ws: CreatedWorkspace) {
  const endpoint = await database.prisma.webhookEndpoint.create({
    data: {
      workspaceId: ws.workspaceId,
      url: "https://hooks.example.com/pulse",
      eventTypes: ["MRR_CHANGED"],
      secret: "whsec_dGVzdA==",
    },
  });
  endpoints.set(ws.workspaceId, globalId("WebhookEndpoint", endpoint.id));
  for (const [externalId, segment, csmOwner] of [
    ["ent", "Enterprise", "dana"],
    ["smb", "SMB", "lee"],
  ] as const) {
    await database.prisma.account.create({
      data: {
        workspaceId: ws.workspaceId,
        externalId,
        name: externalId.toUpperCase(),
        segment,
        csmOwner,
        signedUpAt: new Date(Date.now() - 100 * DAY),
      },
    });
  }
  await database.prisma.survey.create({
    data: {
      workspaceId: ws.workspaceId,
      key: "nps",
      kind: "NPS",
      question: "How likely are you to recommend us?",
    },
  });
}

describe.each(DATABASE_KINDS)("playbooks on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let a: CreatedWorkspace;
  let b: CreatedWorkspace;
  let responses = 0;

  const gql = <Data = Record<string, unknown>>(
    key: string,
    query: string,
    variables?: Record<string, unknown>,
  ) => graphql<Data>(yoga, key, query, variables);

  async function createPlaybook(key: string, input: Record<string, unknown>): Promise<PlaybookAnswer> {
    const result = await gql<{ createPlaybook: PlaybookAnswer }>(
      key,
      `mutation($input: PlaybookInput!) { createPlaybook(input: $input) { ${PLAYBOOK_RESULT}
        ... on MutationCreatePlaybookSuccess { data { id name enabled } } } }`,
      { input },
    );
    expect(result.errors).toBeUndefined();
    return result.data?.createPlaybook as PlaybookAnswer;
  }

  async function respond(key: string, account: string, score: number): Promise<void> {
    const result = await gql<{ upsertSurveyResponse: { __typename: string } }>(
      key,
      `mutation($input: SurveyResponseInput!) { upsertSurveyResponse(input: $input) { __typename ... on ValidationError { message } } }`,
      {
        input: {
          idempotencyKey: `response-${kind}-${responses++}`,
          survey: "nps",
          accountExternalId: account,
          score,
        },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.upsertSurveyResponse).toEqual({ __typename: "MutationUpsertSurveyResponseSuccess" });
  }

  const counts = async () => ({
    firings: await database.prisma.playbookFiring.count(),
    tasks: await database.prisma.task.count(),
    fired: await database.prisma.domainEvent.count({ where: { type: "PLAYBOOK_FIRED" } }),
  });

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "playbooks"));
    a = await newWorkspace(database, "playbooks-a");
    b = await newWorkspace(database, "playbooks-b");
    yoga = createPulseYoga({ database });
    await setUp(database, a);
    await setUp(database, b);
  });
  afterAll(async () => {
    await drop?.();
  });

  it("refuses bad playbooks with every problem named, and stores nothing", async () => {
    const bad = await createPlaybook(a.secretKey, {
      name: "Bad",
      trigger: "MRR_CHANGED",
      conditions: { detractor: true, scoreMin: 80, scoreMax: 20, mrrMin: "100", mrrMax: "10" },
      actions: [
        { createTask: { title: "Hi {{account.nam}}", dueInDays: 400 } },
        { createTask: { title: "x" }, sendWebhook: { webhookEndpointId: "e" } },
        {},
      ],
    });
    expect(bad.__typename).toBe("ValidationError");
    expect(bad.fields?.map((field) => field.path).sort()).toEqual(["actions.0.createTask.dueInDays"]);
    const semantic = await createPlaybook(a.secretKey, {
      name: "Bad",
      trigger: "MRR_CHANGED",
      conditions: { detractor: true, scoreMin: 80, scoreMax: 20, mrrMin: "100", mrrMax: "10" },
      actions: [
        { createTask: { title: "Hi {{account.nam}}" } },
        { createTask: { title: "x" }, sendWebhook: { webhookEndpointId: "e" } },
        {},
      ],
    });
    expect(semantic.__typename).toBe("ValidationError");
    expect(semantic.fields?.map((field) => field.path)).toEqual([
      "actions.0.createTask.title",
      "actions.1",
      "actions.2",
      "conditions.detractor",
      "conditions.mrrMin",
      "conditions.scoreMin",
    ]);
    expect(semantic.message).toMatch(/unknown placeholders: \{\{account\.nam\}\}/);
    const loop = await createPlaybook(a.secretKey, {
      ...detractorPlaybook(a),
      name: "Loop",
      conditions: {},
      trigger: "TASK_CREATED",
    });
    expect(loop.fields?.map((field) => field.path)).toEqual(["trigger"]);
    const none = await createPlaybook(a.secretKey, { ...detractorPlaybook(a), actions: [] });
    expect(none.message).toMatch(/actions must list at least one action/);
    const blankEndpoint = await createPlaybook(a.secretKey, {
      ...detractorPlaybook(a),
      actions: [{ sendWebhook: { webhookEndpointId: " " } }],
    });
    expect(blankEndpoint.fields?.map((field) => field.path)).toEqual([
      "actions.0.sendWebhook.webhookEndpointId",
    ]);
    // An endpoint that does not exist, and another workspace's, are refused by name.
    const unknownEndpoints = await createPlaybook(a.secretKey, {
      ...detractorPlaybook(a),
      actions: [
        {
          sendWebhook: {
            webhookEndpointId: globalId("WebhookEndpoint", "00000000-0000-4000-8000-000000000000"),
          },
        },
        { sendWebhook: { webhookEndpointId: endpointOf(b) } },
        { sendWebhook: { webhookEndpointId: endpointOf(a) } },
      ],
    });
    expect(unknownEndpoints.fields).toEqual([
      {
        path: "actions.0.sendWebhook.webhookEndpointId",
        message: "is not a webhook endpoint of this workspace",
      },
      {
        path: "actions.1.sendWebhook.webhookEndpointId",
        message: "is not a webhook endpoint of this workspace",
      },
    ]);
    expect(await database.prisma.playbook.count()).toBe(0);
  });

  it("creates, lists, updates, disables, enables and deletes; another workspace sees none of it", async () => {
    const created = await createPlaybook(a.secretKey, {
      ...detractorPlaybook(a),
      name: "Scratch",
      enabled: false,
    });
    expect(created.data).toMatchObject({ name: "Scratch", enabled: false });
    const id = created.data?.id as string;
    expect((await createPlaybook(a.secretKey, { ...detractorPlaybook(a), name: "Scratch" })).message).toMatch(
      /name "Scratch" is taken/,
    );
    const listed = await gql<{
      playbooks: { name: string; trigger: string; conditions: object; actions: object[] }[];
    }>(
      a.secretKey,
      `{ playbooks { name trigger conditions { segments detractor bands } actions { kind title dueInDays priority owner webhookEndpointId } } }`,
    );
    expect(listed.data?.playbooks).toEqual([
      {
        name: "Scratch",
        trigger: "SURVEY_RESPONSE_RECEIVED",
        conditions: { segments: ["Enterprise"], detractor: true, bands: null },
        actions: [
          {
            kind: "CREATE_TASK",
            title: "Call {{account.name}}: NPS {{survey.score}}",
            dueInDays: 2,
            priority: "HIGH",
            owner: null,
            webhookEndpointId: null,
          },
          {
            kind: "SEND_WEBHOOK",
            title: null,
            dueInDays: null,
            priority: null,
            owner: null,
            webhookEndpointId: endpointOf(a),
          },
        ],
      },
    ]);
    const mutate = (key: string, field: string) =>
      gql<Record<string, PlaybookAnswer>>(
        key,
        `mutation($id: ID!) { result: ${field}(id: $id) { __typename ... on NotFoundError { message } } }`,
        { id },
      );
    expect((await mutate(b.secretKey, "enablePlaybook")).data?.result?.__typename).toBe("NotFoundError");
    expect((await mutate(b.secretKey, "deletePlaybook")).data?.result?.__typename).toBe("NotFoundError");
    const foreignUpdate = await gql<{ updatePlaybook: PlaybookAnswer }>(
      b.secretKey,
      `mutation($id: ID!, $input: PlaybookInput!) { updatePlaybook(id: $id, input: $input) { ${UPDATE_RESULT} } }`,
      { id, input: detractorPlaybook(a) },
    );
    expect(foreignUpdate.data?.updatePlaybook.__typename).toBe("NotFoundError");
    expect(
      (await gql<{ playbooks: unknown[] }>(b.secretKey, "{ playbooks { id } }")).data?.playbooks,
    ).toEqual([]);
    expect(
      (await gql<{ node: unknown }>(b.secretKey, `query($id: ID!) { node(id: $id) { id } }`, { id })).data
        ?.node,
    ).toBeNull();
    expect((await mutate(a.secretKey, "enablePlaybook")).data?.result?.__typename).toBe(
      "MutationEnablePlaybookSuccess",
    );
    const updated = await gql<{ updatePlaybook: PlaybookAnswer }>(
      a.secretKey,
      `mutation($id: ID!, $input: PlaybookInput!) { updatePlaybook(id: $id, input: $input) { ${UPDATE_RESULT}
        ... on MutationUpdatePlaybookSuccess { data { id name enabled } } } }`,
      { id, input: { ...detractorPlaybook(a), name: "Scratch 2", enabled: false } },
    );
    expect(updated.data?.updatePlaybook.data).toMatchObject({ name: "Scratch 2", enabled: false });
    const kept = await gql<{ updatePlaybook: PlaybookAnswer }>(
      a.secretKey,
      `mutation($id: ID!, $input: PlaybookInput!) { updatePlaybook(id: $id, input: $input) { ${UPDATE_RESULT}
        ... on MutationUpdatePlaybookSuccess { data { id name enabled } } } }`,
      { id, input: { ...detractorPlaybook(a), name: "Scratch 3" } },
    );
    // An omitted `enabled` keeps it disabled.
    expect(kept.data?.updatePlaybook.data).toMatchObject({ name: "Scratch 3", enabled: false });
    expect((await mutate(a.secretKey, "deletePlaybook")).data?.result?.__typename).toBe(
      "MutationDeletePlaybookSuccess",
    );
    expect(await database.prisma.playbook.count()).toBe(0);
  });

  it("a detractor in an Enterprise account → a task for its CSM and a PLAYBOOK_FIRED event, once", async () => {
    // Written before the playbook exists: never fires it.
    await respond(a.secretKey, "ent", 1);
    const created = await createPlaybook(a.secretKey, detractorPlaybook(a));
    expect(created.__typename).toBe("MutationCreatePlaybookSuccess");
    // The same playbook in workspace B, which must not fire on A's events (nor A's on B's).
    await createPlaybook(b.secretKey, detractorPlaybook(b));
    await respond(a.secretKey, "ent", 3); // fires
    await respond(a.secretKey, "ent", 9); // promoter: no
    await respond(a.secretKey, "smb", 2); // not Enterprise: no
    await respond(b.secretKey, "smb", 0); // B, not Enterprise: no
    const evaluator = new PlaybookEvaluator(database);
    const run = await evaluator.run();
    expect(run.firings).toBe(1);
    expect(await evaluator.run()).toEqual({ events: expect.any(Number), firings: 0 });
    const tasks = await database.prisma.task.findMany({ include: { account: true } });
    expect(tasks).toHaveLength(1);
    const [task] = tasks;
    expect(task).toMatchObject({
      title: "Call ENT: NPS 3",
      owner: "dana",
      priority: "HIGH",
      status: "OPEN",
      workspaceId: a.workspaceId,
      eventType: "SURVEY_RESPONSE_RECEIVED",
    });
    expect(task?.account.externalId).toBe("ent");
    expect((task?.dueAt?.getTime() ?? 0) - (task?.createdAt.getTime() ?? 0)).toBe(2 * DAY);
    const firing = await database.prisma.playbookFiring.findFirstOrThrow();
    expect(task?.firingId).toBe(firing.id);
    const trigger = await database.prisma.domainEvent.findFirstOrThrow({
      where: { txid: firing.eventTxid, position: firing.eventPosition },
    });
    expect(trigger.payload).toMatchObject({ kind: "NPS", score: 3, detractor: true });
    expect(task?.eventId).toBe(`${trigger.txid}-${trigger.position}`);
    const fired = await database.prisma.domainEvent.findMany({ where: { type: "PLAYBOOK_FIRED" } });
    expect(fired).toHaveLength(1);
    expect(fired[0]?.workspaceId).toBe(a.workspaceId);
    expect(fired[0]?.payload).toEqual({
      webhookEndpointId: endpointOf(a),
      playbookId: firing.playbookId,
      playbookName: "Detractor in Enterprise",
      firingId: firing.id,
      event: { type: "SURVEY_RESPONSE_RECEIVED", id: task?.eventId, payload: trigger.payload },
    });
    expect(
      await database.prisma.domainEvent.count({
        where: { type: "TASK_CREATED", workspaceId: a.workspaceId },
      }),
    ).toBe(1);
    // Queryable: the firing with its results, and the task with its origin.
    const listed = await gql<{
      playbookFirings: {
        edges: {
          node: {
            eventId: string;
            eventType: string;
            account: { externalId: string };
            playbook: { name: string };
            results: { kind: string; taskId: string | null; webhookEndpointId: string | null }[];
            tasks: { title: string }[];
          };
        }[];
      };
      account: {
        tasks: {
          edges: { node: { origin: string; owner: string; eventId: string; playbook: { name: string } } }[];
        };
      };
    }>(
      a.secretKey,
      `{ playbookFirings(first: 10) { edges { node { eventId eventType account { externalId } playbook { name }
          results { kind taskId webhookEndpointId } tasks { title } } } }
         account(externalId: "ent") { tasks(first: 5) { edges { node { origin owner eventId playbook { name } } } } } }`,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data?.playbookFirings.edges.map((edge) => edge.node)).toEqual([
      {
        eventId: task?.eventId,
        eventType: "SURVEY_RESPONSE_RECEIVED",
        account: { externalId: "ent" },
        playbook: { name: "Detractor in Enterprise" },
        results: [
          {
            kind: "CREATE_TASK",
            taskId: Buffer.from(`Task:${task?.id}`).toString("base64"),
            webhookEndpointId: null,
          },
          { kind: "SEND_WEBHOOK", taskId: null, webhookEndpointId: endpointOf(a) },
        ],
        tasks: [{ title: "Call ENT: NPS 3" }],
      },
    ]);
    expect(listed.data?.account.tasks.edges.map((edge) => edge.node)).toEqual([
      {
        origin: "PLAYBOOK",
        owner: "dana",
        eventId: task?.eventId,
        playbook: { name: "Detractor in Enterprise" },
      },
    ]);
    const fromB = await gql<{ playbookFirings: { edges: unknown[] } }>(
      b.secretKey,
      `{ playbookFirings(first: 10) { edges { node { id } } } }`,
    );
    expect(fromB.data?.playbookFirings.edges).toEqual([]);
  });

  it("an evaluator whose transaction aborts fires nothing, and the next run fires once", async () => {
    const before = await counts();
    const cursorBefore = await database.prisma.playbookCursor.findUniqueOrThrow({ where: { id: 1 } });
    // The batch's last statement (moving the cursor) fails: everything it wrote is rolled back.
    await database.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'evaluator crashed'; END $$`);
    await database.prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_cursor BEFORE UPDATE ON "PlaybookCursor" FOR EACH ROW EXECUTE FUNCTION refuse_cursor()`,
    );
    await respond(a.secretKey, "ent", 0);
    const evaluator = new PlaybookEvaluator(database);
    await expect(evaluator.run()).rejects.toThrow(/evaluator crashed/);
    await expect(evaluator.run()).rejects.toThrow(/evaluator crashed/);
    expect(await counts()).toEqual(before);
    const cursorAfter = await database.prisma.playbookCursor.findUniqueOrThrow({ where: { id: 1 } });
    expect([cursorAfter.txid, cursorAfter.position]).toEqual([cursorBefore.txid, cursorBefore.position]);
    await database.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_cursor ON "PlaybookCursor"`);
    await database.prisma.$executeRawUnsafe("DROP FUNCTION refuse_cursor()");
    expect((await evaluator.run()).firings).toBe(1);
    expect(await counts()).toEqual({
      firings: before.firings + 1,
      tasks: before.tasks + 1,
      fired: before.fired + 1,
    });
    expect((await evaluator.run()).firings).toBe(0);
  });

  it("the dry run lists exactly the recent events that would fire, pages, and stores nothing", async () => {
    const before = await counts();
    const since = new Date(Date.now() - DAY).toISOString();
    const events = await database.prisma.domainEvent.findMany({
      where: { workspaceId: a.workspaceId, type: "SURVEY_RESPONSE_RECEIVED" },
      include: { account: true },
      orderBy: [{ txid: "asc" }, { position: "asc" }],
    });
    const idOf = (event: (typeof events)[number]) => `${event.txid}-${event.position}`;
    const detractor = (event: (typeof events)[number]) => (event.payload as { detractor: boolean }).detractor;
    // Every detractor in ENT, including the one written before the playbook existed.
    const expected = events
      .filter((event) => event.account?.externalId === "ent" && detractor(event))
      .map(idOf);
    expect(expected).toHaveLength(3);
    const stored = await database.prisma.playbook.findFirstOrThrow({ where: { workspaceId: a.workspaceId } });
    const playbookId = Buffer.from(`Playbook:${stored.id}`).toString("base64");
    const dryRun = async (args: Record<string, unknown>, key = a.secretKey) => {
      const result = await gql<{
        playbookDryRun: {
          __typename: string;
          message?: string;
          data?: {
            matches: { event: { id: string }; account: { externalId: string }; taskTitles: string[] }[];
            endCursor: string | null;
            hasNextPage: boolean;
            scannedEvents: number;
          };
        };
      }>(
        key,
        `query($playbook: ID, $input: PlaybookInput, $since: DateTime!, $first: Int, $after: String) {
          playbookDryRun(playbook: $playbook, input: $input, since: $since, first: $first, after: $after) {
            __typename ... on ValidationError { message } ... on NotFoundError { message }
            ... on QueryPlaybookDryRunSuccess { data { matches { event { id } account { externalId } taskTitles } endCursor hasNextPage scannedEvents } } } }`,
        { since, ...args },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.playbookDryRun;
    };
    const all = await dryRun({ playbook: playbookId });
    expect(all?.data?.matches.map((match) => match.event.id)).toEqual(expected);
    expect(all?.data?.matches.map((match) => match.account.externalId)).toEqual(["ent", "ent", "ent"]);
    expect(all?.data?.matches[1]?.taskTitles).toEqual(["Call ENT: NPS 3"]);
    expect(all?.data?.hasNextPage).toBe(false);
    expect(all?.data?.scannedEvents).toBe(events.length);
    // Paged one match at a time: the same list.
    const paged: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const answer = await dryRun({ playbook: playbookId, first: 1, after });
      paged.push(...(answer?.data?.matches.map((match) => match.event.id) ?? []));
      if (!answer?.data?.hasNextPage) break;
      after = answer.data.endCursor;
    }
    expect(paged).toEqual(expected);
    // A proposed playbook: detractors in SMB.
    const proposed = await dryRun({
      input: { ...detractorPlaybook(a), name: "SMB", conditions: { segments: ["SMB"], detractor: true } },
    });
    expect(proposed?.data?.matches.map((match) => match.event.id)).toEqual(
      events.filter((event) => event.account?.externalId === "smb" && detractor(event)).map(idOf),
    );
    expect((await dryRun({ playbook: playbookId }, b.secretKey))?.__typename).toBe("NotFoundError");
    expect(
      (await dryRun({ playbook: playbookId, since: new Date(Date.now() - 40 * DAY).toISOString() }))?.message,
    ).toMatch(/within the last 30 days/);
    expect((await dryRun({}))?.__typename).toBe("ValidationError");
    expect(await counts()).toEqual(before);
  });

  it("runs inside the scheduler, woken by a write, and stops with it", async () => {
    const jobs = new JobScheduler(database, { tickMs: 3_600_000 });
    schedulePlaybooks(jobs, database, { everyMs: 3_600_000 });
    jobs.start();
    try {
      const before = await counts();
      await respond(a.secretKey, "ent", 4);
      const deadline = Date.now() + 10_000;
      while ((await counts()).firings === before.firings && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await counts()).firings).toBe(before.firings + 1);
    } finally {
      await jobs.stop();
    }
  });
});

describe("two evaluators on one PostgreSQL", () => {
  it("fire every (playbook, event) exactly once", async () => {
    // Two servers' connection pools on one database.
    const pg = await createTestDatabase("playbooks-two");
    const database = await openDatabase({ url: pg.url, poolSize: 4 });
    const second = await openDatabase({ url: pg.url, poolSize: 4 });
    try {
      const ws = await newWorkspace(database, "two-evaluators");
      const yoga = createPulseYoga({ database });
      await setUp(database, ws);
      const created = await graphql<{ createPlaybook: { __typename: string } }>(
        yoga,
        ws.secretKey,
        `mutation($input: PlaybookInput!) { createPlaybook(input: $input) { __typename } }`,
        { input: { ...detractorPlaybook(ws), conditions: { detractor: true } } },
      );
      expect(created.data?.createPlaybook.__typename).toBe("MutationCreatePlaybookSuccess");
      const evaluators = [
        new PlaybookEvaluator(database, { batchSize: 7 }),
        new PlaybookEvaluator(second, { batchSize: 7 }),
      ];
      let writing = true;
      // What each evaluator reports it fired: together, each firing once.
      const fired = [0, 0];
      const loops = evaluators.map(async (evaluator, index) => {
        while (writing) {
          fired[index] += (await evaluator.run()).firings;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
      const scores = Array.from({ length: 60 }, (_, index) => index % 11);
      await Promise.all(
        [0, 1, 2].map(async (lane) => {
          for (let index = lane; index < scores.length; index += 3) {
            const result = await graphql(
              yoga,
              ws.secretKey,
              `mutation($input: SurveyResponseInput!) { upsertSurveyResponse(input: $input) { __typename } }`,
              {
                input: {
                  idempotencyKey: `two-${index}`,
                  survey: "nps",
                  accountExternalId: index % 2 ? "ent" : "smb",
                  score: scores[index],
                },
              },
            );
            expect(result.errors).toBeUndefined();
          }
        }),
      );
      writing = false;
      await Promise.all(loops);
      for (const [index, evaluator] of evaluators.entries()) fired[index] += (await evaluator.run()).firings;
      const detractors = scores.filter((score) => score <= 6).length;
      const firings = await database.prisma.playbookFiring.findMany();
      expect(firings).toHaveLength(detractors);
      expect((fired[0] ?? 0) + (fired[1] ?? 0)).toBe(detractors);
      expect(new Set(firings.map((firing) => `${firing.eventTxid}-${firing.eventPosition}`)).size).toBe(
        detractors,
      );
      expect(await database.prisma.task.count()).toBe(detractors);
      expect(await database.prisma.domainEvent.count({ where: { type: "PLAYBOOK_FIRED" } })).toBe(detractors);
    } finally {
      await second.close();
      await database.close();
      await pg.drop();
    }
  });
});
