// The one place that decides which operation of a document a request runs. Every later plugin
// (key scope, idempotency, compiled queries) and the executor itself see a document holding only
// that operation (and the fragments it uses), so the operation that is checked and the one that
// runs cannot differ, whatever each reads of `operationName`. The reduced document is made once
// per (document, operation name) and reused, so caches keyed by document identity (graphql-jit's
// compiled code) are keyed by document and operation by construction.
//
// The rules are graphql-js's: with several operations a name is required; an unknown name is an
// error. Validation (and its cache) still sees the whole document, as the spec requires.
import {
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";

export interface SelectedOperation {
  /** The document as executed: the operation and the fragments it uses, nothing else. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

const reduced = new WeakMap<DocumentNode, Map<string | null, SelectedOperation>>();
const selectedOfDocument = new WeakMap<DocumentNode, SelectedOperation>();

function fragmentsUsedBy(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  used: Set<string>,
): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!used.has(name) && fragment) {
        used.add(name);
        fragmentsUsedBy(fragment.selectionSet, fragments, used);
      }
    } else if (selection.selectionSet) {
      fragmentsUsedBy(selection.selectionSet, fragments, used);
    }
  }
  return used;
}

function requestError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
}

/**
 * The operation `operationName` selects in `document`, by graphql-js's rules, as a document of
 * its own; throws a BAD_REQUEST GraphQLError when none or several match.
 */
export function selectOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): SelectedOperation {
  const name = operationName ?? null;
  let byName = reduced.get(document);
  const known = byName?.get(name);
  if (known) return known;
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  let operation: OperationDefinitionNode | undefined;
  if (name === null) {
    if (operations.length === 0) throw requestError("Must provide an operation.");
    if (operations.length > 1)
      throw requestError("Must provide operation name if query contains multiple operations.");
    operation = operations[0];
  } else {
    operation = operations.find((candidate) => candidate.name?.value === name);
    if (!operation) throw requestError(`Unknown operation named "${name}".`);
  }
  if (!operation) throw requestError("Must provide an operation.");
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((definition) => [definition.name.value, definition]),
  );
  const used = fragmentsUsedBy(operation.selectionSet, fragments, new Set());
  const single: DocumentNode =
    operations.length === 1 && used.size === fragments.size
      ? document
      : {
          kind: Kind.DOCUMENT,
          definitions: [operation, ...[...used].flatMap((fragment) => fragments.get(fragment) ?? [])],
          loc: document.loc,
        };
  const selected = { document: single, operation };
  if (!byName) {
    byName = new Map();
    reduced.set(document, byName);
  }
  byName.set(name, selected);
  selectedOfDocument.set(single, selected);
  return selected;
}

/**
 * The operation a request executes, for plugins that run after `useOperation` (it fails loudly
 * when that plugin did not run: a wiring bug, never a silent fallback to another operation).
 */
export function executedOperation(args: Pick<ExecutionArgs, "document">): OperationDefinitionNode {
  const selected = selectedOfDocument.get(args.document);
  if (!selected)
    throw new Error("useOperation() must come before the plugins that read the executed operation.");
  return selected.operation;
}

/**
 * Selects the operation in `args` itself (Envelop hands the same `args` to every later hook and
 * to the executor), or returns the error to answer with.
 */
function selectInto(args: Pick<ExecutionArgs, "document" | "operationName">): GraphQLError | null {
  let selected: SelectedOperation;
  try {
    selected = selectOperation(args.document, args.operationName);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return error;
  }
  args.document = selected.document;
  args.operationName = selected.operation.name?.value ?? null;
  return null;
}

/** Must be the first plugin with an `onExecute` or `onSubscribe` hook. */
export function useOperation(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = selectInto(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    // Subscriptions take the same path, so what is checked is what streams.
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = selectInto(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
