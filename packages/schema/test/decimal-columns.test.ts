import { readFileSync } from "node:fs";
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { decimalColumn, decimalColumnProblem, decimalColumns } from "../src/decimal-columns.ts";

describe("decimal columns of the Prisma schema", () => {
  it("finds every Decimal field with its precision and scale", () => {
    const schema = readFileSync(new URL("../prisma/schema.prisma", import.meta.url), "utf8");
    const declared = schema.match(/\sDecimal\??\s/g)?.length ?? 0;
    expect(decimalColumns()).toHaveLength(declared);
    expect(decimalColumn("Workspace", "grossMargin")).toEqual({
      model: "Workspace",
      field: "grossMargin",
      precision: 6,
      scale: 4,
    });
    expect(decimalColumn("RevenueEvent", "mrrDelta")).toMatchObject({ precision: 18, scale: 4 });
    expect(() => decimalColumn("Workspace", "name")).toThrow(/not a Decimal column/);
  });

  it("refuses what the column would round or overflow", () => {
    const margin = decimalColumn("Workspace", "grossMargin");
    expect(decimalColumnProblem(margin, new Decimal("0.00001"))).toMatch(
      /at most 4 decimal places.*stored as 0\.0000/,
    );
    expect(decimalColumnProblem(margin, new Decimal("0.0001"))).toBeNull();
    expect(decimalColumnProblem(margin, new Decimal("100"))).toMatch(/less than 100/);
    expect(decimalColumnProblem(margin, new Decimal("99.9999"))).toBeNull();
    const money = decimalColumn("Invoice", "amount");
    expect(decimalColumnProblem(money, new Decimal("99999999999999.9999"))).toBeNull();
    expect(decimalColumnProblem(money, new Decimal("100000000000000"))).not.toBeNull();
    expect(decimalColumnProblem(money, new Decimal("1.23456"))).not.toBeNull();
  });
});
