// Strings PostgreSQL cannot store faithfully (see invalid-text.ts) are refused before anything
// runs, wherever they are written: in the variables, and after parsing in every string literal
// of the document — arguments at any depth (input objects, lists), variables' default values and
// directive arguments — where an escape such as "a\u0000b" becomes a NUL only once parsed.
// The check of the request's parts is the input guard of the request pipeline (auth/guards.ts),
// which the widgets' submission endpoint runs on its JSON body.
import { type ASTVisitor, type DocumentNode, GraphQLError, Kind, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import { inputGuard } from "../auth/guards.ts";
import { invalidTextMessage, isInvalidText } from "../invalid-text.ts";

function badInput(message: string, nodes?: GraphQLError["nodes"]): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
}

/** Where the literal at `path` of `document` stands: `argument input.items.1.name`, `default value of $x`. */
function describeLiteral(document: DocumentNode, path: readonly (string | number)[]): string {
  const names: (string | number)[] = [];
  let where = "a string literal";
  let node: unknown = document;
  for (const [index, key] of path.entries()) {
    const current = node as {
      kind?: string;
      name?: { value: string };
      variable?: { name: { value: string } };
    };
    if (current.kind === Kind.ARGUMENT && current.name) {
      where = "argument";
      names.length = 0;
      names.push(current.name.value);
    } else if (current.kind === Kind.OBJECT_FIELD && current.name) {
      names.push(current.name.value);
    } else if (current.kind === Kind.VARIABLE_DEFINITION && current.variable) {
      where = `default value of $${current.variable.name.value}`;
      names.length = 0;
    } else if (current.kind === Kind.LIST && key === "values" && typeof path[index + 1] === "number") {
      names.push(path[index + 1] as number);
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  return names.length ? `${where} ${names.join(".")}` : where;
}

/** A validation rule: every string literal of the document must be storable text. */
export function StorableStringLiteralsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node, _key, _parent, path) {
      if (isInvalidText(node.value)) {
        context.reportError(
          badInput(invalidTextMessage(describeLiteral(context.getDocument(), path)), [node]),
        );
      }
    },
  };
}

export function useInputSanity(): Plugin {
  return {
    onParams({ params }) {
      const refused = inputGuard({
        query: params.query,
        variables: params.variables ?? {},
        operationName: params.operationName,
      });
      if (refused) throw badInput(refused.message);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(StorableStringLiteralsRule);
    },
  };
}
