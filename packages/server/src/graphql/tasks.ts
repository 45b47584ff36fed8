// CS tasks: per account, made through the API or by a playbook's firing; updated (status, due
// date, owner…), listed per account (Account.tasks) and per CSM or workspace (tasks(filter:)).

import { decodeGlobalID } from "@pothos/plugin-relay";
import { prismaReader } from "@pulse/schema/database";
import type { Prisma, TaskPriority, TaskStatus } from "@pulse/schema/prisma";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { builder } from "../builder.ts";
import { lockTask } from "../data/tasks.ts";
import { accountFactNodeWhere } from "../data/viewer-scope.ts";
import { isUuid } from "../ids.ts";
import { instant, text } from "../ingest/fields.ts";
import { insertTasks, type TaskChanges, updateTask } from "../playbooks/tasks.ts";
import { AccountRef } from "./account.ts";
import { DomainEventTypeEnum } from "./domain-events.ts";
import { NotFoundError, parseInput, plannedQuery, ValidationError } from "./errors.ts";
import { assertPageSize } from "./pagination.ts";

export const TASK_STATUSES = [
  "OPEN",
  "IN_PROGRESS",
  "DONE",
  "CANCELLED",
] as const satisfies readonly TaskStatus[];
export const TASK_PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT"] as const satisfies readonly TaskPriority[];

export const TaskStatusEnum = builder.enumType("TaskStatus", {
  values: TASK_STATUSES,
  description: "OPEN and IN_PROGRESS are still to do; DONE and CANCELLED are closed.",
});
export const TaskPriorityEnum = builder.enumType("TaskPriority", { values: TASK_PRIORITIES });
const TaskOriginEnum = builder.enumType("TaskOrigin", {
  values: ["API", "PLAYBOOK"] as const,
  description: "Made through the API, or by a playbook's firing.",
});

