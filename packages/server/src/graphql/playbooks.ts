// Playbooks as data: a trigger event type, conditions on the account (and on a survey event),
// and actions (create a CS task, send to a webhook endpoint). Created, updated, enabled,
// disabled, deleted and listed here; evaluated by playbooks/evaluator.ts; tried without effect
// by playbookDryRun. Each firing is recorded and listed (Playbook.firings, playbookFirings).
import { prismaReader } from "@pulse/schema/database";
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import { HealthBand, type Playbook, type Prisma, SurveyKind } from "@pulse/schema/prisma";
import { Decimal } from "decimal.js";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { builder } from "../builder.ts";
import { lockPlaybook } from "../data/playbooks.ts";
import { hiddenFromViewerNodeWhere } from "../data/viewer-scope.ts";
import { lockWorkspace } from "../data/workspaces.ts";
import { decodeCursor, encodeCursor, type StoredDomainEvent } from "../events/outbox.ts";
import { isUuid } from "../ids.ts";
import { text } from "../ingest/fields.ts";
import { Problems } from "../ingest/problems.ts";
import {
  type AccountState,
  NON_TRIGGER_TYPES,
  type PlaybookAction,
  type PlaybookConditions,
  SURVEY_CONDITION_TRIGGER,
  TEMPLATE_FIELDS,
  taskOfAction,
  unknownPlaceholders,
} from "../playbooks/conditions.ts";
import { dryRunPlaybook, MAX_DRY_RUN_DAYS } from "../playbooks/dry-run.ts";
import { ensureCursor, triggerOf } from "../playbooks/evaluator.ts";
import { type PlaybookDefinition, playbookDefinition } from "../playbooks/playbooks.ts";
import { endpointRowId } from "../webhooks/dispatch.ts";
import { AccountRef } from "./account.ts";
import { DomainEventRef, DomainEventTypeEnum } from "./domain-events.ts";
import { NotFoundError, parseInput, plannedQuery, ValidationError } from "./errors.ts";
import { SurveyKindEnum } from "./facts.ts";
import { HealthBandEnum } from "./metric-types.ts";
import { assertPageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./pagination.ts";
import { rowIds, TASK_PRIORITIES, TaskPriorityEnum } from "./tasks.ts";

const MAX_PLAYBOOKS = 100;
const MAX_ACTIONS = 10;
const MAX_LIST = 50;

const PlaybookActionKindEnum = builder.enumType("PlaybookActionKind", {
  values: ["CREATE_TASK", "SEND_WEBHOOK"] as const,
});

const PlaybookConditionsRef = builder.objectRef<PlaybookConditions>("PlaybookConditions").implement({
  description: "Every condition that is set must hold; an unset one always does.",
  fields: (t) => ({
    segments: t.stringList({ nullable: true, resolve: (c) => c.segments ?? null }),
    plans: t.stringList({ nullable: true, resolve: (c) => c.plans ?? null }),
    csmOwners: t.stringList({ nullable: true, resolve: (c) => c.csmOwners ?? null }),
    bands: t.field({ type: [HealthBandEnum], nullable: true, resolve: (c) => c.bands ?? null }),
    mrrMin: t.field({ type: "Decimal", nullable: true, resolve: (c) => c.mrrMin ?? null }),
    mrrMax: t.field({ type: "Decimal", nullable: true, resolve: (c) => c.mrrMax ?? null }),
    scoreMin: t.float({ nullable: true, resolve: (c) => c.scoreMin ?? null }),
    scoreMax: t.float({ nullable: true, resolve: (c) => c.scoreMax ?? null }),
    surveyKinds: t.field({ type: [SurveyKindEnum], nullable: true, resolve: (c) => c.surveyKinds ?? null }),
    detractor: t.boolean({ nullable: true, resolve: (c) => c.detractor ?? null }),
    surveyScoreMin: t.int({ nullable: true, resolve: (c) => c.surveyScoreMin ?? null }),
    surveyScoreMax: t.int({ nullable: true, resolve: (c) => c.surveyScoreMax ?? null }),
  }),
});

const PlaybookActionRef = builder.objectRef<PlaybookAction>("PlaybookAction").implement({
  fields: (t) => ({
    kind: t.field({ type: PlaybookActionKindEnum, resolve: (action) => action.kind }),
    title: t.string({
      nullable: true,
      description: "CREATE_TASK: the title template.",
      resolve: (a) => (a.kind === "CREATE_TASK" ? a.title : null),
    }),
    description: t.string({
      nullable: true,
      resolve: (a) => (a.kind === "CREATE_TASK" ? a.description : null),
    }),
    owner: t.string({
      nullable: true,
      description: "CREATE_TASK: the fixed owner; null: the account's CSM.",
      resolve: (a) => (a.kind === "CREATE_TASK" ? a.owner : null),
    }),
    dueInDays: t.int({ nullable: true, resolve: (a) => (a.kind === "CREATE_TASK" ? a.dueInDays : null) }),
    priority: t.field({
      type: TaskPriorityEnum,
      nullable: true,
      resolve: (a) => (a.kind === "CREATE_TASK" ? a.priority : null),
    }),
    webhookEndpointId: t.string({
      nullable: true,
      description: "SEND_WEBHOOK: the endpoint a PLAYBOOK_FIRED event is delivered to.",
      resolve: (a) => (a.kind === "SEND_WEBHOOK" ? a.webhookEndpointId : null),
    }),
  }),
});

export const PlaybookRef = builder.prismaNode("Playbook", {
  id: { field: "id" },
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    enabled: t.exposeBoolean("enabled"),
    trigger: t.expose("triggerType", { type: DomainEventTypeEnum }),
    conditions: t.field({
      type: PlaybookConditionsRef,
      select: { conditions: true },
      resolve: (playbook) => (playbook.conditions ?? {}) as PlaybookConditions,
    }),
    actions: t.field({
      type: [PlaybookActionRef],
      select: { actions: true },
      resolve: (playbook) => (playbook.actions ?? []) as unknown as PlaybookAction[],
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    firings: t.relatedConnection("firings", {
      cursor: "id",
      maxSize: 100,
      description: "Its firings, newest first.",
      query: () => ({ orderBy: [{ firedAt: "desc" }, { id: "desc" }] }),
    }),
  }),
});

const ActionResultRef = builder.objectRef<Record<string, unknown>>("PlaybookActionResult").implement({
  description: "What one action of a firing did.",
  fields: (t) => ({
    kind: t.field({ type: PlaybookActionKindEnum, resolve: (r) => r.kind as "CREATE_TASK" | "SEND_WEBHOOK" }),
    taskId: t.id({
      nullable: true,
      description: "CREATE_TASK: the task's global id.",
      resolve: (r) =>
        typeof r.taskId === "string" ? Buffer.from(`Task:${r.taskId}`).toString("base64") : null,
    }),
    webhookEndpointId: t.string({
      nullable: true,
      resolve: (r) => (typeof r.webhookEndpointId === "string" ? r.webhookEndpointId : null),
    }),
  }),
});

export const PlaybookFiringRef = builder.prismaNode("PlaybookFiring", {
  id: { field: "id" },
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  description: "One playbook fired by one domain event, with what its actions did.",
  fields: (t) => ({
    playbook: t.relation("playbook"),
    account: t.relation("account"),
    eventId: t.string({
      description: "The id of the domain event that fired it (as in DomainEvent.id).",
      select: { eventTxid: true, eventPosition: true },
      resolve: (firing) => encodeCursor({ txid: firing.eventTxid, position: firing.eventPosition }),
    }),
    eventType: t.expose("eventType", { type: DomainEventTypeEnum }),
    firedAt: t.expose("firedAt", { type: "DateTime" }),
    results: t.field({
      type: [ActionResultRef],
      select: { results: true },
      resolve: (firing) => (Array.isArray(firing.results) ? firing.results : []) as Record<string, unknown>[],
    }),
    tasks: t.relation("tasks", { query: { orderBy: { createdAt: "asc" } } }),
  }),
});

builder.queryField("playbooks", (t) =>
  t.prismaField({
    type: ["Playbook"],
    description: `The workspace's playbooks by name (at most ${MAX_PLAYBOOKS}).`,
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.playbook.findMany({
        ...query,
        where: { workspaceId: ctx.workspaceId },
        orderBy: { name: "asc" },
      }),
  }),
);

const FiringFilterInput = builder.inputType("PlaybookFiringFilter", {
  fields: (t) => ({
    playbook: t.idList({ description: "Of any of these playbooks (global ids)." }),
    account: t.globalIDList({ for: AccountRef, description: "About any of these accounts." }),
  }),
});

builder.queryField("playbookFirings", (t) =>
  t.prismaConnection({
    type: "PlaybookFiring",
    cursor: "id",
    maxSize: 100,
    description: "The workspace's playbook firings, newest first.",
    args: { filter: t.arg({ type: FiringFilterInput }) },
    resolve: (query, _root, args, ctx) => {
      assertPageSize(args);
      const where: Prisma.PlaybookFiringWhereInput[] = [{ workspaceId: ctx.workspaceId }];
      if (args.filter?.playbook?.length)
        where.push({ playbookId: { in: rowIds(args.filter.playbook, "Playbook", "playbook") } });
      if (args.filter?.account?.length) {
        const ids = args.filter.account.map((account) => account.id);
        if (!ids.every(isUuid))
          throw new GraphQLError("`account`: not an account id.", { extensions: { code: "BAD_USER_INPUT" } });
        where.push({ accountId: { in: ids } });
      }
      return ctx.prisma.playbookFiring.findMany({
        ...query,
        where: { AND: where },
        orderBy: [{ firedAt: "desc" }, { id: "desc" }],
      });
    },
  }),
);

const PlaybookConditionsInput = builder.inputType("PlaybookConditionsInput", {
  description:
    "Every condition given must hold. Survey conditions need the SURVEY_RESPONSE_RECEIVED trigger.",
  fields: (t) => ({
    segments: t.stringList({ description: "The account's segment is one of these." }),
    plans: t.stringList(),
    csmOwners: t.stringList({ description: "The account's CSM is one of these." }),
    bands: t.field({ type: [HealthBandEnum], description: "Band of the account's latest health snapshot." }),
    mrrMin: t.field({ type: "Decimal", description: "The account's MRR now is at least this." }),
    mrrMax: t.field({ type: "Decimal", description: "…and at most this." }),
    scoreMin: t.float({ description: "Health score of the latest snapshot, at least (0–100)." }),
    scoreMax: t.float({ description: "…and at most." }),
    surveyKinds: t.field({ type: [SurveyKindEnum], description: "The response's survey kind." }),
    detractor: t.boolean({ description: "The response is (true) or is not (false) an NPS detractor (0–6)." }),
    surveyScoreMin: t.int({ description: "The response's score, at least." }),
    surveyScoreMax: t.int({ description: "…and at most." }),
  }),
});

const CreateTaskActionInput = builder.inputType("CreateTaskActionInput", {
  fields: (t) => ({
    title: t.string({
      required: true,
      description: `A template: ${Object.keys(TEMPLATE_FIELDS)
        .map((name) => `{{${name}}}`)
        .join(", ")}.`,
    }),
    description: t.string({ description: "A template, as the title." }),
    owner: t.string({ description: "A fixed owner; omitted: the account's CSM at the firing." }),
    dueInDays: t.int({ description: "Due this many days after the firing (default 3)." }),
    priority: t.field({ type: TaskPriorityEnum, description: "Default NORMAL." }),
  }),
});

const SendWebhookActionInput = builder.inputType("SendWebhookActionInput", {
  fields: (t) => ({
    webhookEndpointId: t.id({
      required: true,
      description: "The webhook endpoint that receives a PLAYBOOK_FIRED event per firing.",
    }),
  }),
});

const PlaybookActionInput = builder.inputType("PlaybookActionInput", {
  description: "Exactly one of createTask or sendWebhook.",
  fields: (t) => ({
    createTask: t.field({ type: CreateTaskActionInput }),
    sendWebhook: t.field({ type: SendWebhookActionInput }),
  }),
});

const PlaybookInput = builder.inputType("PlaybookInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique in the workspace." }),
    description: t.string(),
    enabled: t.boolean({ description: "Default true when created; omitted in an update, the flag is kept." }),
    trigger: t.field({
      type: DomainEventTypeEnum,
      required: true,
      description: "The event type that sets it off.",
    }),
    conditions: t.field({ type: PlaybookConditionsInput }),
    actions: t.field({ type: [PlaybookActionInput], required: true }),
  }),
});

