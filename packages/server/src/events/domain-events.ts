// Domain events: what changed about an account, as data. Every function here is pure: it gets
// the state before and after a change (read by the writer inside its transaction) and returns
// the events to write in that same transaction (see outbox.ts). A dedupe key, unique per
// workspace, makes a second write of one change (a retry, a concurrent writer) a no-op.
import { type AccountRisk, isNpsDetractor, type RiskReason } from "@pulse/schema/metrics";
import type { DomainEventType, HealthBand, SentimentRating, SurveyKind } from "@pulse/schema/prisma";
import type { Decimal } from "decimal.js";

export const DOMAIN_EVENT_TYPES = [
  "HEALTH_BAND_CHANGED",
  "AT_RISK_ENTERED",
  "AT_RISK_LEFT",
  "SURVEY_RESPONSE_RECEIVED",
  "SENTIMENT_CHANGED",
  "MILESTONE_ACHIEVED",
  "MILESTONE_STALLED",
  "RENEWAL_WINDOW_ENTERED",
  "ACCOUNT_CHURNED",
  "ACCOUNT_REACTIVATED",
  "MRR_CHANGED",
  "PLAYBOOK_FIRED",
  "TASK_CREATED",
  "TASK_COMPLETED",
  "WEBHOOK_ENDPOINT_DISABLED",
] as const satisfies readonly DomainEventType[];

/** The payload of each event type (JSON: dates as ISO strings, money as decimal strings). */
export interface DomainEventPayloads {
  // A null band and score: too little data for a score (see the coverage rule).
  HEALTH_BAND_CHANGED: { from: HealthBand; to: HealthBand | null; score: number | null };
  AT_RISK_ENTERED: { reasons: RiskReason[]; band: HealthBand | null; score: number | null };
  AT_RISK_LEFT: { band: HealthBand | null; score: number | null };
  SURVEY_RESPONSE_RECEIVED: {
    responseId: string;
    surveyId: string;
    kind: SurveyKind;
    score: number;
    /** An NPS answer of 0–6. */
    detractor: boolean;
    contactId: string | null;
  };
  SENTIMENT_CHANGED: { from: SentimentRating | null; to: SentimentRating; entryId: string };
  MILESTONE_ACHIEVED: { milestoneId: string; milestoneKey: string; achievedAt: string };
  MILESTONE_STALLED: { milestoneId: string; milestoneKey: string; targetAt: string };
  RENEWAL_WINDOW_ENTERED: { contractId: string; endsAt: string; windowDays: number };
  ACCOUNT_CHURNED: { churnedAt: string };
  ACCOUNT_REACTIVATED: { previousChurnedAt: string };
  MRR_CHANGED: { from: string; to: string; delta: string };
  /**
   * A playbook's "send to a webhook endpoint" action: the webhook worker delivers it to that
   * endpoint only, whatever the endpoint's event types.
   */
  PLAYBOOK_FIRED: {
    /** Null: no endpoint named, so the endpoints subscribing to `playbook.fired` get it. */
    webhookEndpointId: string | null;
    playbookId: string;
    playbookName: string;
    firingId: string;
    event: { type: DomainEventType; id: string; payload: unknown };
  };
  TASK_CREATED: TaskEventPayload;
  TASK_COMPLETED: TaskEventPayload;
  WEBHOOK_ENDPOINT_DISABLED: {
    endpointId: string;
    url: string;
    reason: string;
    consecutiveFailures: number;
  };
}

/** What a task event says of its task. */
export interface TaskEventPayload {
  taskId: string;
  title: string;
  owner: string | null;
  dueAt: string | null;
  /** The playbook whose firing made it, or null for a task made through the API. */
  playbookId: string | null;
}

interface DraftOf<Type extends DomainEventType> {
  type: Type;
  workspaceId: string;
  /** Null for events about the workspace itself (a webhook endpoint disabled). */
  accountId: Type extends "WEBHOOK_ENDPOINT_DISABLED" ? null : string;
  occurredAt: Date;
  payload: DomainEventPayloads[Type];
  /** The health snapshot the event comes from. */
  snapshotId?: string | null;
  /** Unique per workspace: a second event with the same key is not written. */
  dedupeKey?: string | null;
}

/** An event about to be written to the outbox. */
export type DomainEventDraft = { [Type in DomainEventType]: DraftOf<Type> }[DomainEventType];

interface AccountRef {
  workspaceId: string;
  accountId: string;
}

export interface SnapshotState {
  /** Null when the account had too little data for a score (a change to it is a band change too). */
  band: HealthBand | null;
  score: number | null;
}

