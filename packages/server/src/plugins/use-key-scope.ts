// Publishable keys (`pk_…`, embedded in host pages) may only call the widget operations;
// secret keys without the "write" scope may not run mutations; admin keys (`ak_…`) may only
// call the workspace administration operations, which no other key may call. A publishable key
// with a viewer token (a dashboard) may read accounts, figures and events, never write, and never
// the workspace's secrets (its signing secret, its keys). Checked once per operation, before
// execution, from the operation's root fields (and, for viewers, every field it selects).

import {
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { executedOperation } from "./use-operation.ts";

/** Root fields a publishable key may reach. */
export const PUBLISHABLE_ROOT_FIELDS = new Set([
  "__typename",
  "widgetSurvey",
  "widgetBadge",
  "submitSurveyResponse",
  "dismissSurvey",
]);

/** Root fields a viewer token may reach (with its publishable key): reads of its accounts and their figures. */
export const VIEWER_ROOT_FIELDS = new Set([
  "__typename",
  "workspace",
  "account",
  "accounts",
  "node",
  "nodes",
  "portfolio",
  "metricSeries",
  "domainEvents",
]);

/**
 * What no viewer may select, as `Type.field` or a whole `Type`: the workspace's secrets, its
 * automation (playbooks, their firings, webhook endpoints and deliveries) and its configuration
 * history. Each hidden node type also answers no row to a viewer (`hiddenFromViewerNodeWhere`).
 */
export const VIEWER_HIDDEN = new Set([
  "Workspace.signingSecret",
  "Workspace.apiKeys",
  "ApiKey",
  "Playbook",
  "PlaybookFiring",
  "WebhookEndpoint",
  "WebhookDelivery",
  "HealthConfigVersion",
]);

/** The fields (`Type.field`) of the operation a viewer may not see, in document order. */
function hiddenFromViewer(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
): string[] {
  const hidden = new Set<string>();
  for (const node of [operation, ...fragments]) {
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          const type = typeInfo.getType();
          const name = `${parent?.name}.${field.name.value}`;
          if (VIEWER_HIDDEN.has(name)) hidden.add(name);
          if (parent && VIEWER_HIDDEN.has(parent.name)) hidden.add(parent.name);
          const named = type ? getNamedType(type) : null;
          if (named && VIEWER_HIDDEN.has(named.name)) hidden.add(named.name);
        },
      }),
    );
  }
  return [...hidden];
}

/** Root fields of workspace administration: admin keys reach these and nothing else. */
export const ADMIN_ROOT_FIELDS = new Set(["__typename", "createWorkspace", "workspaces", "disableWorkspace"]);

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

/** Throws when the operation's key may not run it (see the top of the file). */
function checkKeyScope(args: Pick<ExecutionArgs, "contextValue" | "document" | "schema">): void {
  const context = args.contextValue as Context;
  const document = args.document as DocumentNode;
  // The operation that runs (useOperation selected it and executes only it).
  const operation = executedOperation(args);
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const rootFields = [...rootFieldNames(operation.selectionSet, fragments, new Set())];
  if (context.auth.kind === "ADMIN") {
    const denied = rootFields.filter((name) => !ADMIN_ROOT_FIELDS.has(name));
    if (denied.length > 0) {
      throw forbidden(
        `An admin key may only create, list and disable workspaces; not allowed: ${denied.join(", ")}.`,
      );
    }
    return;
  }
  const administrative = rootFields.filter((name) => name !== "__typename" && ADMIN_ROOT_FIELDS.has(name));
  if (administrative.length > 0) {
    throw forbidden(
      `Only an admin key (ak_…, made with \`pulse keys create --admin\`) may call ${administrative.join(", ")}.`,
    );
  }
  if (context.viewer) {
    if (operation.operation === "mutation") {
      throw new GraphQLError("A viewer token is read-only: mutations need the secret key, on your backend.", {
        extensions: { code: "VIEWER_READ_ONLY", http: { status: 403 } },
      });
    }
    const denied = rootFields.filter((name) => !VIEWER_ROOT_FIELDS.has(name));
    if (denied.length > 0) {
      throw forbidden(
        `A viewer token may read ${[...VIEWER_ROOT_FIELDS].filter((name) => name !== "__typename").join(", ")}; not allowed: ${denied.join(", ")}.`,
      );
    }
    const hidden = hiddenFromViewer(args.schema, operation, [...fragments.values()]);
    if (hidden.length > 0) {
      throw forbidden(`A viewer token may not read the workspace's secrets: ${hidden.join(", ")}.`);
    }
    return;
  }
  if (context.auth.kind === "PUBLISHABLE") {
    const denied = rootFields.filter((name) => !PUBLISHABLE_ROOT_FIELDS.has(name));
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
