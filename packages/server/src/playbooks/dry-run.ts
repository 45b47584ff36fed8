// A playbook's dry run: which recent outbox events of its trigger type would have fired it, and
// for which accounts, judged with the accounts' state now. Nothing is stored. Bounded: events
// from the last MAX_DRY_RUN_DAYS days only, at most `scanLimit` events read per call, and the
// answer pages by event id.
import type { Database, SqlReader } from "@pulse/schema/database";
import { encodeCursor, type OutboxCursor, readOutbox } from "../events/outbox.ts";
import { type Match, matchEvents } from "./evaluator.ts";
import type { PlaybookDefinition } from "./playbooks.ts";

export const MAX_DRY_RUN_DAYS = 30;
export const DRY_RUN_SCAN_LIMIT = 2_000;

export interface DryRunPage {
  matches: Match[];
  /** Events of the trigger type read for this page. */
  scannedEvents: number;
  /** Pass as `after` for the next page; null when nothing was read. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export async function dryRunPlaybook(
  database: Database,
  reader: SqlReader,
  playbook: PlaybookDefinition,
  options: { since: Date; after: OutboxCursor | null; first: number; now: Date; scanLimit?: number },
): Promise<DryRunPage> {
  const scanLimit = options.scanLimit ?? DRY_RUN_SCAN_LIMIT;
  const after = options.after ?? { txid: 0n, position: 0n };
  const matches: Match[] = [];
  let scanned = 0;
  let last: OutboxCursor | null = null;
  let hasNextPage = false;
  // Read in chunks until the page is full, the scan limit is reached, or the events run out.
  for (;;) {
    if (matches.length >= options.first || scanned >= scanLimit) {
      hasNextPage = true;
      break;
    }
    const cursor: OutboxCursor = last ?? after;
    const chunk = Math.min(500, scanLimit - scanned);
    const { events } = await readOutbox(reader, {
      after: cursor,
      workspaceId: playbook.workspaceId,
      type: playbook.triggerType,
      since: options.since,
      limit: chunk,
    });
    const found = new Map(
      (
        await matchEvents(database.prisma, [playbook], events, options.now, { respectActiveAfter: false })
      ).map((match) => [match.event.id, match]),
    );
    for (const event of events) {
      if (matches.length >= options.first) {
        // Stopped at the page's last match: the rest of the chunk is the next page.
        return {
          matches,
          scannedEvents: scanned,
          endCursor: last ? encodeCursor(last) : null,
          hasNextPage: true,
        };
      }
      scanned++;
      last = event.cursor;
      const match = found.get(event.id);
      if (match) matches.push(match);
    }
    if (events.length < chunk) break;
  }
  return {
    matches,
    scannedEvents: scanned,
    endCursor: last ? encodeCursor(last) : null,
    hasNextPage,
  };
}
