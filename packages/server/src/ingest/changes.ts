// The accounts a request changed. Mutations report them here once their transaction has
// committed: the ids are kept for the rest of the request and handed to the context's
// `accountsChanged`, which schedules today's health snapshot of those accounts.
import type { Context } from "../context.ts";

// Keyed by the request's context: the set lives exactly as long as the request.
const changedAccounts = new WeakMap<Context, Set<string>>();

export function markAccountsChanged(ctx: Context, accountIds: Iterable<string>): void {
  const ids = new Set(accountIds);
  if (ids.size === 0) return;
  const changed = changedAccounts.get(ctx) ?? new Set<string>();
  for (const id of ids) changed.add(id);
  changedAccounts.set(ctx, changed);
  ctx.accountsChanged(ids);
}

/** The ids of the accounts this request has changed so far. */
export function changedAccountIds(ctx: Context): ReadonlySet<string> {
  return changedAccounts.get(ctx) ?? new Set();
}