export const TaskRef = builder.prismaNode("Task", {
  id: { field: "id" },
  findUnique: (id, ctx) => accountFactNodeWhere(id, ctx),
  description: "A CS task about one account.",
  fields: (t) => ({
    account: t.relation("account"),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    owner: t.exposeString("owner", {
      nullable: true,
      description: "The CSM who owns it (as in Account.csmOwner); null: unassigned.",
    }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true }),
    status: t.expose("status", { type: TaskStatusEnum }),
    priority: t.expose("priority", { type: TaskPriorityEnum }),
    completedAt: t.expose("completedAt", {
      type: "DateTime",
      nullable: true,
      description: "When its status became DONE.",
    }),
    origin: t.field({
      type: TaskOriginEnum,
      select: { firingId: true, eventId: true },
      resolve: (task) => (task.eventId ? "PLAYBOOK" : "API"),
    }),
    playbook: t.relation("playbook", {
      nullable: true,
      description: "The playbook that made it (null for API tasks, or once the playbook is deleted).",
    }),
    firing: t.relation("firing", { nullable: true, description: "The firing that made it." }),
    eventId: t.exposeString("eventId", {
      nullable: true,
      description: "The id of the domain event that caused the firing (as in DomainEvent.id).",
    }),
    eventType: t.expose("eventType", { type: DomainEventTypeEnum, nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const TASK_ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];

const TaskFilterInput = builder.inputType("TaskFilter", {
  fields: (t) => ({
    csm: t.stringList({ description: "Owned by any of these CSMs." }),
    unassigned: t.boolean({ description: "true: only tasks without an owner; false: only owned ones." }),
    status: t.field({ type: [TaskStatusEnum], description: "Any of these statuses." }),
    dueBefore: t.field({
      type: "DateTime",
      description: "Due before this instant (tasks without a due date are left out).",
    }),
    account: t.globalIDList({ for: AccountRef, description: "About any of these accounts." }),
    playbook: t.idList({ description: "Made by any of these playbooks (global ids)." }),
    origin: t.field({ type: TaskOriginEnum }),
  }),
});

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/** Global ids of one type as row ids; anything else is an error naming the argument. */
export function rowIds(ids: readonly (string | number)[], typename: string, argument: string): string[] {
  return ids.map((raw) => {
    const value = String(raw);
    let decoded: { typename: string; id: string } | null = null;
    try {
      decoded = decodeGlobalID(value);
    } catch {
      decoded = null;
    }
    if (decoded?.typename !== typename || !isUuid(decoded.id))
      throw badInput(`\`${argument}\`: "${value}" is not a ${typename} id.`);
    return decoded.id;
  });
}

type TaskFilter = {
  csm?: string[] | null;
  unassigned?: boolean | null;
  status?: TaskStatus[] | null;
  dueBefore?: Date | null;
  account?: { id: string }[] | null;
  playbook?: (string | number)[] | null;
  origin?: "API" | "PLAYBOOK" | null;
};

function taskWhere(workspaceId: string, filter: TaskFilter | null | undefined): Prisma.TaskWhereInput {
  const where: Prisma.TaskWhereInput[] = [{ workspaceId }];
  if (!filter) return where[0] as Prisma.TaskWhereInput;
  if (filter.csm?.length) where.push({ owner: { in: filter.csm } });
  if (filter.unassigned != null) where.push({ owner: filter.unassigned ? null : { not: null } });
  if (filter.status?.length) where.push({ status: { in: filter.status } });
  if (filter.dueBefore) where.push({ dueAt: { lt: filter.dueBefore } });
  if (filter.account?.length) {
    const ids = filter.account.map((account) => account.id);
    if (!ids.every(isUuid)) throw badInput("`account`: not an account id.");
    where.push({ accountId: { in: ids } });
  }
  if (filter.playbook?.length)
    where.push({ playbookId: { in: rowIds(filter.playbook, "Playbook", "playbook") } });
  if (filter.origin) where.push({ eventId: filter.origin === "PLAYBOOK" ? { not: null } : null });
  return { AND: where };
}

builder.queryField("tasks", (t) =>
  t.prismaConnection({
    type: "Task",
    cursor: "id",
    maxSize: 100,
    description: "The workspace's CS tasks, newest first, filtered (e.g. a CSM's open tasks due this week).",
    args: { filter: t.arg({ type: TaskFilterInput }) },
    resolve: (query, _root, args, ctx) => {
      assertPageSize(args);
      return ctx.prisma.task.findMany({
        ...query,
        where: taskWhere(ctx.workspaceId, args.filter),
        orderBy: TASK_ORDER,
      });
    },
  }),
);

builder.prismaObjectField("Account", "tasks", (t) =>
  t.relatedConnection("tasks", {
    cursor: "id",
    maxSize: 100,
    description: "The account's CS tasks, newest first.",
    args: { status: t.arg({ type: [TaskStatusEnum], description: "Any of these statuses." }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: TASK_ORDER,
    }),
  }),
);

const CreateTaskInput = builder.inputType("CreateTaskInput", {
  fields: (t) => ({
    account: t.globalID({ for: AccountRef, description: "The account (global id); or accountExternalId." }),
    accountExternalId: t.string({ description: "The account by its external id; or account." }),
    title: t.string({ required: true }),
    description: t.string(),
    owner: t.string({ description: "The CSM who owns it; omitted: the account's CSM." }),
    dueAt: t.field({ type: "DateTime" }),
    priority: t.field({ type: TaskPriorityEnum, description: "Default NORMAL." }),
    status: t.field({ type: TaskStatusEnum, description: "Default OPEN." }),
  }),
});

const owner = text(200);
const taskFields = {
  title: text(500),
  description: z.string().max(10_000, "must be at most 10000 characters").nullable(),
  owner: owner.nullable(),
  dueAt: instant.nullable(),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
};

const createTaskSchema = z.object({
  title: taskFields.title,
  description: taskFields.description.optional(),
  owner: taskFields.owner.optional(),
  dueAt: taskFields.dueAt.optional(),
  priority: taskFields.priority.optional(),
  status: taskFields.status.optional(),
});

builder.mutationField("createTask", (t) =>
  t.prismaField({
    type: "Task",
    description:
      "Makes a CS task for an account (with a TASK_CREATED event). Send an Idempotency-Key header to make a retry return the first result.",
    errors: { types: [ValidationError, NotFoundError] },
    args: { input: t.arg({ type: CreateTaskInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { account: accountRef, accountExternalId, ...rest } = args.input;
      if ((accountRef ? 1 : 0) + (accountExternalId ? 1 : 0) !== 1) {
        throw new ValidationError("Pass exactly one of `account` or `accountExternalId`.", [
          { path: "account", message: "exactly one of account or accountExternalId is required" },
        ]);
      }
      const input = parseInput(createTaskSchema, rest);
      const account = await ctx.prisma.account.findFirst({
        where: accountRef
          ? {
              id: isUuid(accountRef.id) ? accountRef.id : "00000000-0000-0000-0000-000000000000",
              workspaceId: ctx.workspaceId,
            }
          : { externalId: accountExternalId ?? "", workspaceId: ctx.workspaceId },
        select: { id: true, csmOwner: true },
      });
      if (!account) throw new NotFoundError("No such account in this workspace.");
      const [task] = await ctx.prisma.$transaction((tx) =>
        insertTasks(
          tx,
          [
            {
              workspaceId: ctx.workspaceId,
              accountId: account.id,
              title: input.title,
              description: input.description ?? null,
              owner: input.owner === undefined ? account.csmOwner : input.owner,
              dueAt: input.dueAt ?? null,
              priority: input.priority ?? "NORMAL",
              status: input.status,
            },
          ],
          ctx.now,
        ),
      );
      if (!task) throw new Error("the task was not written");
      ctx.database.outboxSignal.written();
      return ctx.prisma.task.findUniqueOrThrow({ ...plannedQuery(query), where: { id: task.id } });
    },
  }),
);

const UpdateTaskInput = builder.inputType("UpdateTaskInput", {
  description: "An omitted field keeps its value; null clears description, owner or dueAt.",
  fields: (t) => ({
    title: t.string(),
    description: t.string(),
    owner: t.string(),
    dueAt: t.field({ type: "DateTime" }),
    status: t.field({ type: TaskStatusEnum }),
    priority: t.field({ type: TaskPriorityEnum }),
  }),
});

const updateTaskSchema = z.object({
  title: taskFields.title.optional(),
  description: taskFields.description.optional(),
  owner: taskFields.owner.optional(),
  dueAt: taskFields.dueAt.optional(),
  status: taskFields.status.optional(),
  priority: taskFields.priority.optional(),
});

builder.mutationField("updateTask", (t) =>
  t.prismaField({
    type: "Task",
    description:
      "Changes a task: status (DONE records completedAt and a TASK_COMPLETED event), due date, owner, title, priority.",
    errors: { types: [ValidationError, NotFoundError] },
    args: {
      id: t.arg.globalID({ for: TaskRef, required: true }),
      input: t.arg({ type: UpdateTaskInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const raw = args.input as Record<string, unknown>;
      for (const field of ["title", "status", "priority"]) {
        if (field in raw && raw[field] === null)
          throw new ValidationError(`Invalid input: ${field} cannot be cleared`, [
            { path: field, message: "cannot be cleared" },
          ]);
      }
      // Only what was sent: graphql-js leaves omitted fields out, so `null` means "clear".
      const changes: TaskChanges = parseInput(updateTaskSchema, raw);
      if (Object.keys(changes).length === 0)
        throw new ValidationError("Invalid input: nothing to change", [
          { path: "input", message: "is empty" },
        ]);
      const id = args.id.id;
      const task = await ctx.prisma.$transaction(async (tx) => {
        // Locked, so two completions at once record one completion.
        const locked = isUuid(id) && (await lockTask(prismaReader(tx), ctx.workspaceId, id));
        if (!locked) throw new NotFoundError("No such task in this workspace.");
        const stored = await tx.task.findUniqueOrThrow({ where: { id } });
        return updateTask(tx, stored, changes, ctx.now);
      });
      if (task.completedAt?.getTime() === ctx.now.getTime()) ctx.database.outboxSignal.written();
      return ctx.prisma.task.findUniqueOrThrow({ ...plannedQuery(query), where: { id: task.id } });
    },
  }),
);
