// Publishable keys (`pk_…`, embedded in host pages) may only call the widget operations;
// secret keys without the "write" scope may not run mutations. Checked once per operation,
// before execution, from the operation's root fields.
import type { Plugin } from "graphql-yoga";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Context } from "../context.ts";

/** Root fields a publishable key may reach. */
export const PUBLISHABLE_ROOT_FIELDS = new Set([
  "__typename",
  "widgetSurvey",
  "widgetBadge",
  "submitSurveyResponse",
  "dismissSurvey",
]);

function rootFieldNames(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  names: Set<string>,
): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      rootFieldNames(selection.selectionSet, fragments, names);
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) rootFieldNames(fragment.selectionSet, fragments, names);
    }
  }
  return names;
}

/** Throws when the operation's key may not run it (publishable keys, read-only secret keys). */
function checkKeyScope(args: {
  contextValue: unknown;
  document: unknown;
  operationName?: string | null;
}): void {
  const context = args.contextValue as Context;
  const document = args.document as DocumentNode;
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (args.operationName == null || definition.name?.value === args.operationName),
  );
  if (!operation) return;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  if (context.auth.kind === "PUBLISHABLE") {
    const denied = [...rootFieldNames(operation.selectionSet, fragments, new Set())].filter(
      (name) => !PUBLISHABLE_ROOT_FIELDS.has(name),
    );
    if (denied.length > 0) {
      throw forbidden(
        `A publishable key may only call the widget operations; not allowed: ${denied.join(", ")}.`,
      );
    }
  } else if (operation.operation === "mutation" && !context.auth.scopes.includes("write")) {
    throw forbidden("This API key is read-only.");
  }
}

export function useKeyScope(): Plugin<Context> {
  return {
    onExecute({ args }) {
      checkKeyScope(args);
    },
    // Subscriptions (domain events) do not pass through onExecute: the same check here.
    onSubscribe({ args }) {
      checkKeyScope(args);
    },
  };
}

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
}