const names = z.array(text(200)).max(MAX_LIST, `must list at most ${MAX_LIST}`);
const score = z.number().min(0, "must be from 0 to 100").max(100, "must be from 0 to 100");
const surveyScore = z.number().int().min(0, "must be from 0 to 10").max(10, "must be from 0 to 10");
const playbookSchema = z.object({
  name: text(200),
  description: z.string().max(2000, "must be at most 2000 characters").nullable().optional(),
  enabled: z.boolean().nullable().optional(),
  trigger: z.string(),
  conditions: z
    .object({
      segments: names.nullish(),
      plans: names.nullish(),
      csmOwners: names.nullish(),
      bands: z.array(z.enum(HealthBand)).nullish(),
      mrrMin: z.instanceof(Decimal).nullish(),
      mrrMax: z.instanceof(Decimal).nullish(),
      scoreMin: score.nullish(),
      scoreMax: score.nullish(),
      surveyKinds: z.array(z.enum(SurveyKind)).nullish(),
      detractor: z.boolean().nullish(),
      surveyScoreMin: surveyScore.nullish(),
      surveyScoreMax: surveyScore.nullish(),
    })
    .nullish(),
  actions: z
    .array(
      z.object({
        createTask: z
          .object({
            title: text(500),
            description: z.string().max(10_000, "must be at most 10000 characters").nullish(),
            owner: text(200).nullish(),
            dueInDays: z
              .number()
              .int()
              .min(0, "must be from 0 to 365")
              .max(365, "must be from 0 to 365")
              .nullish(),
            priority: z.enum(TASK_PRIORITIES).nullish(),
          })
          .nullish(),
        sendWebhook: z.object({ webhookEndpointId: text(200) }).nullish(),
      }),
    )
    .min(1, "must list at least one action")
    .max(MAX_ACTIONS, `must list at most ${MAX_ACTIONS}`),
});

