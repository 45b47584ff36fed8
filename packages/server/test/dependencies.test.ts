// The install holds one graphql: Pothos, Yoga and the Prisma plugin's generated types must share
// it (a second copy, e.g. GraphiQL's declared graphql 17, becomes a peer elsewhere and breaks the
// server's types and `instanceof` checks at run time).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const lockfile = readFileSync(new URL("../../../pnpm-lock.yaml", import.meta.url), "utf8");

describe("dependencies", () => {
  it("resolve one version of graphql for the whole workspace", () => {
    const versions = new Set(
      [...lockfile.matchAll(/^ {2}graphql@(\d[^:(\s]*):$/gm)].map((match) => match[1]),
    );
    expect([...versions]).toHaveLength(1);
  });

  it("install none of @graphql-yoga/graphiql's bundled dependencies (only its prebuilt files are served)", () => {
    const entry = /^ {2}'@graphql-yoga\/graphiql@[^']+':\s*(\{\}|\n(?: {4}.+\n)*)/m.exec(
      lockfile.slice(lockfile.indexOf("\nsnapshots:")),
    );
    expect(entry?.[1]?.trim()).toBe("{}");
  });
});
