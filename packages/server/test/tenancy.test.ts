// Tenant isolation: workspace B's rows of every entity type are invisible and untouchable with
// workspace A's keys, through node ids, lookups, lists, metrics, mutations and widget tokens.
import type { Database } from "@pulse/schema/database";
import { Prisma } from "@pulse/schema/prisma";
import {
  type GraphQLNamedType,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeysCommand } from "../src/admin-keys.ts";
import { signViewerToken, VIEWER_TOKEN_HEADER } from "../src/auth/viewer-token.ts";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { schema } from "../src/graphql/index.ts";
import { recordHealthSnapshots } from "../src/health/snapshots.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
import { VIEWER_HIDDEN, VIEWER_ROOT_FIELDS } from "../src/plugins/use-key-scope.ts";
import { seedDemoWorkspace } from "../src/seed/demo.ts";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

describe.each(DATABASE_KINDS)("tenant isolation on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let a: CreatedWorkspace;
  let b: { workspaceId: string; secretKey: string; signingSecret: string };
  const foreign: Record<string, string> = {};

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "tenancy"));
    a = await newWorkspace(database, "tenant-a");
    b = await seedDemoWorkspace(database.prisma, { accounts: 6 });
    yoga = createPulseYoga({ database });
    const prisma = database.prisma;
    const where = { workspaceId: b.workspaceId };
    foreign.Account = (await prisma.account.findFirstOrThrow({ where })).id;
    foreign.Contact = (await prisma.contact.findFirstOrThrow({ where })).id;
    foreign.SurveyResponse = (await prisma.surveyResponse.findFirstOrThrow({ where })).id;
    foreign.SupportTicket = (await prisma.supportTicket.findFirstOrThrow({ where })).id;
    foreign.UsageEvent = (await prisma.usageEvent.findFirstOrThrow({ where })).id;
    foreign.ApiKey = (await prisma.apiKey.findFirstOrThrow({ where })).id;
    foreign.Survey = (await prisma.survey.findFirstOrThrow({ where })).id;
    foreign.Milestone = (await prisma.milestone.findFirstOrThrow({ where })).id;
    foreign.Workspace = b.workspaceId;
    const account = foreign.Account;
    foreign.Task = (
      await prisma.task.create({
        data: { workspaceId: b.workspaceId, accountId: account, title: "B's task" },
      })
    ).id;
    const playbook = await prisma.playbook.create({
      data: {
        workspaceId: b.workspaceId,
        name: "B's playbook",
        triggerType: "SURVEY_RESPONSE_RECEIVED",
        actions: [{ kind: "SEND_WEBHOOK", webhookEndpointId: "b" }],
        activeAfterTxid: 0n,
        activeAfterPosition: 0n,
      },
    });
    foreign.Playbook = playbook.id;
    foreign.PlaybookFiring = (
      await prisma.playbookFiring.create({
        data: {
          workspaceId: b.workspaceId,
          playbookId: playbook.id,
          accountId: account,
          eventTxid: 1n,
          eventPosition: 1n,
          eventType: "SURVEY_RESPONSE_RECEIVED",
          results: [],
        },
      })
    ).id;
    foreign.HealthConfigVersion = (await prisma.healthConfigVersion.findFirstOrThrow({ where })).id;
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        workspaceId: b.workspaceId,
        url: "https://example.com/hook",
        eventTypes: ["MRR_CHANGED"],
        secret: "whsec_x",
      },
    });
    foreign.WebhookEndpoint = endpoint.id;
    foreign.WebhookDelivery = (
      await prisma.webhookDelivery.create({
        data: {
          workspaceId: b.workspaceId,
          endpointId: endpoint.id,
          eventId: "1-1",
          eventType: "MRR_CHANGED",
          body: "{}",
        },
      })
    ).id;
  });
  afterAll(async () => {
    await drop?.();
  });

  it("covers every node type of the schema", () => {
    expect(Object.keys(foreign).sort()).toEqual([
      "Account",
      "ApiKey",
      "Contact",
      "HealthConfigVersion",
      "Milestone",
      "Playbook",
      "PlaybookFiring",
      "SupportTicket",
      "Survey",
      "SurveyResponse",
      "Task",
      "UsageEvent",
      "WebhookDelivery",
      "WebhookEndpoint",
      "Workspace",
    ]);
  });

  it("answers node(id) and nodes(ids) of another workspace's rows with nothing", async () => {
    for (const [type, id] of Object.entries(foreign)) {
      const single = await graphql<{ node: unknown }>(
        yoga,
        a.secretKey,
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: globalId(type, id) },
      );
      expect(single.data?.node ?? null, type).toBeNull();
      const own = await graphql<{ node: unknown }>(
        yoga,
        b.secretKey,
        `query($id: ID!) { node(id: $id) { id } }`,
        { id: globalId(type, id) },
      );
      expect(own.data?.node, `${type} is visible to its own workspace`).not.toBeNull();
    }
    const many = await graphql<{ nodes: unknown[] }>(
      yoga,
      a.secretKey,
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      {
        ids: Object.entries(foreign).map(([type, id]) => globalId(type, id)),
      },
    );
    expect((many.data?.nodes ?? []).filter((node) => node !== null)).toEqual([]);
  });

  it("shows none of them in lookups, lists, portfolio metrics or configuration", async () => {
    const externalId = (await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } }))
      .externalId;
    const result = await graphql<{
      account: unknown;
      byId: unknown;
      accounts: { totalCount: number };
      portfolio: { activeAccounts: number; nps: unknown };
      workspace: {
        milestones: unknown[];
        surveys: unknown[];
        apiKeys: unknown[];
        webhookEndpoints: unknown[];
      };
      webhookDeliveries: unknown[];
    }>(
      yoga,
      a.secretKey,
      `query($id: ID!, $ext: String!) {
      account(externalId: $ext) { id } byId: account(id: $id) { id }
      accounts(first: 100) { totalCount } portfolio { activeAccounts nps { score } }
      workspace { milestones { key } surveys { key } apiKeys { prefix } webhookEndpoints { id } }
      webhookDeliveries(eventId: "1-1") { id }
    }`,
      { id: globalId("Account", foreign.Account ?? ""), ext: externalId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.account).toBeNull();
    expect(result.data?.byId).toBeNull();
    expect(result.data?.accounts.totalCount).toBe(0);
    expect(result.data?.portfolio).toEqual({ activeAccounts: 0, nps: null });
    expect(result.data?.workspace.milestones).toEqual([]);
    expect(result.data?.workspace.surveys).toEqual([]);
    expect(result.data?.workspace.apiKeys).toHaveLength(2);
    expect(result.data?.workspace.webhookEndpoints).toEqual([]);
    expect(result.data?.webhookDeliveries).toEqual([]);
  });

  it("cannot write to them: ingestion treats their external ids as unknown, keys and tokens do not cross", async () => {
    const before = await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } });
    const ticket = await graphql<{ upsertSupportTicket: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($ext: String!) { upsertSupportTicket(input: { accountExternalId: $ext, externalId: "x", openedAt: "2026-01-01" }) { __typename } }`,
      { ext: before.externalId },
    );
    expect(ticket.data?.upsertSupportTicket.__typename).toBe("ValidationError");
    const upsert = await graphql<{ upsertAccount: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($ext: String!) { upsertAccount(input: { externalId: $ext, name: "Hijacked", signedUpAt: "2026-01-01" }) { __typename } }`,
      { ext: before.externalId },
    );
    expect(upsert.data?.upsertAccount.__typename).toMatch(/Success$/);
    const after = await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } });
    expect(after.name).toBe(before.name);
    expect(await database.prisma.supportTicket.count({ where: { externalId: "x" } })).toBe(0);
    const revoke = await graphql<{ revokeApiKey: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`,
      { id: globalId("ApiKey", foreign.ApiKey ?? "") },
    );
    expect(revoke.data?.revokeApiKey.__typename).toBe("NotFoundError");
    const token = await signWidgetToken(
      { workspaceId: b.workspaceId, account: before.externalId },
      b.signingSecret,
    );
    const badge = await graphql(
      yoga,
      a.publishableKey,
      `query($t: String!) { widgetBadge(token: $t) { score } }`,
      { t: token },
    );
    expect(badge.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    const untouched = await database.prisma.account.findFirstOrThrow({
      where: { workspaceId: b.workspaceId, NOT: { id: foreign.Account } },
    });
    const forged = await signWidgetToken(
      { workspaceId: a.workspaceId, account: untouched.externalId },
      a.signingSecret,
    );
    const lookup = await graphql(
      yoga,
      a.publishableKey,
      `query($t: String!) { widgetBadge(token: $t) { score } }`,
      { t: forged },
    );
    expect(lookup.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const milestone = await database.prisma.milestone.findUniqueOrThrow({ where: { id: foreign.Milestone } });
    const deleted = await graphql<{ deleteMilestone: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($key: String!) { deleteMilestone(key: $key) { __typename } }`,
      { key: milestone.key },
    );
    expect(deleted.data?.deleteMilestone.__typename).not.toMatch(/Success$/);
    expect(await database.prisma.milestone.count({ where: { id: foreign.Milestone } })).toBe(1);
  });

  it("shows and changes none of their tasks, playbooks or firings", async () => {
    const lists = await graphql<{
      tasks: { edges: unknown[] };
      playbooks: unknown[];
      playbookFirings: { edges: unknown[] };
    }>(
      yoga,
      a.secretKey,
      `{ tasks(first: 100) { edges { node { id } } } playbooks { id } playbookFirings(first: 100) { edges { node { id } } } }`,
    );
    expect(lists.errors).toBeUndefined();
    expect(lists.data).toEqual({ tasks: { edges: [] }, playbooks: [], playbookFirings: { edges: [] } });
    const task = globalId("Task", foreign.Task ?? "");
    const playbook = globalId("Playbook", foreign.Playbook ?? "");
    const writes = await graphql<Record<string, { __typename: string }>>(
      yoga,
      a.secretKey,
      `mutation($task: ID!, $playbook: ID!, $account: ID!) {
        updateTask(id: $task, input: { status: DONE }) { __typename }
        disablePlaybook(id: $playbook) { __typename }
        deletePlaybook(id: $playbook) { __typename }
        createTask(input: { account: $account, title: "Sneaky" }) { __typename }
      }`,
      { task, playbook, account: globalId("Account", foreign.Account ?? "") },
    );
    expect(writes.errors).toBeUndefined();
    expect(Object.values(writes.data ?? {}).map((answer) => answer.__typename)).toEqual([
      "NotFoundError",
      "NotFoundError",
      "NotFoundError",
      "NotFoundError",
    ]);
    const dryRun = await graphql<{ playbookDryRun: { __typename: string } }>(
      yoga,
      a.secretKey,
      `query($playbook: ID!, $since: DateTime!) { playbookDryRun(playbook: $playbook, since: $since) { __typename } }`,
      { playbook, since: new Date(Date.now() - 86_400_000).toISOString() },
    );
    expect(dryRun.data?.playbookDryRun.__typename).toBe("NotFoundError");
    expect(await database.prisma.task.findUniqueOrThrow({ where: { id: foreign.Task } })).toMatchObject({
      status: "OPEN",
    });
    expect(
      await database.prisma.playbook.findUniqueOrThrow({ where: { id: foreign.Playbook } }),
    ).toMatchObject({
      enabled: true,
    });
    expect(await database.prisma.task.count({ where: { title: "Sneaky" } })).toBe(0);
  });

  it("health lab: versions, restore, preview and backtest see only the caller's workspace", async () => {
    const lab = await graphql<{
      workspace: { healthConfigVersions: { edges: { node: { version: number } }[] } };
      previewHealthScoreConfig: { data: { accounts: number; bandChanges: { edges: unknown[] } } };
      healthBacktest: { data: { churnedAccounts: number; retainedAccounts: number } };
    }>(
      yoga,
      a.secretKey,
      `{ workspace { healthConfigVersions(first: 10) { edges { node { version } } } }
         previewHealthScoreConfig(config: { greenThreshold: 10, yellowThreshold: 5 }) {
           ... on QueryPreviewHealthScoreConfigSuccess { data { accounts bandChanges(first: 10) { edges { cursor } } } } }
         healthBacktest(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, horizonDays: 30) {
           ... on QueryHealthBacktestSuccess { data { churnedAccounts retainedAccounts } } } }`,
    );
    expect(lab.errors).toBeUndefined();
    expect(lab.data?.workspace.healthConfigVersions.edges).toEqual([{ node: { version: 1 } }]);
    // Only A's own account (the one its upsert above created), never B's.
    const ownAccounts = await database.prisma.account.count({ where: { workspaceId: a.workspaceId } });
    expect(ownAccounts).toBeLessThan(
      await database.prisma.account.count({ where: { workspaceId: b.workspaceId } }),
    );
    expect(lab.data?.previewHealthScoreConfig.data).toEqual({
      accounts: ownAccounts,
      bandChanges: { edges: [] },
    });
    expect(lab.data?.healthBacktest.data).toEqual({ churnedAccounts: 0, retainedAccounts: 0 });
    const versionsOfB = await database.prisma.healthConfigVersion.count({
      where: { workspaceId: b.workspaceId },
    });
    const restore = await graphql<{ restoreHealthConfigVersion: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($id: ID!) { restoreHealthConfigVersion(id: $id) { __typename } }`,
      { id: globalId("HealthConfigVersion", foreign.HealthConfigVersion ?? "") },
    );
    expect(restore.data?.restoreHealthConfigVersion.__typename).toBe("NotFoundError");
    expect(await database.prisma.healthConfigVersion.count({ where: { workspaceId: a.workspaceId } })).toBe(
      1,
    );
    expect(await database.prisma.healthConfigVersion.count({ where: { workspaceId: b.workspaceId } })).toBe(
      versionsOfB,
    );
  });

  it("keeps targets, acquisition spend and stage history apart: lists, journey, portfolio and writes", async () => {
    const theirTarget = await database.prisma.metricTarget.findFirstOrThrow({
      where: { workspaceId: b.workspaceId },
    });
    const theirTargetId = globalId("MetricTarget", theirTarget.id);
    const query = `{ metricTargets { id } portfolio(period: { from: "2020-01-01", to: "2030-01-01" }) { acquisitionSpend { amount } }
      journey(period: { from: "2020-01-01", to: "2030-01-01" }) { stages { entered } } }`;
    const mine = await graphql<{
      metricTargets: unknown[];
      portfolio: { acquisitionSpend: { amount: string } };
      journey: { stages: { entered: number }[] };
    }>(yoga, a.secretKey, query);
    const theirs = await graphql<typeof mine.data>(yoga, b.secretKey, query);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.metricTargets).toEqual([]);
    expect(mine.data?.portfolio.acquisitionSpend.amount).toBe("0");
    const entered = (answer: typeof mine.data) =>
      (answer?.journey.stages ?? []).reduce((sum, stage) => sum + stage.entered, 0);
    const ownChanges = await database.prisma.lifecycleStageChange.count({
      where: { workspaceId: a.workspaceId },
    });
    expect(entered(mine.data)).toBe(ownChanges);
    expect(entered(theirs.data)).toBeGreaterThan(ownChanges);
    expect(theirs.data?.metricTargets.length).toBeGreaterThan(0);
    expect(Number(theirs.data?.portfolio.acquisitionSpend.amount)).toBeGreaterThan(0);

    const update = await graphql<{ set: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($id: ID!) { set: setMetricTarget(input: { id: $id, metric: NPS, baseline: 0, target: 99, dueAt: "2099-01-01T00:00:00Z" }) { __typename } }`,
      { id: theirTargetId },
    );
    expect(update.data?.set.__typename).toBe("NotFoundError");
    const removal = await graphql<{ deleted: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($id: ID!) { deleted: deleteMetricTarget(id: $id) { __typename } }`,
      { id: theirTargetId },
    );
    expect(removal.data?.deleted.__typename).toBe("NotFoundError");
    expect(await database.prisma.metricTarget.findUniqueOrThrow({ where: { id: theirTarget.id } })).toEqual(
      theirTarget,
    );
    // Spend with another workspace's external id is a new row of the caller's own.
    const theirSpend = await database.prisma.acquisitionSpend.findFirstOrThrow({
      where: { workspaceId: b.workspaceId },
    });
    const spend = await graphql<{ upsertAcquisitionSpend: { __typename: string } }>(
      yoga,
      a.secretKey,
      `mutation($ext: String!) { upsertAcquisitionSpend(input: { externalId: $ext, periodStart: "2026-01-01", periodEnd: "2026-01-02", amount: "1" }) { __typename } }`,
      { ext: theirSpend.externalId },
    );
    expect(spend.data?.upsertAcquisitionSpend.__typename).toMatch(/Success$/);
    expect(
      await database.prisma.acquisitionSpend.findUniqueOrThrow({ where: { id: theirSpend.id } }),
    ).toEqual(theirSpend);
  });

  describe("admin keys", () => {
    let admin: string;
    let server: StartedServer;
    const ADMIN_OPERATIONS = {
      createWorkspace: `mutation { createWorkspace(input: { name: "Sneaky", slug: "sneaky" }) { __typename } }`,
      workspaces: `{ workspaces(first: 10) { edges { node { slug } } } }`,
      disableWorkspace: `mutation($id: String!) { disableWorkspace(workspaceId: $id) { __typename } }`,
    };

    beforeAll(async () => {
      admin = (await adminKeysCommand(database, ["create"], { name: "partner portal" })).split("\n")[0] ?? "";
      expect(admin).toMatch(/^ak_[A-Za-z0-9]{40}$/);
      server = await startHttpServer({ database, port: 0, host: "127.0.0.1" });
    });
    afterAll(async () => {
      await server?.close();
    });

    it("read no workspace data: every other root field is refused, through node ids, widgets and the survey endpoint too", async () => {
      const accountExt = (await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } }))
        .externalId;
      const token = await signWidgetToken(
        { workspaceId: b.workspaceId, account: accountExt, contact: "c-1" },
        b.signingSecret,
      );
      const refused: [string, Record<string, unknown>?][] = [
        [`{ workspace { name signingSecret } }`],
        [`{ accounts(first: 5) { totalCount } }`],
        [`query($id: ID!) { node(id: $id) { id } }`, { id: globalId("Account", foreign.Account ?? "") }],
        [
          `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
          { ids: Object.entries(foreign).map(([type, id]) => globalId(type, id)) },
        ],
        [`{ portfolio { activeAccounts } }`],
        [`{ previewHealthScoreConfig(config: {}) { __typename } }`],
        [
          `{ healthBacktest(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, horizonDays: 30) { __typename } }`,
        ],
        [
          `mutation($id: ID!) { restoreHealthConfigVersion(id: $id) { __typename } }`,
          { id: globalId("HealthConfigVersion", foreign.HealthConfigVersion ?? "") },
        ],
        [`query($t: String!) { widgetBadge(token: $t) { score } }`, { t: token }],
        [`mutation { createApiKey(input: { kind: SECRET, name: "x" }) { __typename } }`],
        [
          `mutation { upsertAccount(input: { externalId: "x", name: "X", signedUpAt: "2026-01-01" }) { __typename } }`,
        ],
        [`{ workspaces(first: 1) { edges { node { slug } } } workspace { name } }`],
        [`{ __schema { types { name } } }`],
      ];
      for (const [query, variables] of refused) {
        const result = await graphql(yoga, admin, query, variables);
        expect(result.status, query).toBe(403);
        expect(result.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
        expect(result.errors?.[0]?.message, query).toContain(
          "admin key may only create, list and disable workspaces",
        );
      }
      const submitted = await fetch(`${server.url}/widgets/v1/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ survey: "nps-main", token, responseId: "admin-response-1", score: 9 }),
      });
      expect(submitted.status).toBe(403);
      expect(await database.prisma.account.count({ where: { externalId: "x" } })).toBe(0);
      expect(
        await database.prisma.surveyResponse.count({ where: { idempotencyKey: "admin-response-1" } }),
      ).toBe(0);
    });

    it("cannot be reached by secret or publishable keys, nor made through the API", async () => {
      const before = await database.prisma.workspace.count();
      for (const key of [a.secretKey, a.publishableKey, b.secretKey]) {
        for (const [field, query] of Object.entries(ADMIN_OPERATIONS)) {
          const result = await graphql(yoga, key, query, { id: b.workspaceId });
          expect(result.status, `${field} with ${key.slice(0, 3)}`).toBe(403);
          expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
        }
      }
      expect(await database.prisma.workspace.count()).toBe(before);
      expect(await database.prisma.workspace.count({ where: { disabledAt: { not: null } } })).toBe(0);
      const viaApi = await graphql(
        yoga,
        a.secretKey,
        `mutation { createApiKey(input: { kind: ADMIN, name: "x" }) { __typename } }`,
      );
      expect(viaApi.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(viaApi.errors?.[0]?.message).toContain('Value "ADMIN" does not exist in "ApiKeyKind" enum');
      expect(await database.prisma.adminKey.count()).toBe(1);
    });

    it("create, list and disable workspaces; a disabled workspace's keys and tokens stop working", async () => {
      const created = await graphql<{
        createWorkspace: {
          __typename: string;
          workspace: { workspaceId: string; slug: string; disabledAt: null };
          secretKey: string;
          publishableKey: string;
          signingSecret: string;
        };
      }>(
        yoga,
        admin,
        `mutation { createWorkspace(input: { name: "Customer 42", slug: "customer-42", currency: "EUR" }) {
        __typename ... on MutationCreateWorkspaceSuccess { data { workspace { workspaceId slug disabledAt } secretKey publishableKey signingSecret } }
        ... on ValidationError { message fields { path message } } } }`,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data?.createWorkspace).toBeDefined();
      const createWorkspace: unknown = created.data?.createWorkspace;
      const provisioned = (
        createWorkspace as {
          data: {
            workspace: { workspaceId: string; slug: string };
            secretKey: string;
            publishableKey: string;
            signingSecret: string;
          };
        }
      ).data;
      expect(provisioned.workspace.slug).toBe("customer-42");
      expect(provisioned.secretKey).toMatch(/^sk_/);
      const own = await graphql<{
        workspace: { name: string; currency: string };
        accounts: { totalCount: number };
      }>(yoga, provisioned.secretKey, `{ workspace { name currency } accounts(first: 1) { totalCount } }`);
      expect(own.data).toEqual({
        workspace: { name: "Customer 42", currency: "EUR" },
        accounts: { totalCount: 0 },
      });

      const duplicate = await graphql<{
        createWorkspace: { __typename: string; fields: { path: string }[] };
      }>(
        yoga,
        admin,
        `mutation { createWorkspace(input: { name: "Again", slug: "customer-42" }) { __typename ... on ValidationError { fields { path } } } }`,
      );
      expect(duplicate.data?.createWorkspace).toEqual({
        __typename: "ValidationError",
        fields: [{ path: "slug" }],
      });
      const invalid = await graphql<{ createWorkspace: { __typename: string; fields: { path: string }[] } }>(
        yoga,
        admin,
        `mutation { createWorkspace(input: { name: " ", slug: "Bad Slug!", currency: "euro" }) { __typename ... on ValidationError { fields { path } } } }`,
      );
      expect(invalid.data?.createWorkspace.__typename).toBe("ValidationError");
      expect(invalid.data?.createWorkspace.fields.map((f) => f.path).sort()).toEqual([
        "currency",
        "name",
        "slug",
      ]);
      expect(await database.prisma.workspace.count({ where: { name: { in: ["Again", " "] } } })).toBe(0);

      const listed = await graphql<{
        workspaces: {
          edges: { node: { slug: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(
        yoga,
        admin,
        `{ workspaces(first: 2) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
      );
      const slugs = (
        await database.prisma.workspace.findMany({ select: { slug: true }, orderBy: { slug: "asc" } })
      ).map((w) => w.slug);
      expect(listed.data?.workspaces.edges.map((e) => e.node.slug)).toEqual(slugs.slice(0, 2));
      const next = await graphql<{ workspaces: { edges: { node: { slug: string } }[] } }>(
        yoga,
        admin,
        `query($after: String) { workspaces(first: 100, after: $after) { edges { node { slug } } } }`,
        { after: listed.data?.workspaces.pageInfo.endCursor },
      );
      expect(next.data?.workspaces.edges.map((e) => e.node.slug)).toEqual(slugs.slice(2));

      const badgeToken = await signWidgetToken(
        { workspaceId: provisioned.workspace.workspaceId, account: "nobody", expiresInSeconds: null },
        provisioned.signingSecret,
      );
      expect((await fetch(`${server.url}/badge/${badgeToken}.json`)).status).not.toBe(403);
      const disabled = await graphql<{
        disableWorkspace: { __typename: string; data: { disabledAt: string } };
      }>(
        yoga,
        admin,
        `mutation($id: String!) { disableWorkspace(workspaceId: $id) { __typename ... on MutationDisableWorkspaceSuccess { data { disabledAt } } } }`,
        { id: provisioned.workspace.workspaceId },
      );
      expect(disabled.data?.disableWorkspace.__typename).toBe("MutationDisableWorkspaceSuccess");
      expect(disabled.data?.disableWorkspace.data.disabledAt).toEqual(expect.any(String));
      for (const key of [provisioned.secretKey, provisioned.publishableKey]) {
        expect((await graphql(yoga, key, `{ __typename }`)).status).toBe(401);
        expect((await graphql(server.url, key, `{ __typename }`)).status).toBe(401);
      }
      // The image answers 403; the shields.io form answers its error as shields.io wants it.
      expect((await fetch(`${server.url}/badge/${badgeToken}.svg`)).status).toBe(403);
      const shields = await fetch(`${server.url}/badge/${badgeToken}.json`);
      expect(await shields.json()).toMatchObject({ isError: true });
      // The other workspaces are unaffected.
      expect((await graphql(yoga, a.secretKey, `{ workspace { name } }`)).status).toBe(200);
      const active = await graphql<{ workspaces: { edges: { node: { slug: string } }[] } }>(
        yoga,
        admin,
        `{ workspaces(first: 100, includeDisabled: false) { edges { node { slug } } } }`,
      );
      expect(active.data?.workspaces.edges.map((e) => e.node.slug)).not.toContain("customer-42");
      const missing = await graphql<{ disableWorkspace: { __typename: string } }>(
        yoga,
        admin,
        `mutation { disableWorkspace(workspaceId: "not-a-uuid") { __typename } }`,
      );
      expect(missing.data?.disableWorkspace.__typename).toBe("NotFoundError");
    });

    it("stop working once revoked by the CLI", async () => {
      const second =
        (await adminKeysCommand(database, ["create"], { name: "temporary" })).split("\n")[0] ?? "";
      expect(
        (await graphql(yoga, second, `{ workspaces(first: 1) { edges { node { slug } } } }`)).status,
      ).toBe(200);
      const listing = await adminKeysCommand(database, ["list"], {});
      expect(listing).toContain(`${second.slice(0, 11)}…`);
      await adminKeysCommand(database, ["revoke", `${second.slice(0, 11)}…`], {});
      yoga.keys.evictKeyId(
        (await database.prisma.adminKey.findFirstOrThrow({ where: { name: "temporary" } })).id,
      );
      expect(
        (await graphql(yoga, second, `{ workspaces(first: 1) { edges { node { slug } } } }`)).status,
      ).toBe(401);
      await expect(adminKeysCommand(database, ["create"], {})).rejects.toThrow(/usage/);
    });
  });
});

