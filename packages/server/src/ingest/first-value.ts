// The firstValueAt rule: an account reaches first value when it achieves a milestone flagged
// `isFirstValue`; firstValueAt is the earliest such achievement and only ever moves earlier.
import { Prisma } from "@pulse/schema/prisma";
import type { Transaction } from "./ingest.ts";

/**
 * Sets firstValueAt from the first-value achievements of the given accounts (or of everyone
 * who achieved the given milestone) where it is unset or later. Returns the accounts changed.
 */
export async function applyFirstValue(
  tx: Transaction,
  workspaceId: string,
  scope: { accountIds: readonly string[] } | { milestoneId: string },
): Promise<string[]> {
  const filter =
    "milestoneId" in scope
      ? Prisma.sql`achievement."milestoneId" = ${scope.milestoneId}::uuid`
      : Prisma.sql`achievement."accountId" = ANY(${[...scope.accountIds]}::uuid[])`;
  // updatedAt is kept by Prisma, not by the database, so raw SQL sets it; the columns hold UTC.
  const changed = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "Account" AS account
    SET "firstValueAt" = first_value."achievedAt", "updatedAt" = (now() AT TIME ZONE 'UTC')
    FROM (
      SELECT achievement."accountId", min(achievement."achievedAt") AS "achievedAt"
      FROM "MilestoneAchievement" AS achievement
      JOIN "Milestone" AS milestone ON milestone.id = achievement."milestoneId"
      WHERE achievement."workspaceId" = ${workspaceId}::uuid AND milestone."isFirstValue" AND ${filter}
      GROUP BY achievement."accountId"
    ) AS first_value
    WHERE account.id = first_value."accountId"
      AND (account."firstValueAt" IS NULL OR account."firstValueAt" > first_value."achievedAt")
    RETURNING account.id`;
  return changed.map((row) => row.id);
}
