// The one mechanism behind every ingestion mutation, single or batch: validate every item,
// resolve every reference in a fixed number of queries, then write all items in one
// transaction, or nothing when anything is wrong.
import { Prisma } from "@pulse/schema/prisma";
import { Decimal } from "decimal.js";
import type { z } from "zod";
import type { Context } from "../context.ts";
import type { DomainEventDraft } from "../events/domain-events.ts";
import { writeDomainEvents } from "../events/outbox.ts";
import { markAccountsChanged } from "./changes.ts";
import { Problems } from "./problems.ts";
import { type LocatedItem, type ResolvedItem, resolveReferences } from "./references.ts";

/** The Prisma client inside an interactive transaction. */
export type Transaction = Prisma.TransactionClient;

export const MAX_BATCH_ITEMS = 1000;

/**
 * How far past the request's clock a fact may be dated: room for clock skew between the client's
 * systems and the server, not for facts that have not happened (a response dated 2030).
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

// A 1,000-item batch with its rollups takes well under a second; the margin is for slow disks.
const TRANSACTION_TIMEOUT_MS = 60_000;

export type IngestOutcome = "CREATED" | "UPDATED" | "UNCHANGED";

/** What happened to one item's row. */
export interface IngestedRow {
  id: string;
  outcome: IngestOutcome;
  /** Accounts whose facts this row changed (two when a fact moved to another account). */
  accountIds: readonly string[];
}

export interface WriteScope {
  tx: Transaction;
  workspaceId: string;
  now: Date;
  /** Problems only the stored rows can reveal (e.g. a reused idempotency key). */
  problems: Problems;
  /** Domain events of this write: written to the outbox in the same transaction. */
  events: DomainEventDraft[];
}

export interface IngestionSpec<Item extends object> {
  /** GraphQL type of the rows, for their global ids. */
  typename: string;
  /** Rules for one item that need no database. */
  schema: z.ZodType<Item>;
  /**
   * Top-level date fields that are plans rather than facts (a contract's end, an invoice's due
   * date), so they may lie in the future. Every other date of an item, at any depth, is when
   * something happened and must not be later than the request's clock plus MAX_FUTURE_SKEW_MS.
   */
  scheduledDates?: readonly (keyof Item & string)[];
  /** The key an item may carry only once per batch; a repeat is ambiguous, so it is refused. */
  batchKey?(item: Item): { field: string; value: string } | undefined;
  /** Rules that need the referenced rows, such as the scale of the survey answered. */
  check?(item: ResolvedItem<Item>, problems: Problems): void;
  /**
   * Writes the items with a bounded number of statements and returns one row per item, in
   * order. Runs inside the transaction; a problem reported here rolls everything back.
   */
  write(scope: WriteScope, items: readonly ResolvedItem<Item>[]): Promise<IngestedRow[]>;
}

export type IngestForm = "single" | "batch";

export async function ingest<Item extends object>(
  ctx: Context,
  spec: IngestionSpec<Item>,
  inputs: readonly unknown[],
  form: IngestForm,
): Promise<IngestedRow[]> {
  const problems = new Problems();
  if (form === "batch" && (inputs.length < 1 || inputs.length > MAX_BATCH_ITEMS)) {
    problems.add("items", `must hold 1 to ${MAX_BATCH_ITEMS} items; got ${inputs.length}`);
    problems.throwIfAny();
  }

  const valid: LocatedItem<Item>[] = [];
  const firstPathOfKey = new Map<string, string>();
  inputs.forEach((input, index) => {
    const at = locate(form, index);
    const parsed = spec.schema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.add(at(issue.path.join(".")), issue.message);
      return;
    }
    for (const problem of futureDates(parsed.data, new Set(spec.scheduledDates ?? []), ctx.now)) {
      problems.add(at(problem.path), problem.message);
    }
    const key = spec.batchKey?.(parsed.data);
    if (key) {
      const first = firstPathOfKey.get(key.value);
      if (first) problems.add(at(key.field), `repeats ${first}; send each row once per batch`);
      else firstPathOfKey.set(key.value, at(key.field));
    }
    valid.push({ input: parsed.data, at });
  });

  // Nothing valid is left to resolve: answer without opening a transaction.
  if (valid.length === 0) problems.throwIfAny();

  let eventsWritten = false;
  const attempt = () =>
    ctx.prisma.$transaction(
      async (tx) => {
        const resolved = await resolveReferences(tx, ctx.workspaceId, valid, problems);
        for (const item of resolved) spec.check?.(item, problems);
        problems.throwIfAny();
        const events: DomainEventDraft[] = [];
        const written = await spec.write(
          { tx, workspaceId: ctx.workspaceId, now: ctx.now, problems, events },
          resolved,
        );
        problems.throwIfAny();
        eventsWritten = (await writeDomainEvents(tx, events)) > 0;
        return written;
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_TIMEOUT_MS },
    );
  // When a concurrent request creates the same key first, our insert fails on the unique
  // index and the transaction rolls back; run again, we find that row and upsert onto it.
  const rows = await attempt().catch((error: unknown) => {
    if (isUniqueViolation(error)) return attempt();
    throw error;
  });
  if (eventsWritten) ctx.database.outboxSignal.written();
  markAccountsChanged(
    ctx,
    rows.filter((row) => row.outcome !== "UNCHANGED").flatMap((row) => row.accountIds),
  );
  return rows;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function locate(form: IngestForm, index: number): (field: string) => string {
  if (form === "single") return (field) => field;
  return (field) => (field ? `items.${index}.${field}` : `items.${index}`);
}

/** The dates of `item` (at any depth, outside `scheduled`) later than `now` + the allowed skew. */
function futureDates(
  item: object,
  scheduled: ReadonlySet<string>,
  now: Date,
): { path: string; message: string }[] {
  const latest = now.getTime() + MAX_FUTURE_SKEW_MS;
  const found: { path: string; message: string }[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (value instanceof Date) {
      if (value.getTime() > latest) {
        found.push({
          path: path.join("."),
          message: `must not be more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future (got ${value.toISOString()}, server time ${now.toISOString()})`,
        });
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const [index, entry] of value.entries()) visit(entry, [...path, String(index)]);
    } else if (typeof value === "object" && value !== null && !(value instanceof Decimal)) {
      for (const [key, entry] of Object.entries(value)) {
        if (path.length === 0 && scheduled.has(key)) continue;
        visit(entry, [...path, key]);
      }
    }
  };
  visit(item, []);
  return found;
}
