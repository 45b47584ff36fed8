import { type CSSResult, css, unsafeCSS } from "lit";

/**
 * Custom properties with a light and a dark value: light on `:host`, dark for `theme="dark"` and for
 * `theme="auto"` when the system is dark. Declared on `:host`, so any rule of the host page wins
 * (`pulse-nps-survey { --pulse-color-accent: teal }` just works). Values are written as CSS text.
 */
export function themeTokens(light: string, dark: string): CSSResult {
  return unsafeCSS(
    `:host{${light}}:host([theme=dark]){${dark}}@media (prefers-color-scheme:dark){:host([theme=auto]){${dark}}}`,
  );
}

/**
 * Tokens and rules every widget shares. The light colours reach at least 4.5:1 on the surface
 * (text) and 3:1 (borders); the dark ones likewise on the dark surface.
 */
export const themeStyles = [
  themeTokens(
    "--pulse-color-surface:#fff;--pulse-color-text:#111827;--pulse-color-muted:#4b5563;--pulse-color-border:#6b7280;color-scheme:light",
    "--pulse-color-surface:#111827;--pulse-color-text:#f9fafb;--pulse-color-muted:#d1d5db;--pulse-color-border:#9ca3af;color-scheme:dark",
  ),
  css`
  :host {
    --pulse-font-family: system-ui, sans-serif;
    --pulse-radius: 12px;
  }
  :host([hidden]) {
    display: none !important;
  }
  /*
   * The page's styles stop here: rules like html { font-size: 62.5% } or * { font: 40px … } reach
   * the host element, and inherited ones (letter-spacing, text-transform, line-height, …) would
   * flow in. So the card starts from initial values (\`all\` keeps direction: a right-to-left
   * page gets a mirrored widget) and sizes its text in px (--pulse-font-size) and em, never rem.
   */
  [part~="base"] {
    all: initial;
    display: block;
    box-sizing: border-box;
    font: var(--pulse-font-size)/var(--pulse-line-height) var(--pulse-font-family);
    color: var(--pulse-color-text);
    background: var(--pulse-color-surface);
    color-scheme: inherit;
  }
`,
];