type PlaybookFields = {
  name: string;
  description: string | null;
  enabled: boolean;
  triggerType: Playbook["triggerType"];
  conditions: PlaybookConditions;
  actions: PlaybookAction[];
};

/** The input as a playbook's columns, or one ValidationError naming every problem. */
function playbookFields(input: unknown): PlaybookFields {
  const parsed = parseInput(playbookSchema, input);
  const problems = new Problems();
  const trigger = parsed.trigger as Playbook["triggerType"];
  if (NON_TRIGGER_TYPES.includes(trigger))
    problems.add("trigger", `cannot be ${trigger}: playbooks cause those events themselves`);
  const c = parsed.conditions ?? {};
  const conditions: PlaybookConditions = {};
  if (c.segments?.length) conditions.segments = c.segments;
  if (c.plans?.length) conditions.plans = c.plans;
  if (c.csmOwners?.length) conditions.csmOwners = c.csmOwners;
  if (c.bands?.length) conditions.bands = c.bands;
  if (c.mrrMin != null) conditions.mrrMin = c.mrrMin.toString();
  if (c.mrrMax != null) conditions.mrrMax = c.mrrMax.toString();
  if (c.mrrMin != null && c.mrrMax != null && c.mrrMin.greaterThan(c.mrrMax))
    problems.add("conditions.mrrMin", "must not be greater than mrrMax");
  if (c.scoreMin != null) conditions.scoreMin = c.scoreMin;
  if (c.scoreMax != null) conditions.scoreMax = c.scoreMax;
  if (c.scoreMin != null && c.scoreMax != null && c.scoreMin > c.scoreMax)
    problems.add("conditions.scoreMin", "must not be greater than scoreMax");
  if (c.surveyKinds?.length) conditions.surveyKinds = c.surveyKinds;
  if (c.detractor != null) conditions.detractor = c.detractor;
  if (c.surveyScoreMin != null) conditions.surveyScoreMin = c.surveyScoreMin;
  if (c.surveyScoreMax != null) conditions.surveyScoreMax = c.surveyScoreMax;
  if (c.surveyScoreMin != null && c.surveyScoreMax != null && c.surveyScoreMin > c.surveyScoreMax)
    problems.add("conditions.surveyScoreMin", "must not be greater than surveyScoreMax");
  const surveyConditions = ["surveyKinds", "detractor", "surveyScoreMin", "surveyScoreMax"] as const;
  for (const key of surveyConditions) {
    if (conditions[key] !== undefined && trigger !== SURVEY_CONDITION_TRIGGER)
      problems.add(`conditions.${key}`, `needs the ${SURVEY_CONDITION_TRIGGER} trigger`);
  }
  const actions: PlaybookAction[] = [];
  parsed.actions.forEach((action, index) => {
    const at = `actions.${index}`;
    if ((action.createTask ? 1 : 0) + (action.sendWebhook ? 1 : 0) !== 1) {
      problems.add(at, "must set exactly one of createTask or sendWebhook");
      return;
    }
    if (action.createTask) {
      const task = action.createTask;
      for (const [field, template] of [
        ["title", task.title],
        ["description", task.description ?? ""],
      ] as const) {
        const unknown = unknownPlaceholders(template);
        if (unknown.length > 0)
          problems.add(
            `${at}.createTask.${field}`,
            `names unknown placeholders: ${unknown.map((name) => `{{${name}}}`).join(", ")} (known: ${Object.keys(TEMPLATE_FIELDS).join(", ")})`,
          );
      }
      actions.push({
        kind: "CREATE_TASK",
        title: task.title,
        description: task.description ?? null,
        owner: task.owner ?? null,
        dueInDays: task.dueInDays ?? 3,
        priority: task.priority ?? "NORMAL",
      });
    } else if (action.sendWebhook) {
      // The endpoint's existence is checked in the writing transaction (`assertWebhookEndpoints`).
      actions.push({ kind: "SEND_WEBHOOK", webhookEndpointId: action.sendWebhook.webhookEndpointId });
    }
  });
  problems.throwIfAny();
  return {
    name: parsed.name,
    description: parsed.description ?? null,
    enabled: parsed.enabled ?? true,
    triggerType: trigger,
    conditions,
    actions,
  };
}

