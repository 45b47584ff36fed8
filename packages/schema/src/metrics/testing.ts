// Helpers for the metric tests only; not part of the public API.
import { expect } from "vitest";
import { type MetricErrorCode, MetricInputError } from "./errors.ts";
import { MILLISECONDS_PER_DAY } from "./period.ts";

export function utc(iso: string): Date {
  return new Date(iso.endsWith("Z") ? iso : `${iso}T00:00:00.000Z`);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MILLISECONDS_PER_DAY);
}

/** Asserts that `run` throws a MetricInputError with this code, and returns it. */
export function expectMetricError(run: () => unknown, code: MetricErrorCode): MetricInputError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MetricInputError);
  const error = thrown as MetricInputError;
  expect(error.code).toBe(code);
  return error;
}
