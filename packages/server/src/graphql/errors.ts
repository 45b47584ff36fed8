// Typed errors a client can act on. Mutations list them in `errors: { types: [...] }`, so
// they appear in the schema as `… | ValidationError` results with a stable `code`.
import type { z } from "zod";
import { builder } from "../builder.ts";
import { type FieldProblem, NotFoundError, ValidationError } from "../errors.ts";

// The error classes are the domain's (src/errors.ts); this module gives them their GraphQL types.
export { type FieldProblem, NotFoundError, ValidationError } from "../errors.ts";

const ErrorInterface = builder.interfaceRef<Error & { code: string }>("Error").implement({
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.exposeString("code"),
  }),
});

const FieldProblemRef = builder.objectRef<FieldProblem>("FieldProblem").implement({
  fields: (t) => ({
    path: t.exposeString("path", { description: "Dotted path of the input field, e.g. items.3.score" }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fields: t.field({ type: [FieldProblemRef], resolve: (error) => error.fields }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
});

/** Parses input with a zod schema, turning its issues into one ValidationError. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  throw new ValidationError(
    `Invalid input: ${fields.map((field) => `${field.path || "input"} ${field.message}`).join("; ")}`,
    fields,
  );
}

/** GraphQL gives `null` for omitted optional fields; zod's optional() wants `undefined`. */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}

/**
 * The plugin-planned Prisma query of a field whose result is wrapped by the errors plugin: when
 * the client selects only `__typename`, the plan is an empty `select`, which Prisma rejects.
 */
export function plannedQuery<Query extends { select?: object }>(query: Query): Query | Record<string, never> {
  return query.select && Object.keys(query.select).length === 0 ? {} : query;
}
