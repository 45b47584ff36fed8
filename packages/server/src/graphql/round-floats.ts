// Every Float the API returns (percentages, scores, ratios, trends) is rounded once, here, by the
// one rule of @pulse/schema/metrics (`roundFigure`, 9 decimals): formulas keep exact values for
// bands and rules, and no field can forget to round (77.99999999999999 is never returned).
import { roundFigure } from "@pulse/schema/metrics";
import {
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
} from "graphql";

function roundValue(value: unknown): unknown {
  if (typeof value === "number") return roundFigure(value);
  if (Array.isArray(value)) return value.map(roundValue);
  return value;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Wraps the resolver of every Float field (and list of Floats) of `schema` in place. */
export function roundFloatFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (getNamedType(field.type).name !== "Float") continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const result = resolve(source, args, context, info);
        return isPromiseLike(result) ? Promise.resolve(result).then(roundValue) : roundValue(result);
      };
    }
  }
  return schema;
}
