// Field rules shared by the ingestion inputs, so every fact says "externalId" or "money" the
// same way and fails with the same message.
import { decimalColumn, decimalColumnProblem } from "@pulse/schema";
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

/**
 * A decimal stored in `model.field`: refused when the column would round it (more decimals
 * than its scale) or cannot hold it, with the precision read from the Prisma schema itself.
 */
export function storedDecimal(model: string, field: string) {
  const column = decimalColumn(model, field);
  return z.instanceof(Decimal).superRefine((value, issues) => {
    const problem = decimalColumnProblem(column, value);
    if (problem) issues.addIssue({ code: "custom", message: problem });
  });
}

const notNegative = (value: Decimal) => value.gte(0);

export const mrrDelta = storedDecimal("RevenueEvent", "mrrDelta");
export const contractValue = storedDecimal("Contract", "value").refine(notNegative, "must not be negative");
export const invoiceAmount = storedDecimal("Invoice", "amount").refine(notNegative, "must not be negative");
export const spendAmount = storedDecimal("AcquisitionSpend", "amount").refine(
  notNegative,
  "must not be negative",
);
