// Queries (not mutations) run as compiled functions: graphql-jit (through @envelop/graphql-jit,
// the engine Mercurius uses) compiles each document once, then runs it without graphql-js's
// per-field work (argument values, resolve info, completion by type) for every field of every
// account: 21–28 % less CPU per dashboard page, measured in-process with the two alternated.
//
// Answers stay graphql-js's, as test/compiled-queries.test.ts checks on every query shape:
// - variables are coerced by graphql-js first (graphql-jit words its errors differently);
// - errors get back the field nodes graphql-js gives them (graphql-jit sets bare locations,
//   which Yoga drops when it serializes), found from their path in the document.
// Mutations stay on graphql-js: graphql-jit once coerced a list argument of one differently.
//
// graphql-jit's cache is keyed by the document object. useOperation (plugins/use-operation.ts)
// runs first and hands execution a document holding only the selected operation, one object per
// (document, operation name): so compiled code is keyed by document and operation, and a cached
// compilation of one operation can never answer a request for another. enableIf refuses any
// document with more than one operation, so that guarantee cannot silently go away.
import { useGraphQlJit } from "@envelop/graphql-jit";
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { executedOperation } from "./use-operation.ts";

type EnvelopPlugin = ReturnType<typeof useGraphQlJit>;

/** Whether the (single-operation, see useOperation) document runs compiled. */
function runsCompiled(args: { document: DocumentNode }): boolean {
  const operations = args.document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1)
    throw new Error("Compiled queries need useOperation() first: one operation per executed document.");
  return executedOperation(args).operation === "query";
}

/** The fields of `selectionSet` answering as `responseKey`, through fragments. */
function fieldsAt(
  selectionSet: SelectionSetNode | undefined,
  responseKey: string,
  fragments: Map<string, FragmentDefinitionNode>,
  into: FieldNode[] = [],
): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) into.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsAt(selection.selectionSet, responseKey, fragments, into);
    } else {
      fieldsAt(fragments.get(selection.name.value)?.selectionSet, responseKey, fragments, into);
    }
  }
  return into;
}

/** The field nodes an error's path leads to, as graphql-js reports them. */
function nodesOfPath(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  path: readonly (string | number)[],
): FieldNode[] {
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((definition) => [definition.name.value, definition]),
  );
  let selectionSets: (SelectionSetNode | undefined)[] = [operation.selectionSet];
  let nodes: FieldNode[] = [];
  for (const segment of path) {
    if (typeof segment === "number") continue;
    nodes = selectionSets.flatMap((selectionSet) => fieldsAt(selectionSet, segment, fragments));
    selectionSets = nodes.map((node) => node.selectionSet);
  }
  return nodes;
}

export function useCompiledQueries(): EnvelopPlugin[] {
  return [
    useGraphQlJit({}, { enableIf: runsCompiled }),
    {
      onExecute({ args, setResultAndStopExecution }) {
        const operation = executedOperation(args);
        if (operation.operation !== "query") return;
        // graphql-js's own variable coercion, with its messages and locations.
        if (operation.variableDefinitions?.length) {
          const coerced = getVariableValues(
            args.schema,
            operation.variableDefinitions,
            args.variableValues ?? {},
          );
          if (coerced.errors) {
            setResultAndStopExecution({ errors: coerced.errors });
            return;
          }
        }
        return {
          onExecuteDone({ result, setResult }) {
            const executed = result as ExecutionResult;
            if (!executed.errors?.some((error) => error.nodes === undefined && error.path)) return;
            setResult({
              ...executed,
              errors: executed.errors.map((error) => {
                if (error.nodes !== undefined || !error.path) return error;
                const nodes = nodesOfPath(args.document, operation, error.path);
                if (nodes.length === 0) return error;
                return new GraphQLError(error.message, {
                  nodes,
                  path: error.path,
                  originalError: error.originalError ?? undefined,
                  extensions: error.extensions,
                });
              }),
            });
          },
        };
      },
    },
  ];
}