// Viewer scopes, derived from the schema: every Node type (by its Prisma model, which says whether
// it belongs to an account) and every list reachable from Query (a query built by walking the
// schema's types) shows a scoped viewer exactly the accounts of its scope. A new node type, or a
// new list or connection anywhere under Query, is covered without editing this suite; a node type
// that cannot be classified fails it.
describe.each(DATABASE_KINDS)("viewer scopes on %s", (kind) => {
  const NOW = new Date("2026-06-15T12:00:00Z");
  /** Node types that belong to no account: workspace configuration a dashboard may read. */
  const WORKSPACE_LEVEL = new Set(["Workspace", "Survey", "Milestone"]);
  /** Node types no viewer may see at all (the whole types of VIEWER_HIDDEN). */
  const HIDDEN = new Set([...VIEWER_HIDDEN].filter((entry) => !entry.includes(".")));
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let workspaceId: string;
  let secretKey: string;
  let signingSecret: string;
  let publishableKey: string;
  let accounts: { id: string; externalId: string; segment: string | null; csmOwner: string | null }[];
  /** Every node of the workspace: global id → the account it belongs to (null: none). */
  const nodeAccounts = new Map<string, string | null>();
  const nodeTypes = new Map<string, string>();

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "viewer-scope"));
    const demo = await seedDemoWorkspace(database.prisma, { accounts: 24, today: NOW });
    ({ workspaceId, secretKey, signingSecret } = demo);
    publishableKey = demo.publishableKey;
    await recordHealthSnapshots(database, workspaceId, { now: NOW });
    // Generous limits: the schema-walking query selects every list under Query at once.
    yoga = createPulseYoga({
      database,
      clock: () => NOW,
      limits: { maxDepth: 40, maxCost: 10_000_000, maxTokens: 100_000, maxAliases: 1_000 },
    });
    accounts = await database.prisma.account.findMany({
      where: { workspaceId },
      select: { id: true, externalId: true, segment: true, csmOwner: true },
    });
    // What the demo seed does not hold: a task per account, a playbook and a firing, a webhook
    // endpoint and a delivery (so every node type has rows for the suite to look up).
    const prisma = database.prisma;
    for (const account of accounts)
      await prisma.task.create({
        data: { workspaceId, accountId: account.id, title: `Call ${account.externalId}` },
      });
    const playbook = await prisma.playbook.create({
      data: {
        workspaceId,
        name: "Detractors",
        triggerType: "SURVEY_RESPONSE_RECEIVED",
        actions: [
          {
            kind: "CREATE_TASK",
            title: "Call",
            dueInDays: 2,
            priority: "NORMAL",
            owner: null,
            description: null,
          },
        ],
        activeAfterTxid: 0n,
        activeAfterPosition: 0n,
      },
    });
    const [firstAccount] = accounts;
    if (!firstAccount) throw new Error("the seed has no accounts");
    await prisma.playbookFiring.create({
      data: {
        workspaceId,
        playbookId: playbook.id,
        accountId: firstAccount.id,
        eventTxid: 1n,
        eventPosition: 1n,
        eventType: "SURVEY_RESPONSE_RECEIVED",
        results: [],
      },
    });
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        workspaceId,
        url: "https://hooks.example.com/pulse",
        eventTypes: ["MRR_CHANGED"],
        secret: "whsec_eA==",
      },
    });
    await prisma.webhookDelivery.create({
      data: { workspaceId, endpointId: endpoint.id, eventId: "1-1", eventType: "MRR_CHANGED", body: "{}" },
    });
    for (const type of nodeTypeNames()) {
      const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[
        `${type}ScalarFieldEnum`
      ];
      if (!fields) throw new Error(`Node type ${type} has no Prisma model: classify it in this suite.`);
      if (type !== "Account" && !("accountId" in fields) && !WORKSPACE_LEVEL.has(type) && !HIDDEN.has(type))
        throw new Error(`Node type ${type} belongs to no account and is not classified in this suite.`);
      const delegate = (database.prisma as unknown as Record<string, ModelDelegate>)[
        type.charAt(0).toLowerCase() + type.slice(1)
      ];
      const where = type === "Workspace" ? { id: workspaceId } : { workspaceId };
      const select: Record<string, boolean> =
        "accountId" in fields ? { id: true, accountId: true } : { id: true };
      const rows = await delegate.findMany({ where, select, take: 400 });
      if (rows.length === 0) throw new Error(`The seed has no ${type}: the suite would not cover it.`);
      for (const row of rows) {
        const id = globalId(type, row.id);
        nodeTypes.set(id, type);
        nodeAccounts.set(id, type === "Account" ? row.id : (row.accountId ?? null));
      }
    }
  });
  afterAll(async () => {
    await drop?.();
  });

  function nodeTypeNames(): string[] {
    const node = schema.getType("Node");
    if (!node || !isInterfaceType(node)) throw new Error("no Node interface");
    return schema.getImplementations(node).objects.map((type) => type.name);
  }

  async function asViewer<Data>(token: string | null, query: string, variables?: Record<string, unknown>) {
    const response = await yoga.fetch("http://pulse.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token === null ? secretKey : publishableKey}`,
        ...(token === null ? {} : { [VIEWER_TOKEN_HEADER]: token }),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data; errors?: { message: string; path?: unknown }[] };
    expect(body.errors, JSON.stringify(body.errors?.slice(0, 3))).toBeUndefined();
    return body.data as Data;
  }

  /**
   * One query selecting everything a viewer may reach from Query (but node, nodes and the
   * workspace's secrets): each object's `id` and `__typename`, every field without required
   * arguments (enum ones take their first value; `first` takes 100), each object type at most once
   * per path.
   */
  function everythingQuery(): string {
    const select = (type: GraphQLNamedType, path: Set<string>): string => {
      if (isUnionType(type) || isInterfaceType(type)) {
        const members = isUnionType(type) ? type.getTypes() : schema.getImplementations(type).objects;
        return `{ __typename ${members.map((m) => `... on ${m.name} ${select(m, path)}`).join(" ")} }`;
      }
      if (!isObjectType(type)) return "";
      const inner = new Set(path).add(type.name);
      const parts = ["__typename"];
      for (const field of Object.values(type.getFields())) {
        if (VIEWER_HIDDEN.has(`${type.name}.${field.name}`)) continue;
        const named = getNamedType(field.type);
        if (VIEWER_HIDDEN.has(named.name)) continue;
        const args: string[] = [];
        let fillable = true;
        for (const arg of field.args) {
          const argType = getNamedType(arg.type);
          if (arg.name === "first") args.push("first: 100");
          else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
            if (isEnumType(argType)) args.push(`${arg.name}: ${argType.getValues()[0]?.name}`);
            else fillable = false;
          }
        }
        if (!fillable) continue;
        const call = `${field.name}${args.length ? `(${args.join(", ")})` : ""}`;
        if (isLeafType(named)) {
          if (field.name === "id") parts.push("id");
          continue;
        }
        if (inner.has(named.name)) continue;
        const sub = select(named, inner);
        if (sub) parts.push(`${call} ${sub}`);
      }
      return `{ ${parts.join(" ")} }`;
    };
    const query = schema.getQueryType();
    if (!query) throw new Error("no Query type");
    const roots = Object.values(query.getFields()).filter(
      // node, nodes and account (one of two arguments) are checked id by id above.
      (field) => VIEWER_ROOT_FIELDS.has(field.name) && !["node", "nodes", "account"].includes(field.name),
    );
    const parts = roots.flatMap((field) => {
      const named = getNamedType(field.type);
      const args: string[] = [];
      for (const arg of field.args) {
        const argType = getNamedType(arg.type);
        if (arg.name === "first") args.push("first: 100");
        else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
          if (isEnumType(argType)) args.push(`${arg.name}: ${argType.getValues()[0]?.name}`);
          else return [];
        }
      }
      const call = `${field.name}${args.length ? `(${args.join(", ")})` : ""}`;
      return [isLeafType(named) ? call : `${call} ${select(named, new Set())}`];
    });
    return `{ ${parts.join(" ")} }`;
  }

  /** Every object with an id in a result, and the Account lists met before entering any node. */
  function collect(
    value: unknown,
    path: string,
    found: { id: string; type: string }[],
    lists: Map<string, string[]>,
  ) {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, path, found, lists);
      return;
    }
    if (!value || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    if (typeof record.id === "string" && typeof record.__typename === "string" && nodeTypes.has(record.id)) {
      found.push({ id: record.id, type: record.__typename });
      if (record.__typename === "Account" && !path.includes("@")) {
        lists.set(path, [...(lists.get(path) ?? []), record.id]);
      }
      path = `${path}@`;
    }
    for (const [key, child] of Object.entries(record)) collect(child, `${path}.${key}`, found, lists);
  }

  const SCOPES: {
    name: string;
    claims: { csmOwners?: string[]; segments?: string[]; accounts?: string[] };
  }[] = [
    { name: "one CSM", claims: { csmOwners: ["Ada Byron"] } },
    {
      name: "a segment and two CSMs",
      claims: { segments: ["SMB"], csmOwners: ["Grace Hopper", "Alan Kay"] },
    },
    { name: "accounts by external id and by id", claims: { accounts: ["acct_0001", "acct_0002"] } },
    { name: "an empty list", claims: { csmOwners: [] } },
  ];

  function inScope(claims: (typeof SCOPES)[number]["claims"], account: (typeof accounts)[number]): boolean {
    if (claims.csmOwners && !claims.csmOwners.includes(account.csmOwner ?? "\u0000")) return false;
    if (claims.segments && !claims.segments.includes(account.segment ?? "\u0000")) return false;
    if (
      claims.accounts &&
      !claims.accounts.includes(account.externalId) &&
      !claims.accounts.includes(account.id)
    )
      return false;
    return true;
  }

  it("classifies every node type of the schema, and the seed holds rows of each", () => {
    const types = new Set(nodeTypes.values());
    expect([...types].sort()).toEqual(nodeTypeNames().sort());
  });

  for (const scope of SCOPES) {
    it(`${scope.name}: node, nodes, account and every list under Query show exactly its accounts`, async () => {
      // The third scope names its second account by Pulse's id, not the external id.
      const claims = { ...scope.claims };
      if (claims.accounts) {
        claims.accounts = claims.accounts.map((externalId, index) =>
          index === 1 ? (accounts.find((a) => a.externalId === externalId)?.id ?? externalId) : externalId,
        );
      }
      const visible = new Set(accounts.filter((account) => inScope(claims, account)).map((a) => a.id));
      if (scope.name !== "an empty list") {
        expect(visible.size, "the scope selects some accounts").toBeGreaterThan(0);
        expect(visible.size, "and not all").toBeLessThan(accounts.length);
      } else expect(visible.size).toBe(0);
      const token = await signViewerToken({ workspaceId, issuedAt: NOW, ...claims }, signingSecret);
      const expectedVisible = (id: string) => {
        const type = nodeTypes.get(id) ?? "";
        if (HIDDEN.has(type)) return false;
        if (WORKSPACE_LEVEL.has(type)) return true;
        const account = nodeAccounts.get(id);
        return account != null && visible.has(account);
      };

      // Every node of every type, by nodes(ids) in pages of 100, and each type once by node(id).
      const ids = [...nodeTypes.keys()];
      for (let start = 0; start < ids.length; start += 100) {
        const page = ids.slice(start, start + 100);
        const response = await yoga.fetch("http://pulse.test/graphql", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${publishableKey}`,
            [VIEWER_TOKEN_HEADER]: token,
          },
          body: JSON.stringify({
            query: "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            variables: { ids: page },
          }),
        });
        const body = (await response.json()) as { data?: { nodes: ({ id: string } | null)[] } };
        const seen = body.data?.nodes.map((node, index) => node !== null && node.id === page[index]);
        expect(seen, "nodes(ids)").toEqual(page.map(expectedVisible));
      }
      for (const type of new Set(nodeTypes.values())) {
        for (const [id] of [...nodeTypes].filter(([, t]) => t === type).slice(0, 3)) {
          const response = await yoga.fetch("http://pulse.test/graphql", {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${publishableKey}`,
              [VIEWER_TOKEN_HEADER]: token,
            },
            body: JSON.stringify({ query: "query($id: ID!) { node(id: $id) { id } }", variables: { id } }),
          });
          const body = (await response.json()) as { data?: { node: { id: string } | null } };
          expect(body.data?.node?.id === id, `node(id) of a ${type}`).toBe(expectedVisible(id));
        }
      }
      for (const account of accounts) {
        const data = await asViewer<{ byExternal: { id: string } | null; byId: { id: string } | null }>(
          token,
          "query($externalId: String, $id: ID) { byExternal: account(externalId: $externalId) { id } byId: account(id: $id) { id } }",
          { externalId: account.externalId, id: globalId("Account", account.id) },
        );
        expect(data.byExternal !== null, `account(externalId: ${account.externalId})`).toBe(
          visible.has(account.id),
        );
        expect(data.byId !== null, `account(id) of ${account.externalId}`).toBe(visible.has(account.id));
      }

      // Everything under Query at once: only in-scope nodes, and each top-level account list is
      // the secret key's list without the accounts outside the scope.
      const query = everythingQuery();
      const found: { id: string; type: string }[] = [];
      const lists = new Map<string, string[]>();
      collect(await asViewer(token, query), "", found, lists);
      const outside = found.filter(({ id }) => !expectedVisible(id));
      expect(outside.slice(0, 5), "nodes outside the scope").toEqual([]);
      const all = new Map<string, string[]>();
      const secretFound: { id: string; type: string }[] = [];
      collect(await asViewer(null, query), "", secretFound, all);
      expect([...all.keys()].sort(), "account lists under Query").toEqual(
        expect.arrayContaining([".accounts.edges.node", ".portfolio.atRiskAccounts"]),
      );
      for (const [path, list] of all) {
        const rawId = (id: string) => Buffer.from(id, "base64").toString().split(":")[1] ?? "";
        expect(lists.get(path) ?? [], path).toEqual(list.filter((id) => visible.has(rawId(id))));
      }
      // The walk reached every node type that a list under Query holds, wherever the scope's
      // accounts have rows of it.
      const reachable = new Set(secretFound.map(({ type }) => type));
      for (const type of reachable) {
        const scopeHasRows = [...nodeTypes].some(
          ([id, t]) => t === type && visible.has(nodeAccounts.get(id) ?? ""),
        );
        if (scopeHasRows && !WORKSPACE_LEVEL.has(type)) {
          expect(
            found.some((node) => node.type === type),
            `the scope's ${type} rows are listed`,
          ).toBe(true);
        }
      }
    });
  }
});

interface ModelDelegate {
  findMany(args: {
    where: Record<string, unknown>;
    select: Record<string, boolean>;
    take: number;
  }): Promise<{ id: string; accountId?: string | null }[]>;
}
