// The operation selection on its own: graphql-js's rules, one reduced document per (document,
// operation name), and only the fragments the selected operation uses.
import { parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { executedOperation, selectOperation } from "./use-operation.ts";

describe("selectOperation", () => {
  const document = parse(`
    query A { ...W accounts(first: 2) { totalCount } }
    query B { __typename ...T }
    fragment W on Query { workspace { slug signingSecret } }
    fragment T on Query { __typename }`);

  it("keeps only the named operation and the fragments it uses", () => {
    const b = selectOperation(document, "B");
    expect(print(b.document)).toBe(
      print(parse(`query B { __typename ...T } fragment T on Query { __typename }`)),
    );
    expect(executedOperation(b).name?.value).toBe("B");
    const a = selectOperation(document, "A");
    expect(print(a.document)).not.toContain("query B");
    expect(print(a.document)).toContain("fragment W");
  });

  it("gives one document object per (document, operation name)", () => {
    expect(selectOperation(document, "A").document).toBe(selectOperation(document, "A").document);
    expect(selectOperation(document, "A").document).not.toBe(selectOperation(document, "B").document);
  });

  it("follows graphql-js: a name is needed with several operations, and must exist", () => {
    expect(() => selectOperation(document, null)).toThrow(
      "Must provide operation name if query contains multiple operations.",
    );
    expect(() => selectOperation(document, "C")).toThrow('Unknown operation named "C".');
    expect(() => selectOperation(parse("fragment F on Query { __typename }"), null)).toThrow(
      "Must provide an operation.",
    );
    const single = parse("{ __typename }");
    expect(selectOperation(single, undefined).document).toBe(single);
  });

  it("refuses to name an operation for a document it did not select", () => {
    expect(() => executedOperation({ document: parse("{ __typename }") })).toThrow(/useOperation/);
  });
});
