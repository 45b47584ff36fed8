import { css } from "lit";
import { themeTokens } from "./theme.styles";

/** Layout of every survey: the card, the scale as a row of equal choices, the steps' buttons. */
export const surveyStyles = [
  themeTokens(
    "--pulse-color-accent:#4338ca;--pulse-color-on-accent:#fff;--pulse-color-focus:#4338ca;--pulse-color-danger:#b91c1c",
    "--pulse-color-accent:#a5b4fc;--pulse-color-on-accent:#111827;--pulse-color-focus:#a5b4fc;--pulse-color-danger:#fca5a5",
  ),
  css`
  :host {
    --pulse-font-size: 16px;
    --pulse-line-height: 1.45;
    --pulse-survey-width: 480px;
    --pulse-z-index: 2147483000;
    display: block;
  }
  .survey {
    position: relative;
    container-type: inline-size;
    width: 100%;
    max-width: var(--pulse-survey-width);
    padding: 1em 1.25em 1.25em;
    border: 1px solid var(--pulse-color-border);
    border-radius: var(--pulse-radius);
    animation: enter 0.2s ease-out;
  }
  @keyframes enter {
    from {
      opacity: 0;
      translate: 0 0.5em;
    }
  }
  :host([placement]:not([placement="inline"])) .survey {
    --_edge: 1em;
    position: fixed;
    z-index: var(--pulse-z-index);
    width: min(var(--pulse-survey-width), calc(100vw - 2em));
    box-shadow: 0 12px 32px rgb(0 0 0 / 0.2);
  }
  :host([placement^="bottom"]) .survey {
    bottom: var(--_edge);
  }
  :host([placement^="top"]) .survey {
    top: var(--_edge);
  }
  /* Logical corners: -end (alias -right) is the right on a left-to-right page, the left on a right-to-left one. */
  :host([placement$="end"]) .survey,
  :host([placement$="right"]) .survey {
    inset-inline-end: var(--_edge);
  }
  :host([placement$="start"]) .survey,
  :host([placement$="left"]) .survey {
    inset-inline-start: var(--_edge);
  }
  p {
    margin: 0;
  }
  .heading {
    display: block;
    margin: 0 0 0.75em;
    font-size: 1.0625em;
    font-weight: 600;
  }
  .scale {
    display: grid;
    grid-auto-columns: minmax(0, 1fr);
    grid-auto-flow: column;
    gap: 0.25em;
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
  .choice {
    position: relative;
    display: block;
  }
  /* The real radio stays on top (invisible) so clicks, arrow keys and screen readers use the native group. */
  .choice input {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    margin: 0;
    opacity: 0;
    cursor: pointer;
  }
  .choice-face {
    display: flex;
    align-items: center;
    justify-content: center;
    min-height: 2.5em;
    border: 1px solid var(--pulse-color-border);
    border-radius: 0.5em;
    background: var(--pulse-color-surface);
    font-variant-numeric: tabular-nums;
    transition: background-color 0.12s, color 0.12s;
  }
  .choice input:hover + .choice-face {
    border-color: var(--pulse-color-accent);
    box-shadow: inset 0 0 0 1px var(--pulse-color-accent);
  }
  .choice input:checked + .choice-face {
    border-color: var(--pulse-color-accent);
    background: var(--pulse-color-accent);
    color: var(--pulse-color-on-accent);
    font-weight: 700;
  }
  .choice input:focus-visible + .choice-face,
  button:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--pulse-color-focus);
    outline-offset: 2px;
  }
  .scale-labels {
    display: flex;
    justify-content: space-between;
    gap: 1em;
    margin-top: 0.375em;
    color: var(--pulse-color-muted);
    font-size: 0.8125em;
  }
  .scale-labels span:last-child {
    text-align: end;
  }
  textarea {
    box-sizing: border-box;
    display: block;
    width: 100%;
    min-height: 5em;
    padding: 0.5em 0.625em;
    border: 1px solid var(--pulse-color-border);
    border-radius: 0.5em;
    background: var(--pulse-color-surface);
    color: var(--pulse-color-text);
    font: inherit;
    resize: vertical;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5em;
    margin-top: 1em;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .primary,
  .secondary {
    min-height: 2.5em;
    padding: 0.5em 1.125em;
    border: 1px solid var(--pulse-color-accent);
    border-radius: 0.5em;
    background: var(--pulse-color-accent);
    color: var(--pulse-color-on-accent);
    font-weight: 600;
  }
  .secondary {
    border-color: var(--pulse-color-border);
    background: transparent;
    color: var(--pulse-color-text);
  }
  .primary[aria-disabled="true"] {
    opacity: 0.6;
    cursor: progress;
  }
  /* Floated, so only the heading's first line makes room for it. */
  .dismiss {
    float: inline-end;
    margin: -0.5em 0 0;
    margin-inline: 0.5em -0.75em;
    display: grid;
    place-items: center;
    width: 2em;
    height: 2em;
    padding: 0;
    border: 0;
    border-radius: 0.375em;
    background: transparent;
    color: var(--pulse-color-muted);
  }
  .dismiss:hover {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  .thanks .heading {
    margin-bottom: 0.25em;
    font-size: 1.125em;
    font-weight: 700;
  }
  .message {
    margin-top: 0.75em;
    color: var(--pulse-color-muted);
    font-size: 0.875em;
  }
  .problem {
    color: var(--pulse-color-danger);
  }
  /* A phone: a compact sheet along the edge, the whole width less a small margin (after the rules it overrides). */
  @media (max-width: 480px) {
    :host([placement]:not([placement="inline"])) .survey {
      --_edge: 0.5em;
      inset-inline: var(--_edge);
      width: auto;
      padding: 0.75em 1em;
    }
    .heading {
      font-size: 1em;
    }
    .choice-face {
      min-height: 2em;
    }
  }
  /* The only motion in the widgets: the card's entrance and colour transitions of the choices. */
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
  @media (forced-colors: active) {
    /* Accent colours become plain system buttons; the chosen score keeps the selection colours. */
    .primary {
      border-color: ButtonText;
      background: ButtonFace;
      color: ButtonText;
    }
    .choice input:checked + .choice-face {
      forced-color-adjust: none;
      border-color: Highlight;
      background: Highlight;
      color: HighlightText;
    }
  }
`,
];
