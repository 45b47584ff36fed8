// The typed `graphql()` of this example: gql.tada reads the documents at typecheck time against
// the introspection types written from packages/server/schema.graphql (src/graphql-env.d.ts, made
// by `gql.tada generate output` in the typecheck script), so a field the schema does not have is
// a type error, with no generated code committed.
import { initGraphQLTada } from "gql.tada";
import type { introspection } from "./graphql-env.d.ts";

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: {
    DateTime: string;
    Decimal: string;
    JSON: unknown;
  };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from "gql.tada";
export { readFragment } from "gql.tada";
