// How unexpected errors reach clients: a lost database connection becomes a clear, retryable
// 503 DATABASE_UNAVAILABLE; anything else is masked as "Unexpected error." and logged. And the
// one JSON error envelope every HTTP answer outside GraphQL's execution uses (GraphQL's own).
import { GraphQLError } from "graphql";
import { logger } from "./operations/logger.ts";

const CONNECTION_PROBLEM =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection (is )?closed|terminating connection|server closed the connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database|DatabaseNotReachable|ConnectionClosed|Client has encountered a connection error/i;

/** Whether an error (or one it wraps) says the database could not be reached. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const candidate = error as {
    message?: unknown;
    code?: unknown;
    cause?: unknown;
    originalError?: unknown;
    kind?: unknown;
  };
  if (typeof candidate.message === "string" && CONNECTION_PROBLEM.test(candidate.message)) return true;
  if (
    typeof candidate.code === "string" &&
    /^(ECONNREFUSED|ECONNRESET|57P01|57P02|57P03|08\d\d\d|P1001|P1017)$/.test(candidate.code)
  )
    return true;
  if (typeof candidate.kind === "string" && /DatabaseNotReachable|ConnectionClosed/.test(candidate.kind))
    return true;
  return (
    isDatabaseUnavailable(candidate.cause, depth + 1) ||
    isDatabaseUnavailable(candidate.originalError, depth + 1)
  );
}

/**
 * The JSON body of a refusal: GraphQL's error envelope, `{"errors":[{message,extensions:{code,…}}]}`,
 * so clients of every endpoint parse one format.
 */
export function errorEnvelope(
  message: string,
  code: string,
  extensions: Record<string, unknown> = {},
): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  "The database is unavailable right now; nothing was changed. Retry shortly.";

export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: { code: "DATABASE_UNAVAILABLE", http: { status: 503, headers: { "retry-after": "2" } } },
  });
}

export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (isDatabaseUnavailable(original)) return databaseUnavailableError();
  // Prisma's "record not found" (e.g. node(id) of a row that is not in this workspace).
  if (original && typeof original === "object" && (original as { code?: unknown }).code === "P2025") {
    return new GraphQLError("Not found.", {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: "NOT_FOUND" },
    });
  }
  // Errors we raised on purpose (GraphQLError, located or not) carry their code: keep them.
  if (error instanceof GraphQLError && (!error.originalError || original instanceof GraphQLError))
    return error;
  logger.error("unexpected error in a GraphQL request", { error: original });
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
}

/** One field of an input that was refused, and why (a ValidationError lists them). */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ValidationError extends Error {
  override name = "ValidationError";
  readonly code = "BAD_USER_INPUT";
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
  readonly code = "NOT_FOUND";
}
