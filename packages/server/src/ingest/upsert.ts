// Upserts keyed rows (by externalId, idempotency key, or account and milestone) with one
// lookup, one createMany and one update per changed row, telling created, updated and
// unchanged rows apart so a retry writes nothing.
import { randomUUID } from "node:crypto";
import { Decimal } from "decimal.js";
import type { IngestedRow } from "./ingest.ts";

/** What an upsert writes with: the table's Prisma delegate (`tx.invoice`, …). */
export interface WritableTable<Data> {
  createMany(args: { data: (Data & { id: string })[] }): PromiseLike<unknown>;
  update(args: { where: { id: string }; data: Partial<Data> }): PromiseLike<unknown>;
}

export interface UpsertPlan<Item, Row extends { id: string }, Data extends object> {
  /** The stored row the item targets, if any. */
  existing(item: Item): Row | undefined;
  /** The row's fields from the item; `undefined` leaves a stored value as it is. */
  data(item: Item, current: Row | undefined): Data;
  /** The account a row (stored or new) belongs to. */
  accountOf(row: Row | (Data & { id: string })): string;
}

export async function upsertRows<Item, Row extends { id: string }, Data extends object>(
  table: WritableTable<Data>,
  items: readonly Item[],
  plan: UpsertPlan<Item, Row, Data>,
): Promise<IngestedRow[]> {
  const creates: (Data & { id: string })[] = [];
  const updates: { id: string; changes: Partial<Data> }[] = [];
  const rows = items.map((item): IngestedRow => {
    const current = plan.existing(item);
    const data = plan.data(item, current);
    if (!current) {
      // Ids are made here so the answer can list them in item order after one createMany.
      const row = { ...data, id: randomUUID() };
      creates.push(row);
      return { id: row.id, outcome: "CREATED", accountIds: [plan.accountOf(row)] };
    }
    const changes = changedFields(current, data);
    if (!changes) return { id: current.id, outcome: "UNCHANGED", accountIds: [plan.accountOf(current)] };
    updates.push({ id: current.id, changes });
    const accountIds = new Set([plan.accountOf(current), plan.accountOf({ ...data, id: current.id })]);
    return { id: current.id, outcome: "UPDATED", accountIds: [...accountIds] };
  });
  if (creates.length > 0) await table.createMany({ data: creates });
  for (const { id, changes } of updates) await table.update({ where: { id }, data: changes });
  return rows;
}

/** The fields of `next` that differ from the stored row, or undefined when none do. */
export function changedFields<Data extends object>(current: object, next: Data): Partial<Data> | undefined {
  const stored = current as Record<string, unknown>;
  const changes: Partial<Data> = {};
  let changed = false;
  for (const key of Object.keys(next) as (keyof Data & string)[]) {
    const value = next[key];
    if (value === undefined || sameValue(stored[key], value)) continue;
    changes[key] = value;
    changed = true;
  }
  return changed ? changes : undefined;
}

function sameValue(stored: unknown, next: unknown): boolean {
  if (next instanceof Date) return stored instanceof Date && stored.getTime() === next.getTime();
  // Prisma's Decimal and decimal.js's are different classes; compare their values.
  if (next instanceof Decimal) return stored != null && new Decimal(String(stored)).equals(next);
  return stored === next;
}

/** Stored rows by their key, fetched with one query (none when there are no keys). */
export async function findByKeys<Row>(
  keys: readonly (string | null | undefined)[],
  find: (keys: string[]) => PromiseLike<Row[]>,
  keyOf: (row: Row) => string | null,
): Promise<Map<string, Row>> {
  const wanted = [...new Set(keys.filter((key) => key != null))];
  if (wanted.length === 0) return new Map();
  const rows = await find(wanted);
  return new Map(
    rows.flatMap((row) => {
      const key = keyOf(row);
      return key === null ? [] : [[key, row] as const];
    }),
  );
}

/** A fact table keyed by the client's externalId, unique per workspace. */
export interface FactTable<Row, Data> extends WritableTable<Data> {
  findMany(args: { where: { workspaceId: string; externalId: { in: string[] } } }): PromiseLike<Row[]>;
}

/** Facts keyed by the client's optional externalId: upserted on it, always created without it. */
export async function upsertByExternalId<
  Item extends { input: { externalId?: string } },
  Row extends { id: string; externalId: string | null; accountId: string },
  Data extends { accountId: string },
>(
  table: FactTable<Row, Data>,
  workspaceId: string,
  items: readonly Item[],
  data: UpsertPlan<Item, Row, Data>["data"],
): Promise<IngestedRow[]> {
  const stored = await findByKeys(
    items.map((item) => item.input.externalId),
    (externalIds) => table.findMany({ where: { workspaceId, externalId: { in: externalIds } } }),
    (row) => row.externalId,
  );
  return upsertRows(table, items, {
    existing: ({ input }) => (input.externalId === undefined ? undefined : stored.get(input.externalId)),
    data,
    accountOf: (row) => row.accountId,
  });
}
