// The firstValueAt rule: an account reaches first value when it achieves a milestone flagged
// `isFirstValue`; firstValueAt is the earliest such achievement and only ever moves earlier.
import { prismaWriter } from "@pulse/schema/database";
import { setFirstValueAt } from "../data/accounts.ts";
import type { Transaction } from "./ingest.ts";

/**
 * Sets firstValueAt from the first-value achievements of the given accounts (or of everyone
 * who achieved the given milestone) where it is unset or later. Returns the accounts changed.
 */
export function applyFirstValue(
  tx: Transaction,
  workspaceId: string,
  scope: { accountIds: readonly string[] } | { milestoneId: string },
): Promise<string[]> {
  return setFirstValueAt(prismaWriter(tx), workspaceId, scope);
}
