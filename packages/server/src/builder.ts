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
import { JSONResolver } from "graphql-scalars";
import type { Context } from "./context.ts";

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
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
    // schema/nodes.ts defines `nodes` (a bounded list, one error per unknown id).
    nodesQueryOptions: false,
  },
  errors: {
    defaultTypes: [],
  },
});

/**
 * A bare date given for a DateTime: UTC midnight of `date`, which a period (schema/period.ts)
 * reads as midnight in the workspace's time zone instead.
 */
export class DateOnly extends Date {
  constructor(readonly date: string) {
    super(`${date}T00:00:00Z`);
  }
}

/** ISO 8601 instants; a bare date ("2026-01-31") means UTC midnight of that day. */
builder.scalarType("DateTime", {
  description:
    'An ISO 8601 date-time in UTC (e.g. "2026-01-31T09:30:00Z"); a bare date means UTC midnight, or in a period midnight in the workspace\'s time zone.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parseDateTime(ast.value);
    throw new GraphQLError("DateTime must be an ISO 8601 string", { extensions: { code: "BAD_USER_INPUT" } });
  },
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseDateTime(value: unknown): Date {
  if (typeof value === "string" && ISO_DATE_TIME.test(value)) {
    const date = value.length === 10 ? new DateOnly(value) : new Date(value);
    // Date() rolls 2026-02-30 over to March; a round trip of the date part catches that.
    if (!Number.isNaN(date.getTime()) && (value.length !== 10 || date.toISOString().startsWith(value))) {
      const year = date.getUTCFullYear();
      if (year >= 1970 && year <= 9999) return date;
    }
  }
  throw new GraphQLError(`"${String(value)}" is not an ISO 8601 date or date-time between 1970 and 9999`, {
    extensions: { code: "BAD_USER_INPUT" },
  });
}
builder.addScalarType("JSON", JSONResolver);

/** Exact decimal numbers (money, rates) as strings, so no precision is lost in JSON. */
builder.scalarType("Decimal", {
  description: 'An exact decimal number, serialized as a string (e.g. "1234.5000").',
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
