// CS tasks: written with their outbox event in the caller's transaction, whether the API or a
// playbook's firing makes them.
import type { Prisma, Task, TaskPriority, TaskStatus } from "@pulse/schema/prisma";
import { type DomainEventDraft, taskCompleted, taskCreated } from "../events/domain-events.ts";
import { writeDomainEvents } from "../events/outbox.ts";

type Transaction = Prisma.TransactionClient;

export interface NewTask {
  workspaceId: string;
  accountId: string;
  title: string;
  description: string | null;
  owner: string | null;
  dueAt: Date | null;
  priority: TaskPriority;
  status?: TaskStatus;
  /** The firing that makes it (with its playbook and event), for a playbook's task. */
  origin?: { playbookId: string; firingId: string; eventId: string; eventType: Task["eventType"] };
}

/** Inserts tasks and their TASK_CREATED events (two statements per task, one for the events). */
export async function insertTasks(tx: Transaction, tasks: readonly NewTask[], now: Date): Promise<Task[]> {
  const created: Task[] = [];
  for (const task of tasks) {
    const status = task.status ?? "OPEN";
    created.push(
      await tx.task.create({
        data: {
          workspaceId: task.workspaceId,
          accountId: task.accountId,
          title: task.title,
          description: task.description,
          owner: task.owner,
          dueAt: task.dueAt,
          priority: task.priority,
          status,
          completedAt: status === "DONE" ? now : null,
          playbookId: task.origin?.playbookId ?? null,
          firingId: task.origin?.firingId ?? null,
          eventId: task.origin?.eventId ?? null,
          eventType: task.origin?.eventType ?? null,
          createdAt: now,
        },
      }),
    );
  }
  const drafts: DomainEventDraft[] = created.flatMap((task) => [
    taskCreated(task),
    ...(task.completedAt ? [taskCompleted({ ...task, completedAt: task.completedAt })] : []),
  ]);
  await writeDomainEvents(tx, drafts);
  return created;
}

export interface TaskChanges {
  title?: string;
  description?: string | null;
  owner?: string | null;
  dueAt?: Date | null;
  status?: TaskStatus;
  priority?: TaskPriority;
}

/**
 * Applies changes to a stored task (locked by the caller's update); a status that becomes DONE
 * sets completedAt and writes TASK_COMPLETED, one that leaves DONE clears it.
 */
export async function updateTask(
  tx: Transaction,
  stored: Task,
  changes: TaskChanges,
  now: Date,
): Promise<Task> {
  const becomesDone = changes.status === "DONE" && stored.status !== "DONE";
  const leavesDone = changes.status !== undefined && changes.status !== "DONE" && stored.status === "DONE";
  const task = await tx.task.update({
    where: { id: stored.id },
    data: {
      ...changes,
      ...(becomesDone ? { completedAt: now } : {}),
      ...(leavesDone ? { completedAt: null } : {}),
    },
  });
  if (becomesDone) await writeDomainEvents(tx, [taskCompleted({ ...task, completedAt: now })]);
  return task;
}
