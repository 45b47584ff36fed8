import { GraphQLError } from "graphql";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Connections answer at most 100 items a page; asking for more is an error, not a silent cut. */
export function assertPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const [name, value] of [
    ["first", args.first],
    ["last", args.last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}; got ${value}.`, {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
  }
}
