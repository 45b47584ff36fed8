import {
  DEFAULT_TIME_ZONE,
  localMidnight,
  MILLISECONDS_PER_DAY,
  type Period,
  trailingDays,
} from "@pulse/schema/metrics";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";

export const PeriodInput = builder.inputType("PeriodInput", {
  description:
    'A half-open period [from, to). A bare date ("2026-01-01") is midnight in the workspace\'s time zone; an instant ("2026-01-01T00:00:00Z", or with an offset) stays as given.',
  fields: (t) => ({
    from: t.field({ type: "PeriodBound", required: true }),
    to: t.field({ type: "PeriodBound", required: true }),
  }),
});

type PeriodArgument = { from: Date | string; to: Date | string } | null | undefined;

/** A bound as an instant: a bare date (a string) is its first instant in `timeZone` (see calendar.ts). */
function instantOf(bound: Date | string, timeZone: string): Date {
  return typeof bound === "string" ? localMidnight(bound, timeZone) : bound;
}

/** The bounds as instants, unchecked (for callers that check the period their own way). */
export function periodIn(input: { from: Date | string; to: Date | string }, timeZone: string): Period {
  return { from: instantOf(input.from, timeZone), to: instantOf(input.to, timeZone) };
}

/**
 * The requested period, or the trailing `defaultDays` before `now`. Bare dates are midnight in
 * `timeZone` (the workspace's); instants are kept.
 */
export function resolvePeriod(
  input: PeriodArgument,
  now: Date,
  defaultDays: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): Period {
  if (!input) return trailingDays(now, defaultDays);
  const { from, to } = periodIn(input, timeZone);
  if (to.getTime() <= from.getTime()) {
    throw new GraphQLError("`period.to` must be after `period.from`.", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  if (to.getTime() - from.getTime() > 20 * 366 * MILLISECONDS_PER_DAY) {
    throw new GraphQLError("A period may span at most 20 years.", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return { from, to };
}

/**
 * `resolvePeriod` in the request's workspace zone. The settings (which hold the zone) are read
 * only when a bound is a bare date, so a period of instants costs no read.
 */
export async function requestPeriod(
  ctx: Pick<Context, "now" | "settings">,
  input: PeriodArgument,
  defaultDays: number,
): Promise<Period> {
  const needsZone = input != null && (typeof input.from === "string" || typeof input.to === "string");
  const timeZone = needsZone ? (await ctx.settings()).timeZone : DEFAULT_TIME_ZONE;
  return resolvePeriod(input, ctx.now, defaultDays, timeZone);
}
