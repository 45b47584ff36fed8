import { css } from "lit";

/** Dark values of the public custom properties, used by `theme="dark"` and by `theme="auto"` at night. */
const darkTokens = css`
  --pulse-color-surface: #111827;
  --pulse-color-text: #f9fafb;
  --pulse-color-muted: #d1d5db;
  --pulse-color-border: #9ca3af;
  --pulse-color-accent: #a5b4fc;
  --pulse-color-on-accent: #111827;
  --pulse-color-focus: #a5b4fc;
  --pulse-color-danger: #fca5a5;
  color-scheme: dark;
`;

/**
 * Tokens and rules every widget shares. Defaults sit on `:host`, where any rule of the host
 * page wins over them, so `pulse-nps-survey { --pulse-color-accent: teal }` just works.
 * The light colours reach at least 4.5:1 on the surface (text) and 3:1 (borders, focus).
 */
export const themeStyles = css`
  :host {
    --pulse-font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
    --pulse-color-surface: #ffffff;
    --pulse-color-text: #111827;
    --pulse-color-muted: #4b5563;
    --pulse-color-border: #6b7280;
    --pulse-color-accent: #4338ca;
    --pulse-color-on-accent: #ffffff;
    --pulse-color-focus: #4338ca;
    --pulse-color-danger: #b91c1c;
    --pulse-radius: 0.75rem;
    color-scheme: light;
  }
  :host([theme="dark"]) {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) {
      ${darkTokens}
    }
  }
  /* High-contrast modes: system colours only, so the user's palette decides. */
  @media (forced-colors: active) {
    :host {
      --pulse-color-surface: Canvas;
      --pulse-color-text: CanvasText;
      --pulse-color-muted: CanvasText;
      --pulse-color-border: CanvasText;
      --pulse-color-accent: Highlight;
      --pulse-color-on-accent: HighlightText;
      --pulse-color-focus: Highlight;
      --pulse-color-danger: CanvasText;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
  :host([hidden]) {
    display: none !important;
  }
  [part~="base"] {
    box-sizing: border-box;
    font-family: var(--pulse-font-family);
    color: var(--pulse-color-text);
    background: var(--pulse-color-surface);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
