// Field rules shared by the ingestion inputs, so every fact says "externalId" or "money" the
// same way and fails with the same message.
import { Decimal } from "decimal.js";
import { z } from "zod";

/** The client's own id of a row: matched exactly, so surrounding spaces are refused, not trimmed. */
export const externalId = z
  .string()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters")
  .refine((value) => value.trim() === value, "must not start or end with spaces");

/** Configuration keys (survey, milestone) are short slugs that also appear in URLs and code. */
export const configKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be 1 to 64 lowercase letters, digits, '-' or '_'");

export function text(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(maxLength, `must be at most ${maxLength} characters`);
}

export const email = z.email("must be an email address").max(320, "must be at most 320 characters");

// The DateTime scalar already refuses years before 1970; a date centuries ahead is a unit
// mistake (milliseconds read as seconds) rather than a plan.
const LATEST = new Date("2200-01-01T00:00:00.000Z");
export const instant = z.date().max(LATEST, "must be before 2200");

export function count(max: number) {
  return z
    .number()
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(max, `must be at most ${max}`);
}

/** Session durations, in seconds; longer than 30 days is a clock or unit error. */
export const durationSeconds = count(30 * 24 * 3600);

// Money columns are Decimal(18, 4): 14 digits before the point, 4 after.
const MONEY_LIMIT = new Decimal("1e14");
export const money = z
  .instanceof(Decimal)
  .refine((value) => value.decimalPlaces() <= 4, "must have at most 4 decimal places")
  .refine((value) => value.abs().lt(MONEY_LIMIT), "must be less than 100000000000000 in absolute value");

export const nonNegativeMoney = money.refine((value) => value.gte(0), "must not be negative");
