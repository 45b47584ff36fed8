// Tenant isolation: workspace B's rows of every entity type are invisible and untouchable with
// workspace A's keys, through node ids, lookups, lists, metrics, mutations and widget tokens.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKeysCommand } from "../src/admin-keys.ts";
import { signWidgetToken } from "../src/auth/widget-token.ts";
import { type StartedServer, startHttpServer } from "../src/http.ts";
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
      "Milestone",
      "SupportTicket",
      "Survey",
      "SurveyResponse",
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