/**
 * Events of a newly written snapshot: the band against the account's previous newest snapshot
 * (none for the first one: nothing changed), and at-risk against the last at-risk event (an
 * account never flagged counts as not at risk, so its first flag is an entry).
 */
export function snapshotEvents(
  input: AccountRef & {
    snapshotId: string;
    occurredAt: Date;
    previousBand: HealthBand | null;
    wasAtRisk: boolean;
    current: SnapshotState;
    risk: AccountRisk;
  },
): DomainEventDraft[] {
  const { workspaceId, accountId, snapshotId, occurredAt, current } = input;
  const events: DomainEventDraft[] = [];
  if (input.previousBand !== null && input.previousBand !== current.band) {
    events.push({
      type: "HEALTH_BAND_CHANGED",
      workspaceId,
      accountId,
      occurredAt,
      snapshotId,
      payload: { from: input.previousBand, to: current.band, score: current.score },
    });
  }
  if (input.risk.atRisk && !input.wasAtRisk) {
    events.push({
      type: "AT_RISK_ENTERED",
      workspaceId,
      accountId,
      occurredAt,
      snapshotId,
      payload: { reasons: input.risk.reasons, band: current.band, score: current.score },
    });
  } else if (!input.risk.atRisk && input.wasAtRisk) {
    events.push({
      type: "AT_RISK_LEFT",
      workspaceId,
      accountId,
      occurredAt,
      snapshotId,
      payload: { band: current.band, score: current.score },
    });
  }
  return events;
}

/** What a survey-response event says of the answer itself. */
export function surveyAnswerFacts(
  kind: SurveyKind,
  score: number,
): { kind: SurveyKind; score: number; detractor: boolean } {
  return { kind, score, detractor: kind === "NPS" && isNpsDetractor(score) };
}

/** The dedupe key of a response's event: one event per stored response. */
export function surveyResponseDedupeKey(responseId: string): string {
  return `survey-response:${responseId}`;
}

/** A newly stored survey response (not a retry of a stored one). */
export function surveyResponseReceived(
  input: AccountRef & {
    responseId: string;
    surveyId: string;
    kind: SurveyKind;
    score: number;
    contactId: string | null;
    respondedAt: Date;
  },
): DomainEventDraft {
  return {
    type: "SURVEY_RESPONSE_RECEIVED",
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    occurredAt: input.respondedAt,
    dedupeKey: surveyResponseDedupeKey(input.responseId),
    payload: {
      responseId: input.responseId,
      surveyId: input.surveyId,
      ...surveyAnswerFacts(input.kind, input.score),
      contactId: input.contactId,
    },
  };
}

export interface LatestSentiment {
  entryId: string;
  rating: SentimentRating;
  recordedAt: Date;
}

/** The latest CSM rating of an account before and after a write; an event when the rating differs. */
export function sentimentChanged(
  input: AccountRef & { before: LatestSentiment | null; after: LatestSentiment | null },
): DomainEventDraft[] {
  const { before, after } = input;
  if (!after || before?.rating === after.rating) return [];
  return [
    {
      type: "SENTIMENT_CHANGED",
      workspaceId: input.workspaceId,
      accountId: input.accountId,
      occurredAt: after.recordedAt,
      dedupeKey: `sentiment:${after.entryId}:${before?.entryId ?? "none"}:${after.rating}`,
      payload: { from: before?.rating ?? null, to: after.rating, entryId: after.entryId },
    },
  ];
}

/** A newly stored achievement (a changed date of a stored one is not a new achievement). */
export function milestoneAchieved(
  input: AccountRef & { achievementId: string; milestoneId: string; milestoneKey: string; achievedAt: Date },
): DomainEventDraft {
  return {
    type: "MILESTONE_ACHIEVED",
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    occurredAt: input.achievedAt,
    dedupeKey: `milestone-achieved:${input.accountId}:${input.milestoneId}`,
    payload: {
      milestoneId: input.milestoneId,
      milestoneKey: input.milestoneKey,
      achievedAt: input.achievedAt.toISOString(),
    },
  };
}

/** A milestone whose target day passed without achievement: once per account and milestone. */
export function milestoneStalled(
  input: AccountRef & { milestoneId: string; milestoneKey: string; targetAt: Date },
): DomainEventDraft {
  return {
    type: "MILESTONE_STALLED",
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    occurredAt: input.targetAt,
    dedupeKey: `milestone-stalled:${input.accountId}:${input.milestoneId}`,
    payload: {
      milestoneId: input.milestoneId,
      milestoneKey: input.milestoneKey,
      targetAt: input.targetAt.toISOString(),
    },
  };
}

