import axe from "axe-core";
import { expect } from "vitest";

/**
 * Runs axe-core in the real page on one widget (shadow DOM included) with the WCAG 2.0–2.2 A/AA
 * rules and best practices (after any entrance animation), and fails listing every violation. `region` is left out: whether a
 * widget's surroundings are landmarks is the host page's business, not the widget's.
 */
export async function expectNoAxeViolations(context: Element): Promise<void> {
  // Colours are checked at rest, not halfway through a widget's entrance.
  const animations = [context, ...context.querySelectorAll("*")].flatMap(
    (element) => element.shadowRoot?.getAnimations() ?? [],
  );
  await Promise.all(animations.map((animation) => animation.finished));
  const results = await axe.run(context, {
    runOnly: {
      type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    rules: { region: { enabled: false } },
  });
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`,
  );
  expect(violations).toEqual([]);
}