function asJson(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

/**
 * Every SEND_WEBHOOK action names an endpoint of this workspace (by its global id, as the API
 * gives it, or its row id); otherwise a ValidationError naming each action that does not.
 */
async function assertWebhookEndpoints(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  actions: readonly PlaybookAction[],
): Promise<void> {
  const named = actions.flatMap((action, index) =>
    action.kind === "SEND_WEBHOOK" ? [{ index, rowId: endpointRowId(action.webhookEndpointId) }] : [],
  );
  if (named.length === 0) return;
  const found = await tx.webhookEndpoint.findMany({
    where: { workspaceId, id: { in: named.map((entry) => entry.rowId).filter(isUuid) } },
    select: { id: true },
  });
  const known = new Set(found.map((endpoint) => endpoint.id));
  const missing = named.filter((entry) => !known.has(entry.rowId));
  if (missing.length > 0)
    throw new ValidationError(
      "Invalid input: a sendWebhook action names no webhook endpoint of this workspace",
      missing.map((entry) => ({
        path: `actions.${entry.index}.sendWebhook.webhookEndpointId`,
        message: "is not a webhook endpoint of this workspace",
      })),
    );
}

async function nameTaken(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  name: string,
  except: string | null,
): Promise<boolean> {
  const other = await tx.playbook.findFirst({
    where: { workspaceId, name, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  return other !== null;
}

function duplicateName(name: string): ValidationError {
  return new ValidationError(`Invalid input: name "${name}" is taken by another playbook`, [
    { path: "name", message: "is taken by another playbook of this workspace" },
  ]);
}

builder.mutationField("createPlaybook", (t) =>
  t.prismaField({
    type: "Playbook",
    description:
      "Creates a playbook. It fires on events recorded from now on (never on history); a SEND_WEBHOOK action must name a webhook endpoint of the workspace.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: PlaybookInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const fields = playbookFields(args.input);
      const workspaceId = ctx.workspaceId;
      const playbook = await ctx.prisma.$transaction(async (tx) => {
        // The workspace row's lock: two creations at once cannot pass the limit or share a name.
        await lockWorkspace(prismaReader(tx), workspaceId);
        if (await nameTaken(tx, workspaceId, fields.name, null)) throw duplicateName(fields.name);
        await assertWebhookEndpoints(tx, workspaceId, fields.actions);
        const count = await tx.playbook.count({ where: { workspaceId } });
        if (count >= MAX_PLAYBOOKS)
          throw new ValidationError(`Invalid input: a workspace has at most ${MAX_PLAYBOOKS} playbooks`, [
            { path: "input", message: `would be playbook ${count + 1}; at most ${MAX_PLAYBOOKS}` },
          ]);
        const head = await ensureCursor(tx);
        return tx.playbook.create({
          data: {
            workspaceId,
            ...fields,
            conditions: asJson(fields.conditions),
            actions: asJson(fields.actions),
            activeAfterTxid: head.txid,
            activeAfterPosition: head.position,
          },
        });
      });
      return ctx.prisma.playbook.findUniqueOrThrow({ ...plannedQuery(query), where: { id: playbook.id } });
    },
  }),
);

/** The caller's playbook, locked in the transaction, or NotFoundError. */
async function lockedPlaybook(
  tx: Prisma.TransactionClient,
  id: string,
  workspaceId: string,
): Promise<Playbook> {
  const locked = isUuid(id) && (await lockPlaybook(prismaReader(tx), workspaceId, id));
  if (!locked) throw new NotFoundError("No such playbook in this workspace.");
  return tx.playbook.findUniqueOrThrow({ where: { id } });
}

builder.mutationField("updatePlaybook", (t) =>
  t.prismaField({
    type: "Playbook",
    description:
      "Replaces a playbook's name, trigger, conditions and actions (the whole input, as at creation); an omitted `enabled` keeps its flag. Enabling it here counts as enabling (see enablePlaybook).",
    errors: { types: [ValidationError, NotFoundError] },
    args: {
      id: t.arg.globalID({ for: PlaybookRef, required: true }),
      input: t.arg({ type: PlaybookInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const fields = playbookFields(args.input);
      const workspaceId = ctx.workspaceId;
      const playbook = await ctx.prisma.$transaction(async (tx) => {
        const stored = await lockedPlaybook(tx, args.id.id, workspaceId);
        if (await nameTaken(tx, workspaceId, fields.name, stored.id)) throw duplicateName(fields.name);
        await assertWebhookEndpoints(tx, workspaceId, fields.actions);
        // An omitted `enabled` keeps the stored flag.
        const enabled = args.input.enabled ?? stored.enabled;
        const head = enabled && !stored.enabled ? await ensureCursor(tx) : null;
        return tx.playbook.update({
          where: { id: stored.id },
          data: {
            ...fields,
            enabled,
            conditions: asJson(fields.conditions),
            actions: asJson(fields.actions),
            ...(head ? { activeAfterTxid: head.txid, activeAfterPosition: head.position } : {}),
          },
        });
      });
      return ctx.prisma.playbook.findUniqueOrThrow({ ...plannedQuery(query), where: { id: playbook.id } });
    },
  }),
);

for (const [name, enabled] of [
  ["enablePlaybook", true],
  ["disablePlaybook", false],
] as const) {
  builder.mutationField(name, (t) =>
    t.prismaField({
      type: "Playbook",
      description: enabled
        ? "Enables a playbook: it fires on events recorded from now on (not on those of while it was disabled)."
        : "Disables a playbook: it fires on nothing until enabled again.",
      errors: { types: [NotFoundError] },
      args: { id: t.arg.globalID({ for: PlaybookRef, required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const playbook = await ctx.prisma.$transaction(async (tx) => {
          const stored = await lockedPlaybook(tx, args.id.id, ctx.workspaceId);
          if (stored.enabled === enabled) return stored;
          const head = enabled ? await ensureCursor(tx) : null;
          return tx.playbook.update({
            where: { id: stored.id },
            data: {
              enabled,
              ...(head ? { activeAfterTxid: head.txid, activeAfterPosition: head.position } : {}),
            },
          });
        });
        return ctx.prisma.playbook.findUniqueOrThrow({ ...plannedQuery(query), where: { id: playbook.id } });
      },
    }),
  );
}

const DeletedPlaybookRef = builder.objectRef<{ id: string; name: string }>("DeletedPlaybook").implement({
  fields: (t) => ({
    id: t.globalID({ resolve: (playbook) => ({ type: PlaybookRef, id: playbook.id }) }),
    name: t.exposeString("name"),
  }),
});

builder.mutationField("deletePlaybook", (t) =>
  t.field({
    type: DeletedPlaybookRef,
    description:
      "Deletes a playbook and its firings' records; the tasks it made stay (without their playbook).",
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ for: PlaybookRef, required: true }) },
    resolve: async (_root, args, ctx) =>
      ctx.prisma.$transaction(async (tx) => {
        const stored = await lockedPlaybook(tx, args.id.id, ctx.workspaceId);
        await tx.playbook.delete({ where: { id: stored.id } });
        return { id: stored.id, name: stored.name };
      }),
  }),
);

interface DryRunMatchShape {
  event: StoredDomainEvent;
  account: AccountState;
  taskTitles: string[];
}

const DryRunMatchRef = builder.objectRef<DryRunMatchShape>("PlaybookDryRunMatch").implement({
  fields: (t) => ({
    event: t.field({ type: DomainEventRef, resolve: (match) => match.event }),
    account: t.field({
      type: AccountRef,
      nullable: true,
      resolve: (match, _args, ctx) =>
        ctx.prisma.account.findFirst({ where: { id: match.account.id, workspaceId: ctx.workspaceId } }),
    }),
    taskTitles: t.stringList({
      description: "The titles of the tasks its CREATE_TASK actions would make.",
      resolve: (match) => match.taskTitles,
    }),
  }),
});

const DryRunRef = builder
  .objectRef<{
    matches: DryRunMatchShape[];
    scannedEvents: number;
    endCursor: string | null;
    hasNextPage: boolean;
  }>("PlaybookDryRun")
  .implement({
    description:
      "Which recent events of the trigger type would have fired the playbook, judged with the accounts' state now. Nothing is stored.",
    fields: (t) => ({
      matches: t.field({ type: [DryRunMatchRef], resolve: (run) => run.matches }),
      scannedEvents: t.exposeInt("scannedEvents", {
        description: "Events of the trigger type read for this page.",
      }),
      endCursor: t.string({
        nullable: true,
        description: "Pass as `after` for the next page.",
        resolve: (run) => run.endCursor,
      }),
      hasNextPage: t.exposeBoolean("hasNextPage"),
    }),
  });

builder.queryField("playbookDryRun", (t) =>
  t.field({
    type: DryRunRef,
    description: `Tries a playbook (stored, by id, or proposed, as input) on the workspace's events recorded since \`since\` (at most ${MAX_DRY_RUN_DAYS} days ago), oldest first.`,
    errors: { types: [ValidationError, NotFoundError] },
    args: {
      playbook: t.arg.globalID({ for: PlaybookRef, description: "A stored playbook; or input." }),
      input: t.arg({ type: PlaybookInput, description: "A proposed playbook; or playbook." }),
      since: t.arg({ type: "DateTime", required: true }),
      first: t.arg.int({
        description: `Matches per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      }),
      after: t.arg.string({ description: "endCursor of the previous page." }),
    },
    resolve: async (_root, args, ctx) => {
      assertPageSize(args);
      if ((args.playbook ? 1 : 0) + (args.input ? 1 : 0) !== 1)
        throw new ValidationError("Pass exactly one of `playbook` or `input`.", [
          { path: "playbook", message: "exactly one of playbook or input is required" },
        ]);
      const earliest = new Date(ctx.now.getTime() - MAX_DRY_RUN_DAYS * MILLISECONDS_PER_DAY);
      if (args.since < earliest)
        throw new ValidationError(`Invalid input: since must be within the last ${MAX_DRY_RUN_DAYS} days`, [
          { path: "since", message: `must be at or after ${earliest.toISOString()}` },
        ]);
      const after = args.after == null ? null : decodeCursor(args.after);
      if (args.after != null && !after)
        throw new ValidationError("Invalid input: after is not a cursor of this dry run", [
          { path: "after", message: "is not an endCursor" },
        ]);
      let definition: PlaybookDefinition;
      if (args.playbook) {
        const stored = isUuid(args.playbook.id)
          ? await ctx.prisma.playbook.findFirst({
              where: { id: args.playbook.id, workspaceId: ctx.workspaceId },
            })
          : null;
        if (!stored) throw new NotFoundError("No such playbook in this workspace.");
        definition = playbookDefinition(stored);
      } else {
        const fields = playbookFields(args.input);
        definition = {
          id: "dry-run",
          workspaceId: ctx.workspaceId,
          name: fields.name,
          triggerType: fields.triggerType,
          conditions: fields.conditions,
          actions: fields.actions,
          activeAfter: { txid: 0n, position: 0n },
        };
      }
      const page = await dryRunPlaybook(ctx.database, ctx.database.reader, definition, {
        since: args.since,
        after,
        first: args.first ?? DEFAULT_PAGE_SIZE,
        now: ctx.now,
      });
      return {
        ...page,
        matches: page.matches.map((match) => ({
          event: match.event,
          account: match.account,
          taskTitles: definition.actions.flatMap((action) =>
            action.kind === "CREATE_TASK"
              ? [taskOfAction(action, match.account, triggerOf(match.event), ctx.now).title]
              : [],
          ),
        })),
      };
    },
  }),
);
