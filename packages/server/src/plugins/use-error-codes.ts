// Every error a client receives carries a stable `extensions.code`, including the ones GraphQL
// and Yoga raise themselves (parse, validation, variable coercion, malformed requests), so
// clients switch on codes, never on messages.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

function codeFor(error: GraphQLError): string {
  // GraphQL Armor reports its limits as syntax errors: they deserve their own code.
  if (/limit of [\d.]+ exceeded/.test(error.message)) return "QUERY_TOO_COMPLEX";
  if (/^Syntax Error/.test(error.message)) return "GRAPHQL_PARSE_FAILED";
  if (/^Variable "\$/.test(error.message)) return "BAD_USER_INPUT";
  if (error.locations?.length && !error.path) return "GRAPHQL_VALIDATION_FAILED";
  return "BAD_REQUEST";
}

function withCode(error: GraphQLError): GraphQLError {
  // Yoga may attach the parser's own error (with a piece of the request body): never echo it.
  const { originalError: _internal, ...extensions } = error.extensions ?? {};
  const tooComplex = /limit of [\d.]+ exceeded/.test(error.message);
  if (typeof extensions.code === "string" && !_internal && !tooComplex) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: {
      ...extensions,
      code: typeof extensions.code === "string" && !tooComplex ? extensions.code : codeFor(error),
    },
  });
}

export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== "object" || Symbol.asyncIterator in result)
        return;
      const errors = (result as { errors?: readonly GraphQLError[] }).errors;
      if (!errors?.length) return;
      setResult({
        ...result,
        errors: errors.map((error) => (error instanceof GraphQLError ? withCode(error) : error)),
      });
    },
  };
}
