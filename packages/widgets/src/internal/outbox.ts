import {
  DISMISS_SURVEY_MUTATION,
  type DismissSurveyInput,
  type PulseConnection,
  type PulseRequestError,
  requestGraphQL,
  retryAfterMs,
  type SubmitSurveyResponseInput,
  submitSurveyResponse,
  toRequestError,
} from "./client";
import { readRecord, writeRecord } from "./storage";

/**
 * The outbox keeps every survey answer and dismissal in localStorage until the server has
 * confirmed it, and sends it again when the browser comes back online or after a backoff.
 *
 * Sending twice is safe because the server upserts answers on `responseId`; what must not happen
 * is an older state overwriting a newer one (a score-only answer arriving after the answer with
 * its comment). So there is one entry per key holding only the latest state, and sends for
 * one key are strictly sequential within the page.
 */

export type OutboxOperation =
  | { name: "submitSurveyResponse"; input: SubmitSurveyResponseInput }
  | { name: "dismissSurvey"; input: DismissSurveyInput };

/** `stored`: the server confirmed it. `queued`: kept for a later retry. */
export type Delivery = "stored" | "queued";

interface OutboxEntry {
  connection: PulseConnection;
  operation: OutboxOperation;
  /** Tells a newer state under the same key apart from the one being sent. */
  revision: number;
  attempts: number;
  notBefore: number;
  queuedAt: number;
}

export interface OutboxDeliveredDetail {
  key: string;
}
export interface OutboxRejectedDetail {
  key: string;
  error: PulseRequestError;
}
/** An attempt failed for the moment; `error` says why (offline, or the server unavailable). */
export type OutboxQueuedDetail = OutboxRejectedDetail;

const storageKey = "pulse-widgets:outbox:v1";
const firstRetryDelayMs = 2_000;
const longestRetryDelayMs = 5 * 60_000;
/** Tokens expire; an answer older than this would be refused anyway. */
const maxEntryAgeMs = 7 * 24 * 60 * 60_000;

/** Answers go to the submission endpoint; dismissals are a GraphQL mutation. */
function send(connection: PulseConnection, operation: OutboxOperation): Promise<unknown> {
  return operation.name === "submitSurveyResponse"
    ? submitSurveyResponse(connection, operation.input)
    : requestGraphQL(connection, DISMISS_SURVEY_MUTATION, { input: operation.input });
}

/**
 * Announces what happens to entries: `queued` (an attempt failed for the moment, with its error),
 * and for those sent in the background `delivered` and `rejected` (a permanent refusal, the entry
 * is dropped), with the entry's key as detail.
 */
export const outboxEvents = new EventTarget();

/** The outbox key of a survey response: every state of one answer shares it. */
export function responseKey(responseId: string): string {
  return `response:${responseId}`;
}

export function outboxKey(connection: PulseConnection, operation: OutboxOperation): string {
  return operation.name === "submitSurveyResponse"
    ? responseKey(operation.input.responseId)
    : `dismiss:${connection.endpoint}|${operation.input.survey}|${operation.input.token}`;
}

/**
 * Sends an operation now, keeping it for retry when the failure is transient.
 * Resolves to how it went; rejects with the server's error when it refused for good.
 */
export function deliver(connection: PulseConnection, operation: OutboxOperation): Promise<Delivery> {
  startOutbox();
  const key = outboxKey(connection, operation);
  const entry: OutboxEntry = {
    connection,
    operation,
    revision: Date.now() + Math.random(),
    attempts: 0,
    notBefore: 0,
    queuedAt: Date.now(),
  };
  // Written before the first attempt, so an answer survives the page closing mid-request.
  const entries = readRecord<OutboxEntry>(storageKey);
  entries[key] = entry;
  writeRecord(storageKey, entries);
  return inOrder(key, () => attempt(key, entry));
}

/** True while an operation for this key waits in the outbox. */
export function isPending(key: string): boolean {
  return key in readRecord<OutboxEntry>(storageKey);
}