/**
 * A pending contract whose end came within the window: once per contract and end date (a
 * contract extended to a later end enters its new window again).
 */
export function renewalWindowEntered(
  input: AccountRef & { contractId: string; endsAt: Date; windowDays: number; enteredAt: Date },
): DomainEventDraft {
  return {
    type: "RENEWAL_WINDOW_ENTERED",
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    occurredAt: input.enteredAt,
    dedupeKey: `renewal-window:${input.contractId}:${input.endsAt.toISOString()}`,
    payload: {
      contractId: input.contractId,
      endsAt: input.endsAt.toISOString(),
      windowDays: input.windowDays,
    },
  };
}

/** churnedAt before and after a write: set → churned, cleared → reactivated. */
export function churnChanged(
  input: AccountRef & { before: Date | null; after: Date | null; now: Date },
): DomainEventDraft[] {
  const { before, after } = input;
  if (before === null && after !== null) {
    return [
      {
        type: "ACCOUNT_CHURNED",
        workspaceId: input.workspaceId,
        accountId: input.accountId,
        occurredAt: after,
        dedupeKey: `churned:${input.accountId}:${after.toISOString()}`,
        payload: { churnedAt: after.toISOString() },
      },
    ];
  }
  if (before !== null && after === null) {
    return [
      {
        type: "ACCOUNT_REACTIVATED",
        workspaceId: input.workspaceId,
        accountId: input.accountId,
        occurredAt: input.now,
        dedupeKey: `reactivated:${input.accountId}:${before.toISOString()}`,
        payload: { previousChurnedAt: before.toISOString() },
      },
    ];
  }
  return [];
}

/** An account's MRR now, before and after a write of revenue events: an event when it differs. */
export function mrrChanged(
  input: AccountRef & { before: Decimal; after: Decimal; now: Date },
): DomainEventDraft[] {
  if (input.before.equals(input.after)) return [];
  return [
    {
      type: "MRR_CHANGED",
      workspaceId: input.workspaceId,
      accountId: input.accountId,
      occurredAt: input.now,
      payload: {
        from: input.before.toString(),
        to: input.after.toString(),
        delta: input.after.minus(input.before).toString(),
      },
    },
  ];
}

interface TaskFacts {
  id: string;
  workspaceId: string;
  accountId: string;
  title: string;
  owner: string | null;
  dueAt: Date | null;
  playbookId: string | null;
}

function taskPayload(task: TaskFacts): TaskEventPayload {
  return {
    taskId: task.id,
    title: task.title,
    owner: task.owner,
    dueAt: task.dueAt?.toISOString() ?? null,
    playbookId: task.playbookId,
  };
}

/** A new task (through the API or a playbook's firing): once per task. */
export function taskCreated(task: TaskFacts & { createdAt: Date }): DomainEventDraft {
  return {
    type: "TASK_CREATED",
    workspaceId: task.workspaceId,
    accountId: task.accountId,
    occurredAt: task.createdAt,
    dedupeKey: `task-created:${task.id}`,
    payload: taskPayload(task),
  };
}

/** A task whose status became DONE; once per completion (a reopened task completes again). */
export function taskCompleted(task: TaskFacts & { completedAt: Date }): DomainEventDraft {
  return {
    type: "TASK_COMPLETED",
    workspaceId: task.workspaceId,
    accountId: task.accountId,
    occurredAt: task.completedAt,
    dedupeKey: `task-completed:${task.id}:${task.completedAt.toISOString()}`,
    payload: taskPayload(task),
  };
}

/** A playbook's webhook action: one event per firing and endpoint. */
export function playbookFired(input: {
  workspaceId: string;
  accountId: string;
  firedAt: Date;
  webhookEndpointId: string;
  playbookId: string;
  playbookName: string;
  firingId: string;
  event: { type: DomainEventType; id: string; payload: unknown };
}): DomainEventDraft {
  return {
    type: "PLAYBOOK_FIRED",
    workspaceId: input.workspaceId,
    accountId: input.accountId,
    occurredAt: input.firedAt,
    dedupeKey: `playbook-fired:${input.firingId}:${input.webhookEndpointId}`,
    payload: {
      webhookEndpointId: input.webhookEndpointId,
      playbookId: input.playbookId,
      playbookName: input.playbookName,
      firingId: input.firingId,
      event: input.event,
    },
  };
}
