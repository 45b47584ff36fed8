import { isWithinPeriod, trailingDays } from "./period.ts";
import { assertCount, assertKnownKind, assertValidDate } from "./validate.ts";

export type TicketPriority = "LOW" | "NORMAL" | "HIGH" | "URGENT";

export const TICKET_PRIORITY_WEIGHTS: Readonly<Record<TicketPriority, number>> = {
  LOW: 1,
  NORMAL: 2,
  HIGH: 4,
  URGENT: 8,
};

const TICKET_PRIORITIES: readonly TicketPriority[] = ["LOW", "NORMAL", "HIGH", "URGENT"];

export const SUPPORT_HEALTH_WINDOW_DAYS = 90;
/** Points lost per unit of priority weight. */
export const SUPPORT_POINTS_PER_WEIGHT = 5;

export interface SupportTicket {
  priority: TicketPriority;
  openedAt: Date;
}

export type TicketCountsByPriority = Partial<Record<TicketPriority, number>>;

export interface SupportLoad {
  tickets: number;
  /** Σ priority weights of the tickets. */
  weightedLoad: number;
  /** max(0, 100 − 5 × weighted load); 100 without tickets. */
  score: number;
}

/** From `SELECT priority, count(*) … GROUP BY priority` over the trailing 90 days. */
export function supportLoadFromCounts(counts: TicketCountsByPriority): SupportLoad {
  let tickets = 0;
  let weightedLoad = 0;
  for (const [priority, count] of Object.entries(counts)) {
    assertKnownKind(priority, TICKET_PRIORITIES, "ticket priority");
    assertCount(count, `${priority} tickets`);
    tickets += count;
    weightedLoad += count * TICKET_PRIORITY_WEIGHTS[priority];
  }
  return { tickets, weightedLoad, score: Math.max(0, 100 - SUPPORT_POINTS_PER_WEIGHT * weightedLoad) };
}

/** Tickets opened in [now − 90 days, now). */
export function supportLoad(tickets: readonly SupportTicket[], now: Date): SupportLoad {
  assertValidDate(now, "now");
  const window = trailingDays(now, SUPPORT_HEALTH_WINDOW_DAYS);
  const counts: Record<TicketPriority, number> = { LOW: 0, NORMAL: 0, HIGH: 0, URGENT: 0 };
  for (const ticket of tickets) {
    assertValidDate(ticket.openedAt, "ticket.openedAt");
    assertKnownKind(ticket.priority, TICKET_PRIORITIES, "ticket.priority");
    if (isWithinPeriod(ticket.openedAt, window)) counts[ticket.priority] += 1;
  }
  return supportLoadFromCounts(counts);
}

/** Support always has a value: no tickets is a perfect 100. */
export function supportHealthComponent(tickets: readonly SupportTicket[], now: Date): number {
  return supportLoad(tickets, now).score;
}
