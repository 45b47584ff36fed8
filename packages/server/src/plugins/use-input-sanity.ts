// Strings PostgreSQL cannot store faithfully are refused before anything runs: NUL characters
// (text columns reject them) and unpaired UTF-16 surrogates (they would be silently replaced).
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

const INVALID_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string PostgreSQL cannot store faithfully, or null when there is none. */
export function findInvalid(value: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return path;
  if (typeof value === "string") return INVALID_TEXT.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalid(item, `${path}.${index}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = findInvalid(item, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

export function invalidTextMessage(path: string): string {
  return `${path} contains a NUL character or an unpaired surrogate, which cannot be stored.`;
}

export function useInputSanity(): Plugin {
  return {
    onParams({ params }) {
      const invalid = (params.query && INVALID_TEXT.test(params.query) ? "query" : null) ?? findInvalid(params.variables ?? {}, "variables");
      if (invalid) {
        throw new GraphQLError(invalidTextMessage(invalid), {
          extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
        });
      }
    },
  };
}
