const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Row ids are UUIDs; anything else cannot name a row and must not reach the database. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

const NO_ROW = "00000000-0000-0000-0000-000000000000";

/**
 * The unique filter of a Relay node in the caller's workspace. A malformed id selects no row
 * (so node(id) answers NOT_FOUND) instead of reaching the database as an invalid uuid.
 */
export function nodeWhere(id: string, ctx: { workspaceId: string }): { id: string; workspaceId: string } {
  return { id: isUuid(id) ? id : NO_ROW, workspaceId: ctx.workspaceId };
}
