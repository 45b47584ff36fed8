// The playbook evaluator: a consumer of the outbox that checks each new event against the enabled
// playbooks of its workspace, exactly once.
//
// One cursor row ("PlaybookCursor") says how far the outbox has been evaluated. A batch is one
// transaction: lock the cursor row (SKIP LOCKED: an evaluator that finds it locked leaves the
// batch to the one holding it), read the committed events after it in the outbox's order (see
// outbox.ts: a cursor there never skips a row that commits later), write the firings, their
// tasks and their events, and move the cursor past the batch. The batch commits whole or not at
// all, so a crash (or any error) loses no firing and repeats none: the next batch starts from
// the same cursor. The unique (playbook, event) key of a firing says the same in the schema.
//
// It runs as a job of the JobScheduler (once across servers) and is woken after every commit of
// this process that wrote outbox events (`database.outboxSignal`), so a firing follows its write at once;
// the scheduler's tick catches the events written by other processes.
import { randomUUID } from "node:crypto";
import { type Database, prismaReader, prismaWriter } from "@pulse/schema/database";
import type { Prisma } from "@pulse/schema/prisma";
import { ensurePlaybookCursor, lockPlaybookCursor } from "../data/playbooks.ts";
import { type DomainEventDraft, playbookFired } from "../events/domain-events.ts";
import {
  compareCursors,
  type OutboxCursor,
  outboxHead,
  readOutbox,
  type StoredDomainEvent,
  writeDomainEvents,
} from "../events/outbox.ts";
import type { JobScheduler } from "../jobs/scheduler.ts";
import { type AccountState, conditionsHold, type TriggerEvent, taskOfAction } from "./conditions.ts";
import { loadAccountStates, type PlaybookDefinition, playbookDefinition } from "./playbooks.ts";
import { insertTasks } from "./tasks.ts";

type Transaction = Prisma.TransactionClient;

/** What one action of a firing did (stored with the firing). */
export type ActionResult =
  | { kind: "CREATE_TASK"; taskId: string; title: string; owner: string | null; dueAt: string }
  | { kind: "SEND_WEBHOOK"; webhookEndpointId: string; eventDedupeKey: string };

/** A playbook that an event and its account satisfy (the evaluator fires it; the dry run lists it). */
/** An event about one account (playbooks are never triggered by the workspace's own events). */
export type AccountEvent = StoredDomainEvent & { accountId: string };

export interface Match {
  playbook: PlaybookDefinition;
  event: AccountEvent;
  account: AccountState;
}

function isAccountEvent(event: StoredDomainEvent): event is AccountEvent {
  return event.accountId !== null;
}

/** Which (playbook, event) pairs hold, given the playbooks to consider and the events. */
export async function matchEvents(
  tx: Pick<Transaction, "$queryRawUnsafe" | "revenueEvent">,
  playbooks: readonly PlaybookDefinition[],
  events: readonly StoredDomainEvent[],
  now: Date,
  options: { respectActiveAfter: boolean },
): Promise<Match[]> {
  const candidates: { playbook: PlaybookDefinition; event: AccountEvent }[] = [];
  for (const event of events) {
    if (!isAccountEvent(event)) continue;
    for (const playbook of playbooks) {
      if (playbook.workspaceId !== event.workspaceId || playbook.triggerType !== event.type) continue;
      if (options.respectActiveAfter && compareCursors(event.cursor, playbook.activeAfter) <= 0) continue;
      candidates.push({ playbook, event });
    }
  }
  if (candidates.length === 0) return [];
  const accounts = await loadAccountStates(
    tx,
    candidates.map((candidate) => candidate.event.accountId),
    now,
  );
  const matches: Match[] = [];
  for (const { playbook, event } of candidates) {
    const account = accounts.get(event.accountId);
    if (account && conditionsHold(playbook.conditions, account, triggerOf(event)))
      matches.push({ playbook, event, account });
  }
  return matches;
}

export function triggerOf(event: StoredDomainEvent): TriggerEvent {
  return { id: event.id, type: event.type, payload: event.payload };
}

export interface BatchResult {
  /** Another evaluator holds the cursor: nothing was done. */
  busy: boolean;
  events: number;
  firings: number;
}

export interface PlaybookEvaluatorOptions {
  /** Events per batch (one transaction each). */
  batchSize?: number;
  clock?: () => Date;
}

export class PlaybookEvaluator {
  private readonly batchSize: number;
  private readonly clock: () => Date;
  private current: Promise<{ events: number; firings: number }> | null = null;

