// The metric registry is the one list of portfolio metrics: the PortfolioMetric enum, the
// Portfolio fields, the account orderings and docs/metrics.md's registry table all follow it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getNamedType, isEnumType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/graphql/index.ts";
import { METRIC_REGISTRY } from "../src/graphql/metric-registry.ts";

const docs = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../../docs/metrics.md"), "utf8");

/** The rows of the table under "## Metric registry": [metric, field, sort key, line]. */
function registryTable(): string[][] {
  const section = docs.split(/^## /m).find((part) => part.startsWith("Metric registry"));
  if (!section) throw new Error('docs/metrics.md has no "## Metric registry" section');
  return section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, "")),
    );
}

describe("metric registry", () => {
  it("is listed, entry by entry, in docs/metrics.md", () => {
    expect(registryTable()).toEqual(
      METRIC_REGISTRY.map((entry) => [
        entry.metric,
        entry.field,
        "sortKey" in entry ? entry.sortKey : "—",
        entry.docs,
      ]),
    );
  });

  it("gives the PortfolioMetric enum its values (sorted by the schema)", () => {
    const metricEnum = schema.getType("PortfolioMetric");
    if (!isEnumType(metricEnum)) throw new Error("PortfolioMetric is not an enum");
    expect(metricEnum.getValues().map((value) => value.name)).toEqual(
      METRIC_REGISTRY.map((entry): string => entry.metric).sort(),
    );
  });

  it("names Portfolio fields that exist, and account orderings that exist", () => {
    const portfolio = schema.getType("Portfolio");
    const order = schema.getType("AccountOrderField");
    if (!isObjectType(portfolio) || !isEnumType(order)) throw new Error("unexpected schema");
    const orderings = order.getValues().map((value) => value.name);
    for (const entry of METRIC_REGISTRY) {
      const [field, subfield] = entry.field.split(".");
      const type = portfolio.getFields()[field ?? ""]?.type;
      expect(type, entry.field).toBeDefined();
      const named = getNamedType(type);
      if (entry.kind === "nested") {
        expect(
          isObjectType(named) && subfield !== undefined && named.getFields()[subfield],
          entry.field,
        ).toBeTruthy();
      } else {
        expect(named?.name, entry.field).toBe(entry.kind === "money" ? "Money" : "Float");
      }
      if ("sortKey" in entry) expect(orderings).toContain(entry.sortKey);
    }
  });
});
