// The accounts a request changed. Mutations report them here once their transaction has
// committed, so whatever must follow a change (health snapshots) has one place to hook into.
import type { Context } from "../context.ts";

// Keyed by the request's context: the set lives exactly as long as the request.
const changedAccounts = new WeakMap<Context, Set<string>>();

export function markAccountsChanged(ctx: Context, accountIds: Iterable<string>): void {
  let changed = changedAccounts.get(ctx);
  if (!changed) {
    changed = new Set();
    changedAccounts.set(ctx, changed);
  }
  for (const accountId of accountIds) changed.add(accountId);
}

/** The ids of the accounts this request has changed so far. */
export function changedAccountIds(ctx: Context): ReadonlySet<string> {
  return changedAccounts.get(ctx) ?? new Set();
}
