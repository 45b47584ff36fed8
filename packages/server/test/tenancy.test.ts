// Tenant isolation: workspace B's rows of every entity type are invisible and untouchable with
// workspace A's keys, through node ids, lookups, lists, metrics, mutations and widget tokens.
import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWidgetToken } from "../src/auth/widget-token.ts";
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
  });
  afterAll(async () => {
    await drop?.();
  });

  it("covers every node type of the schema", () => {
    expect(Object.keys(foreign).sort()).toEqual(["Account", "ApiKey", "Contact", "Milestone", "SupportTicket", "Survey", "SurveyResponse", "UsageEvent", "Workspace"]);
  });

  it("answers node(id) and nodes(ids) of another workspace's rows with nothing", async () => {
    for (const [type, id] of Object.entries(foreign)) {
      const single = await graphql<{ node: unknown }>(yoga, a.secretKey, `query($id: ID!) { node(id: $id) { id } }`, { id: globalId(type, id) });
      expect(single.data?.node ?? null, type).toBeNull();
      const own = await graphql<{ node: unknown }>(yoga, b.secretKey, `query($id: ID!) { node(id: $id) { id } }`, { id: globalId(type, id) });
      expect(own.data?.node, `${type} is visible to its own workspace`).not.toBeNull();
    }
    const many = await graphql<{ nodes: unknown[] }>(yoga, a.secretKey, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: Object.entries(foreign).map(([type, id]) => globalId(type, id)),
    });
    expect((many.data?.nodes ?? []).filter((node) => node !== null)).toEqual([]);
  });

  it("shows none of them in lookups, lists, portfolio metrics or configuration", async () => {
    const externalId = (await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } })).externalId;
    const result = await graphql<{
      account: unknown; byId: unknown; accounts: { totalCount: number }; portfolio: { activeAccounts: number; nps: unknown };
      workspace: { milestones: unknown[]; surveys: unknown[]; apiKeys: unknown[] };
    }>(yoga, a.secretKey, `query($id: ID!, $ext: String!) {
      account(externalId: $ext) { id } byId: account(id: $id) { id }
      accounts(first: 100) { totalCount } portfolio { activeAccounts nps { score } }
      workspace { milestones { key } surveys { key } apiKeys { prefix } }
    }`, { id: globalId("Account", foreign.Account ?? ""), ext: externalId });
    expect(result.errors).toBeUndefined();
    expect(result.data?.account).toBeNull();
    expect(result.data?.byId).toBeNull();
    expect(result.data?.accounts.totalCount).toBe(0);
    expect(result.data?.portfolio).toEqual({ activeAccounts: 0, nps: null });
    expect(result.data?.workspace.milestones).toEqual([]);
    expect(result.data?.workspace.surveys).toEqual([]);
    expect(result.data?.workspace.apiKeys).toHaveLength(2);
  });

  it("cannot write to them: ingestion treats their external ids as unknown, keys and tokens do not cross", async () => {
    const before = await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } });
    const ticket = await graphql<{ upsertSupportTicket: { __typename: string } }>(
      yoga, a.secretKey, `mutation($ext: String!) { upsertSupportTicket(input: { accountExternalId: $ext, externalId: "x", openedAt: "2026-01-01" }) { __typename } }`,
      { ext: before.externalId },
    );
    expect(ticket.data?.upsertSupportTicket.__typename).toBe("ValidationError");
    const upsert = await graphql<{ upsertAccount: { __typename: string } }>(
      yoga, a.secretKey, `mutation($ext: String!) { upsertAccount(input: { externalId: $ext, name: "Hijacked", signedUpAt: "2026-01-01" }) { __typename } }`,
      { ext: before.externalId },
    );
    expect(upsert.data?.upsertAccount.__typename).toMatch(/Success$/);
    const after = await database.prisma.account.findUniqueOrThrow({ where: { id: foreign.Account } });
    expect(after.name).toBe(before.name);
    expect(await database.prisma.supportTicket.count({ where: { externalId: "x" } })).toBe(0);
    const revoke = await graphql<{ revokeApiKey: { __typename: string } }>(yoga, a.secretKey, `mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }`, { id: globalId("ApiKey", foreign.ApiKey ?? "") });
    expect(revoke.data?.revokeApiKey.__typename).toBe("NotFoundError");
    const token = await signWidgetToken({ workspaceId: b.workspaceId, account: before.externalId }, b.signingSecret);
    const badge = await graphql(yoga, a.publishableKey, `query($t: String!) { widgetBadge(token: $t) { score } }`, { t: token });
    expect(badge.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    const untouched = await database.prisma.account.findFirstOrThrow({ where: { workspaceId: b.workspaceId, NOT: { id: foreign.Account } } });
    const forged = await signWidgetToken({ workspaceId: a.workspaceId, account: untouched.externalId }, a.signingSecret);
    const lookup = await graphql(yoga, a.publishableKey, `query($t: String!) { widgetBadge(token: $t) { score } }`, { t: forged });
    expect(lookup.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const milestone = await database.prisma.milestone.findUniqueOrThrow({ where: { id: foreign.Milestone } });
    const deleted = await graphql<{ deleteMilestone: { __typename: string } }>(yoga, a.secretKey, `mutation($key: String!) { deleteMilestone(key: $key) { __typename } }`, { key: milestone.key });
    expect(deleted.data?.deleteMilestone.__typename).not.toMatch(/Success$/);
    expect(await database.prisma.milestone.count({ where: { id: foreign.Milestone } })).toBe(1);
  });
});
