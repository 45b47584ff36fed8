/**
 * Decimals every published percentage, score and ratio is rounded to. Formulas compute exact
 * values (bands and risk rules compare those); only what leaves the API is rounded, so binary
 * noise such as 77.99999999999999 is never shown, while 9 decimals keep every figure a client
 * can reproduce from published counts.
 */
export const FIGURE_DECIMALS = 9;

/**
 * `value` rounded to FIGURE_DECIMALS decimals (from its exact binary value, as `toFixed` does);
 * non-finite values are returned as they are, and -0 becomes 0.
 */
export function roundFigure(value: number): number {
  if (!Number.isFinite(value)) return value;
  // Above 1e21 toFixed switches to exponent notation; such doubles have no decimals anyway.
  if (Math.abs(value) >= 1e21) return value;
  const rounded = Number(value.toFixed(FIGURE_DECIMALS));
  return rounded === 0 ? 0 : rounded;
}
