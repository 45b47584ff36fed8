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
    /** A calendar date ("YYYY-MM-DD", resolved in the workspace's zone) or an instant. */
    PeriodBound: { Input: Date | string; Output: Date };
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

/** ISO 8601 instants; a bare date ("2026-01-31") means UTC midnight of that day. */
builder.scalarType("DateTime", {
  description: 'An ISO 8601 date-time in UTC (e.g. "2026-01-31T09:30:00Z"); a bare date means UTC midnight.',
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
    const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
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
/**
 * A period's bound: a bare date stays the string "YYYY-MM-DD" (schema/period.ts makes it midnight
 * in the workspace's zone; a string, because compiled queries rebuild literal Dates from their
 * time), anything else is a DateTime instant.
 */
builder.scalarType("PeriodBound", {
  description:
    'A calendar date ("2026-01-31": midnight in the workspace\'s time zone) or an ISO 8601 date-time with its offset ("2026-01-31T09:30:00Z", kept as given).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => parsePeriodBound(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return parsePeriodBound(ast.value);
    throw new GraphQLError("A period bound must be an ISO 8601 string", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  },
});

function parsePeriodBound(value: unknown): Date | string {
  const date = parseDateTime(value);
  return typeof value === "string" && value.length === 10 ? value : date;
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
