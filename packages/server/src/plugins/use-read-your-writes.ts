// A request that runs a mutation reads from the primary from then on (with DATABASE_READ_URL, the
// other reads go to a streaming replica, which may lag): what a mutation answers, and what it reads
// to decide, includes its own writes. The operation is graphql-js's own choice for the request.
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";

export function useReadYourWrites(): Plugin<Context> {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation === "mutation") {
        (args.contextValue as Context).readFromPrimary();
      }
    },
  };
}
