/**
 * localStorage as one JSON record per key. Storage can be missing or throw (sandboxed iframes,
 * blocked third-party storage, a full quota); the widgets then work without persistence
 * rather than break the host page.
 */
export function readRecord<T>(key: string): Record<string, T> {
  try {
    const text = globalThis.localStorage?.getItem(key);
    const value: unknown = text ? JSON.parse(text) : {};
    return value && typeof value === "object" ? (value as Record<string, T>) : {};
  } catch {
    return {};
  }
}

export function writeRecord<T>(key: string, record: Record<string, T>): void {
  try {
    if (Object.keys(record).length === 0) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, JSON.stringify(record));
  } catch {
    // Persistence is best effort; the in-page attempt still happens.
  }
}
