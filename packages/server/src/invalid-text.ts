// Text PostgreSQL cannot store faithfully: NUL characters (text columns reject them) and unpaired
// UTF-16 surrogates (they would be silently replaced). Every way text enters the server checks
// it with this one rule: GraphQL string literals and variables, JSON bodies, token claims.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is refused.
const INVALID_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isInvalidText(text: string): boolean {
  return INVALID_TEXT.test(text);
}

/** The path of the first string of `value` (at any depth) that cannot be stored, or null. */
export function findInvalid(value: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return path;
  if (typeof value === "string") return isInvalidText(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalid(item, `${path}.${index}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (isInvalidText(key)) return path ? `${path}.<key>` : "<key>";
      const found = findInvalid(item, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

export function invalidTextMessage(path: string): string {
  return `${path} contains a NUL character or an unpaired surrogate, which cannot be stored.`;
}
