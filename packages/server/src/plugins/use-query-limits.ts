// Limits on what one GraphQL document may ask for, with GraphQL Armor's maintained plugins
// (depth, cost, aliases, directives, tokens, no field suggestions), plus introspection control,
// a cost that counts list sizes (Armor's cost ignores them), and an execution time limit. Each
// refusal is a clear error, before any resolver runs.
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import {
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { executedOperation } from "./use-operation.ts";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  introspection: boolean;
  fieldSuggestions: boolean;
  executionTimeoutMs: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 20_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 5_000,
  introspection: true,
  fieldSuggestions: true,
  executionTimeoutMs: 15_000,
};

function useIntrospection(enabled: boolean): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!enabled) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** Answers with an error once an execution runs longer than the limit (its work is discarded). */
function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                errors: [
                  new GraphQLError(`The operation took longer than ${timeoutMs} ms and was stopped.`, {
                    extensions: { code: "TIMEOUT", http: { status: 503 } },
                  }),
                ],
              }),
            timeoutMs,
          );
        });
        try {
          return await Promise.race([executeFn(args) as Promise<ExecutionResult>, timeout]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

/**
 * The cost of a selection with its lists counted: each field costs 1 plus its selections' cost
 * times how many items it returns — its `first`/`last`, or the length of a list argument (`ids`).
 * Variables are read with their values (or defaults), so a page size sent as `$first` counts.
 */
export function listCost(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string> = new Set(),
): number {
  let cost = 0;
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += listCost(selection.selectionSet, fragments, variables, seen);
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      cost += listCost(fragments.get(name)?.selectionSet, fragments, variables, new Set([...seen, name]));
    } else {
      let items = 1;
      for (const argument of selection.arguments ?? []) {
        const value = argumentValue(argument.value, variables);
        if (
          (argument.name.value === "first" || argument.name.value === "last") &&
          typeof value === "number"
        ) {
          items = Math.max(items, value);
        } else if (Array.isArray(value)) {
          items = Math.max(items, value.length);
        }
      }
      cost += 1 + items * listCost(selection.selectionSet, fragments, variables, seen);
    }
  }
  return cost;
}

function argumentValue(value: ValueNode, variables: Record<string, unknown>): unknown {
  try {
    return valueFromASTUntyped(value, variables);
  } catch {
    return undefined;
  }
}

/** Refuses an operation whose list-counted cost (see listCost) is over `maxCost`, before it runs. */
function useListCostLimit(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = executedOperation(args);
      const variables: Record<string, unknown> = {};
      for (const definition of operation.variableDefinitions ?? []) {
        const name = definition.variable.name.value;
        const given = args.variableValues?.[name];
        variables[name] =
          given !== undefined
            ? given
            : definition.defaultValue
              ? valueFromASTUntyped(definition.defaultValue)
              : undefined;
      }
      const fragments = new Map(
        (args.document as DocumentNode).definitions
          .filter(
            (definition): definition is FragmentDefinitionNode =>
              definition.kind === Kind.FRAGMENT_DEFINITION,
          )
          .map((definition) => [definition.name.value, definition]),
      );
      const cost = listCost(operation.selectionSet, fragments, variables);
      if (cost > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Query cost limit of ${maxCost} exceeded, found ${cost} (lists count by their size: first, last, ids).`,
              {
                extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } },
              },
            ),
          ],
        });
      }
    },
  };
}

export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: limits.maxTokens }) as Plugin,
    maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }) as Plugin,
    maxAliasesPlugin({ n: limits.maxAliases }) as Plugin,
    maxDirectivesPlugin({ n: limits.maxDirectives }) as Plugin,
    costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true }) as Plugin,
    useListCostLimit(limits.maxCost),
    useIntrospection(limits.introspection),
    useExecutionTimeout(limits.executionTimeoutMs),
  ];
  if (!limits.fieldSuggestions) plugins.push(blockFieldSuggestionsPlugin() as Plugin);
  return plugins;
}
