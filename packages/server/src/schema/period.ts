import { MILLISECONDS_PER_DAY, type Period, trailingDays } from "@pulse/schema/metrics";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";

export const PeriodInput = builder.inputType("PeriodInput", {
  description: "A half-open period [from, to) in UTC.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", required: true }),
    to: t.field({ type: "DateTime", required: true }),
  }),
});

/** The requested period, or the trailing `defaultDays` before the request's `now`. */
export function resolvePeriod(
  input: { from: Date; to: Date } | null | undefined,
  now: Date,
  defaultDays: number,
): Period {
  if (!input) return trailingDays(now, defaultDays);
  if (input.to.getTime() <= input.from.getTime()) {
    throw new GraphQLError("`period.to` must be after `period.from`.", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  if (input.to.getTime() - input.from.getTime() > 20 * 366 * MILLISECONDS_PER_DAY) {
    throw new GraphQLError("A period may span at most 20 years.", { extensions: { code: "BAD_USER_INPUT" } });
  }
  return { from: input.from, to: input.to };
}
