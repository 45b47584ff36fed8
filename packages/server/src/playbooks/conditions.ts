// What a playbook is, as data, and the pure rules of its evaluation: whether an event and the
// state of its account meet every condition, and the text of a task made from a title template.
// No I/O here: the evaluator (evaluator.ts) and the dry run (dry-run.ts) read the state and ask.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { DomainEventType, HealthBand, SurveyKind, TaskPriority } from "@pulse/schema/prisma";
import { Decimal } from "decimal.js";

/** Conditions on the account (and optionally the event): every one that is set must hold. */
export interface PlaybookConditions {
  /** The account's segment is one of these. */
  segments?: string[];
  plans?: string[];
  /** The account's CSM is one of these. */
  csmOwners?: string[];
  /** The band of the account's latest health snapshot is one of these. */
  bands?: HealthBand[];
  /** The account's MRR now, inclusive bounds (decimal strings). */
  mrrMin?: string;
  mrrMax?: string;
  /** The score of the account's latest health snapshot, inclusive bounds (0–100). */
  scoreMin?: number;
  scoreMax?: number;
  /** On a survey-response event: its kind, its detractor flag, its score (inclusive). */
  surveyKinds?: SurveyKind[];
  detractor?: boolean;
  surveyScoreMin?: number;
  surveyScoreMax?: number;
}

export interface CreateTaskAction {
  kind: "CREATE_TASK";
  /** With placeholders such as {{account.name}} (see TEMPLATE_FIELDS). */
  title: string;
  description: string | null;
  /** A fixed owner; null: the account's CSM at the firing. */
  owner: string | null;
  dueInDays: number;
  priority: TaskPriority;
}

export interface SendWebhookAction {
  kind: "SEND_WEBHOOK";
  webhookEndpointId: string;
}

export type PlaybookAction = CreateTaskAction | SendWebhookAction;

/** Survey conditions only make sense on this trigger. */
export const SURVEY_CONDITION_TRIGGER: DomainEventType = "SURVEY_RESPONSE_RECEIVED";

/**
 * Types a playbook cannot be triggered by: the events playbooks themselves cause, so no
 * playbook can set off itself (or another) in a loop, and events about the workspace itself
 * (no account to hold conditions on).
 */
export const NON_TRIGGER_TYPES: readonly DomainEventType[] = [
  "PLAYBOOK_FIRED",
  "TASK_CREATED",
  "WEBHOOK_ENDPOINT_DISABLED",
];

/** The account's state an evaluation reads (once per batch of events). */
export interface AccountState {
  id: string;
  name: string;
  externalId: string;
  segment: string | null;
  plan: string | null;
  csmOwner: string | null;
  band: HealthBand | null;
  score: number | null;
  mrr: Decimal;
}

/** The event as a playbook sees it. */
export interface TriggerEvent {
  id: string;
  type: DomainEventType;
  payload: unknown;
}

interface SurveyFacts {
  kind: SurveyKind | null;
  score: number | null;
  detractor: boolean | null;
}

function surveyFacts(event: TriggerEvent): SurveyFacts {
  if (event.type !== "SURVEY_RESPONSE_RECEIVED" || typeof event.payload !== "object" || !event.payload)
    return { kind: null, score: null, detractor: null };
  const payload = event.payload as Record<string, unknown>;
  return {
    kind: typeof payload.kind === "string" ? (payload.kind as SurveyKind) : null,
    score: typeof payload.score === "number" ? payload.score : null,
    detractor: typeof payload.detractor === "boolean" ? payload.detractor : null,
  };
}

function oneOf<Value>(allowed: readonly Value[] | undefined, value: Value | null): boolean {
  return !allowed || allowed.length === 0 || (value !== null && allowed.includes(value));
}

function within(value: number | null, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (value === null) return false;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/**
 * Whether the event and its account meet every condition. A condition on a value the account
 * does not have (no snapshot yet for a band or score condition, no segment) does not hold.
 */
export function conditionsHold(
  conditions: PlaybookConditions,
  account: AccountState,
  event: TriggerEvent,
): boolean {
  if (!oneOf(conditions.segments, account.segment)) return false;
  if (!oneOf(conditions.plans, account.plan)) return false;
  if (!oneOf(conditions.csmOwners, account.csmOwner)) return false;
  if (!oneOf(conditions.bands, account.band)) return false;
  if (!within(account.score, conditions.scoreMin, conditions.scoreMax)) return false;
  if (conditions.mrrMin !== undefined && account.mrr.lessThan(new Decimal(conditions.mrrMin))) return false;
  if (conditions.mrrMax !== undefined && account.mrr.greaterThan(new Decimal(conditions.mrrMax)))
    return false;
  const surveyConditions =
    conditions.surveyKinds?.length ||
    conditions.detractor !== undefined ||
    conditions.surveyScoreMin !== undefined ||
    conditions.surveyScoreMax !== undefined;
  if (!surveyConditions) return true;
  const survey = surveyFacts(event);
  if (!oneOf(conditions.surveyKinds, survey.kind)) return false;
  if (conditions.detractor !== undefined && survey.detractor !== conditions.detractor) return false;
  return within(survey.score, conditions.surveyScoreMin, conditions.surveyScoreMax);
}

/** The placeholders a task title or description may use, and what each reads. */
export const TEMPLATE_FIELDS: Record<string, (account: AccountState, event: TriggerEvent) => string | null> =
  {
    "account.name": (account) => account.name,
    "account.externalId": (account) => account.externalId,
    "account.segment": (account) => account.segment,
    "account.plan": (account) => account.plan,
    "account.csm": (account) => account.csmOwner,
    "account.band": (account) => account.band,
    "account.score": (account) => (account.score === null ? null : String(Math.round(account.score))),
    "account.mrr": (account) => account.mrr.toString(),
    "event.type": (_account, event) => event.type,
    "event.id": (_account, event) => event.id,
    "survey.kind": (_account, event) => surveyFacts(event).kind,
    "survey.score": (_account, event) => {
      const score = surveyFacts(event).score;
      return score === null ? null : String(score);
    },
  };

const PLACEHOLDER = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

/** The placeholders of a template that name no field (empty when it is valid). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? "")
    .filter((name) => !Object.hasOwn(TEMPLATE_FIELDS, name));
}

/** The template with each placeholder replaced by its value ("" where the account has none). */
export function renderTemplate(template: string, account: AccountState, event: TriggerEvent): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const field = TEMPLATE_FIELDS[name];
    return field ? (field(account, event) ?? "") : whole;
  });
}

const DAY_MS = MILLISECONDS_PER_DAY;

/** The task a CREATE_TASK action makes for this account and event, fired at `now`. */
export function taskOfAction(
  action: CreateTaskAction,
  account: AccountState,
  event: TriggerEvent,
  now: Date,
): { title: string; description: string | null; owner: string | null; dueAt: Date; priority: TaskPriority } {
  return {
    title: renderTemplate(action.title, account, event).slice(0, 500),
    description: action.description === null ? null : renderTemplate(action.description, account, event),
    owner: action.owner ?? account.csmOwner,
    dueAt: new Date(now.getTime() + action.dueInDays * DAY_MS),
    priority: action.priority,
  };
}
