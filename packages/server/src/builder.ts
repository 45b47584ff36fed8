// The SchemaBuilder, its plugins and scalars. It defines no object types: each domain file in
// ./schema adds its own.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import type PrismaTypes from "@pulse/schema/pothos-types";
import { getDatamodel } from "@pulse/schema/pothos-types";
import { Decimal } from "decimal.js";
import { GraphQLError, Kind } from "graphql";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import type { Context } from "./context.ts";

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Decimal: { Input: Decimal; Output: Decimal | string | number | { toString(): string } };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ErrorsPlugin, RelayPlugin, PrismaPlugin],
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
  },
  errors: {
    defaultTypes: [],
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("JSON", JSONResolver);

/** Exact decimal numbers (money, rates) as strings, so no precision is lost in JSON. */
builder.scalarType("Decimal", {
  description: "An exact decimal number, serialized as a string (e.g. \"1234.5000\").",
  serialize: (value) => new Decimal(value.toString()).toString(),
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) {
      return parseDecimal(ast.value);
    }
    throw new GraphQLError("Decimal must be a string or number literal", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  },
});

function parseDecimal(value: unknown): Decimal {
  if ((typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) || typeof value === "number") {
    const decimal = new Decimal(value);
    if (decimal.isFinite()) return decimal;
  }
  throw new GraphQLError(`"${String(value)}" is not a decimal number`, {
    extensions: { code: "BAD_USER_INPUT" },
  });
}

builder.queryType({});
builder.mutationType({});
