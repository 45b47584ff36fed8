const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Row ids are UUIDs; anything else cannot name a row and must not reach the database. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
