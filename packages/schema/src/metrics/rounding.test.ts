import { describe, expect, it } from "vitest";
import { FIGURE_DECIMALS, roundFigure } from "./rounding.ts";

describe("roundFigure", () => {
  it("removes binary noise: 77.99999999999999 → 78, 0.1 + 0.2 → 0.3", () => {
    expect(roundFigure(77.99999999999999)).toBe(78);
    expect(roundFigure(0.1 + 0.2)).toBe(0.3);
    expect(roundFigure((100 * 19) / 22)).toBe(86.363636364);
  });

  it(`keeps ${FIGURE_DECIMALS} decimals, integers and huge values as they are`, () => {
    expect(roundFigure(75.555555555555)).toBe(75.555555556);
    expect(roundFigure(42)).toBe(42);
    expect(roundFigure(-12.3456789012345)).toBe(-12.345678901);
    expect(roundFigure(1e25)).toBe(1e25);
    expect(Object.is(roundFigure(-1e-12), 0)).toBe(true);
    expect(roundFigure(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});