  constructor(
    private readonly database: Database,
    options: PlaybookEvaluatorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Evaluates batches until the outbox is caught up (or another evaluator holds the cursor, or
   * the signal aborts). One run at a time in this process: a call during a run waits for it.
   */
  run(signal?: AbortSignal): Promise<{ events: number; firings: number }> {
    this.current ??= this.drain(signal).finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async drain(signal?: AbortSignal): Promise<{ events: number; firings: number }> {
    const total = { events: 0, firings: 0 };
    for (;;) {
      if (signal?.aborted) return total;
      const batch = await this.evaluateBatch();
      total.events += batch.events;
      total.firings += batch.firings;
      if (batch.busy || batch.events < this.batchSize) return total;
    }
  }

  /** One batch in one transaction (see the header). */
  async evaluateBatch(): Promise<BatchResult> {
    const prisma = this.database.prisma;
    let wroteEvents = false;
    const result = await prisma.$transaction(
      async (tx): Promise<BatchResult> => {
        const after = await lockPlaybookCursor(prismaReader(tx));
        if (!after) {
          // No playbook was ever made (no cursor), or another evaluator holds it.
          const exists = await tx.playbookCursor.findUnique({ where: { id: 1 }, select: { id: true } });
          return { busy: exists !== null, events: 0, firings: 0 };
        }
        const page = await readOutbox(prismaReader(tx), { after, limit: this.batchSize });
        if (page.events.length === 0) return { busy: false, events: 0, firings: 0 };
        const workspaceIds = [...new Set(page.events.map((event) => event.workspaceId))];
        const types = [...new Set(page.events.map((event) => event.type))];
        const rows = await tx.playbook.findMany({
          where: { enabled: true, workspaceId: { in: workspaceIds }, triggerType: { in: types } },
        });
        const now = this.clock();
        const matches = await matchEvents(tx, rows.map(playbookDefinition), page.events, now, {
          respectActiveAfter: true,
        });
        for (const match of matches) {
          if (await fire(tx, match, now)) wroteEvents = true;
        }
        await tx.playbookCursor.update({
          where: { id: 1 },
          data: { txid: page.cursor.txid, position: page.cursor.position },
        });
        return { busy: false, events: page.events.length, firings: matches.length };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    // After the commit: subscribers and webhook workers read the new events at once.
    if (wroteEvents) this.database.outboxSignal.written();
    return result;
  }
}

/** Records one firing and runs its actions inside the batch's transaction; true when it wrote events. */
async function fire(tx: Transaction, match: Match, now: Date): Promise<boolean> {
  const { playbook, event, account } = match;
  const firingId = randomUUID();
  const trigger = triggerOf(event);
  const results: ActionResult[] = [];
  const drafts: DomainEventDraft[] = [];
  // The firing first: its tasks refer to it.
  await tx.playbookFiring.create({
    data: {
      id: firingId,
      workspaceId: playbook.workspaceId,
      playbookId: playbook.id,
      accountId: event.accountId,
      eventTxid: event.cursor.txid,
      eventPosition: event.cursor.position,
      eventType: event.type,
      firedAt: now,
      results: [],
    },
  });
  for (const action of playbook.actions) {
    if (action.kind === "CREATE_TASK") {
      const task = taskOfAction(action, account, trigger, now);
      const [created] = await insertTasks(
        tx,
        [
          {
            workspaceId: playbook.workspaceId,
            accountId: event.accountId,
            ...task,
            origin: { playbookId: playbook.id, firingId, eventId: event.id, eventType: event.type },
          },
        ],
        now,
      );
      if (created) {
        results.push({
          kind: "CREATE_TASK",
          taskId: created.id,
          title: created.title,
          owner: created.owner,
          dueAt: task.dueAt.toISOString(),
        });
      }
    } else {
      const draft = playbookFired({
        workspaceId: playbook.workspaceId,
        accountId: event.accountId,
        firedAt: now,
        webhookEndpointId: action.webhookEndpointId,
        playbookId: playbook.id,
        playbookName: playbook.name,
        firingId,
        event: { type: event.type, id: event.id, payload: event.payload },
      });
      drafts.push(draft);
      results.push({
        kind: "SEND_WEBHOOK",
        webhookEndpointId: action.webhookEndpointId,
        eventDedupeKey: draft.dedupeKey ?? "",
      });
    }
  }
  await writeDomainEvents(tx, drafts);
  await tx.playbookFiring.update({ where: { id: firingId }, data: { results } });
  return results.length > 0;
}

/**
 * The evaluator's cursor exists from the first playbook on, at the outbox head of that moment
 * (history before any playbook existed has nothing to fire). Called in the transaction that
 * creates or enables a playbook; returns the head, which becomes the playbook's activeAfter.
 */
export async function ensureCursor(tx: Transaction): Promise<OutboxCursor> {
  const head = await outboxHead(prismaReader(tx));
  await ensurePlaybookCursor(prismaWriter(tx), head);
  return head;
}

/** The job's name in JobRun. */
export const PLAYBOOK_JOB = "playbooks";

/**
 * Adds the evaluator to a scheduler as a job (once across servers), woken after every commit of
 * this process that wrote outbox events. The wake-up ends when the database closes.
 */
export function schedulePlaybooks(
  jobs: JobScheduler,
  database: Database,
  options: PlaybookEvaluatorOptions & { everyMs?: number } = {},
): PlaybookEvaluator {
  const evaluator = new PlaybookEvaluator(database, options);
  jobs.add({
    name: PLAYBOOK_JOB,
    everyMs: options.everyMs ?? 10_000,
    run: (signal) => evaluator.run(signal),
  });
  const unlisten = database.outboxSignal.listen(() => jobs.wake(PLAYBOOK_JOB));
  database.onClose(async () => unlisten());
  return evaluator;
}