let started = false;

/** Sends what earlier pages left behind, and listens for the network coming back. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  globalThis.addEventListener("online", () => void flushOutbox({ ignoreBackoff: true }));
  void flushOutbox({ ignoreBackoff: false });
}

/** Sends every entry that is due (or every entry, once the browser is back online). */
export async function flushOutbox({ ignoreBackoff }: { ignoreBackoff: boolean }): Promise<void> {
  const now = Date.now();
  const attempts = Object.entries(readRecord<OutboxEntry>(storageKey)).map(([key, entry]) => {
    if (now - entry.queuedAt > maxEntryAgeMs) {
      replaceIfCurrent(key, entry, undefined);
      return undefined;
    }
    if (!ignoreBackoff && entry.notBefore > now) return undefined;
    return inOrder(key, async () => (isCurrent(key, entry) ? attempt(key, entry) : undefined)).catch(
      (error: unknown) => {
        outboxEvents.dispatchEvent(
          new CustomEvent<OutboxRejectedDetail>("rejected", {
            detail: { key, error: toRequestError(error) },
          }),
        );
      },
    );
  });
  await Promise.all(attempts);
  scheduleFlush();
}

async function attempt(key: string, entry: OutboxEntry): Promise<Delivery> {
  try {
    await send(entry.connection, entry.operation);
  } catch (error) {
    const failure = toRequestError(error);
    if (!failure.retryable) {
      replaceIfCurrent(key, entry, undefined);
      throw failure;
    }
    const attempts = entry.attempts + 1;
    const delay = Math.max(retryAfterMs(failure) ?? 0, backoffDelay(attempts));
    replaceIfCurrent(key, entry, { ...entry, attempts, notBefore: Date.now() + delay });
    scheduleFlush();
    outboxEvents.dispatchEvent(
      new CustomEvent<OutboxQueuedDetail>("queued", { detail: { key, error: failure } }),
    );
    return "queued";
  }
  replaceIfCurrent(key, entry, undefined);
  outboxEvents.dispatchEvent(new CustomEvent<OutboxDeliveredDetail>("delivered", { detail: { key } }));
  return "stored";
}

/** Exponential with jitter, so many pages coming back online do not all retry in the same second. */
function backoffDelay(attempts: number): number {
  const exponential = Math.min(longestRetryDelayMs, firstRetryDelayMs * 2 ** (attempts - 1));
  return exponential * (0.8 + Math.random() * 0.4);
}

/** Whether the stored entry is still exactly this one (not replaced, sent or rescheduled since). */
function isCurrent(key: string, entry: OutboxEntry): boolean {
  const stored = readRecord<OutboxEntry>(storageKey)[key];
  return stored?.revision === entry.revision && stored.attempts === entry.attempts;
}

function replaceIfCurrent(key: string, entry: OutboxEntry, next: OutboxEntry | undefined): void {
  const entries = readRecord<OutboxEntry>(storageKey);
  if (entries[key]?.revision !== entry.revision) return;
  if (next) entries[key] = next;
  else delete entries[key];
  writeRecord(storageKey, entries);
}

let flushTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleFlush(): void {
  clearTimeout(flushTimer);
  const due = Object.values(readRecord<OutboxEntry>(storageKey)).map((entry) => entry.notBefore);
  if (due.length === 0) return;
  flushTimer = setTimeout(
    () => void flushOutbox({ ignoreBackoff: false }),
    Math.max(0, Math.min(...due) - Date.now()),
  );
}

const chains = new Map<string, Promise<unknown>>();

/** Runs tasks for one key one after another, so states reach the server in the order they were made. */
function inOrder<T>(key: string, task: () => Promise<T>): Promise<T> {
  const next = (chains.get(key) ?? Promise.resolve()).then(task, task);
  const settled = next.catch(() => undefined);
  chains.set(key, settled);
  void settled.then(() => {
    if (chains.get(key) === settled) chains.delete(key);
  });
  return next;
}
