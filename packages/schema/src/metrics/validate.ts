import { MetricInputError } from "./errors.ts";

/** Inputs come from SQL and GraphQL, so each function checks them instead of trusting types. */
export function assertValidDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new MetricInputError("INVALID_DATE", `${what} must be a valid Date`);
  }
}

export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MetricInputError("INVALID_COUNT", `${what} must be a non-negative integer, got ${value}`);
  }
}

export function assertSeats(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MetricInputError("INVALID_SEATS", `seats must be a non-negative integer, got ${value}`);
  }
}

/** For string unions coming from outside: a typo must not silently fall into a default branch. */
export function assertKnownKind<Kind extends string>(
  value: string,
  known: readonly Kind[],
  what: string,
): asserts value is Kind {
  if (!(known as readonly string[]).includes(value)) {
    throw new MetricInputError(
      "UNKNOWN_KIND",
      `${what} must be one of ${known.join(", ")}, got ${String(value)}`,
    );
  }
}

/** For values on a 0–100 scale (health components, CSAT share). */
export function assertPercentScale(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new MetricInputError("SCORE_OUT_OF_RANGE", `${what} must be between 0 and 100, got ${value}`);
  }
}
