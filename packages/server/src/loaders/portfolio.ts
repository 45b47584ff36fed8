// Every account of a workspace with its revenue events: the input of portfolio metrics (and of
// the trailing-year churn behind each account's CLTV). Two statements, whatever the size.
import type { PortfolioAccount } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import type { RevenueFact } from "./facts.ts";

export interface PortfolioAccountRow extends PortfolioAccount {
  id: string;
  segment: string | null;
  firstValueAt: Date | null;
  revenueEvents: RevenueFact[];
}

export async function loadPortfolioAccounts(prisma: PrismaClient, workspaceId: string): Promise<PortfolioAccountRow[]> {
  const [accounts, events] = await Promise.all([
    prisma.account.findMany({
      where: { workspaceId },
      select: { id: true, segment: true, signedUpAt: true, churnedAt: true, firstValueAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.revenueEvent.findMany({
      where: { workspaceId },
      select: { accountId: true, kind: true, mrrDelta: true, occurredAt: true },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    }),
  ]);
  const byAccount = new Map<string, RevenueFact[]>(accounts.map((account) => [account.id, []]));
  for (const event of events) {
    byAccount.get(event.accountId)?.push({ kind: event.kind, mrrDelta: event.mrrDelta.toString(), occurredAt: event.occurredAt });
  }
  return accounts.map((account) => ({ ...account, revenueEvents: byAccount.get(account.id) ?? [] }));
}
