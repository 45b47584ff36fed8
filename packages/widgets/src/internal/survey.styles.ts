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
    --pulse-survey-width: 30rem;
    --pulse-z-index: 2147483000;
    display: block;
  }
  .survey {
    position: relative;
    container-type: inline-size;
    width: 100%;
    max-width: var(--pulse-survey-width);
    padding: 1rem 1.25rem 1.25rem;
    border: 1px solid var(--pulse-color-border);
    border-radius: var(--pulse-radius);
    font-size: 1rem;
    line-height: 1.45;
  }
  :host([placement]:not([placement="inline"])) .survey {
    position: fixed;
    z-index: var(--pulse-z-index);
    width: min(var(--pulse-survey-width), calc(100vw - 2rem));
    box-shadow: 0 12px 32px rgb(0 0 0 / 0.2);
  }
  :host([placement^="bottom"]) .survey {
    bottom: 1rem;
  }
  :host([placement^="top"]) .survey {
    top: 1rem;
  }
  :host([placement$="right"]) .survey {
    right: 1rem;
  }
  :host([placement$="left"]) .survey {
    left: 1rem;
  }
  p {
    margin: 0;
  }
  .heading {
    display: block;
    margin: 0 0 0.75rem;
    padding: 0 2rem 0 0;
    font-size: 1.0625rem;
    font-weight: 600;
  }
  .scale {
    display: grid;
    grid-auto-columns: minmax(0, 1fr);
    grid-auto-flow: column;
    gap: 0.25rem;
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
    min-height: 2.5rem;
    border: 1px solid var(--pulse-color-border);
    border-radius: 0.5rem;
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
    gap: 1rem;
    margin-top: 0.375rem;
    color: var(--pulse-color-muted);
    font-size: 0.8125rem;
  }
  .scale-labels span:last-child {
    text-align: end;
  }
  textarea {
    box-sizing: border-box;
    display: block;
    width: 100%;
    min-height: 5rem;
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--pulse-color-border);
    border-radius: 0.5rem;
    background: var(--pulse-color-surface);
    color: var(--pulse-color-text);
    font: inherit;
    resize: vertical;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1rem;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .primary,
  .secondary {
    min-height: 2.5rem;
    padding: 0.5rem 1.125rem;
    border: 1px solid var(--pulse-color-accent);
    border-radius: 0.5rem;
    background: var(--pulse-color-accent);
    color: var(--pulse-color-on-accent);
    font-weight: 600;
  }
  .secondary {
    border-color: var(--pulse-color-border);
    background: transparent;
    color: var(--pulse-color-text);
  }
  .primary:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .dismiss {
    position: absolute;
    top: 0.5rem;
    right: 0.5rem;
    display: grid;
    place-items: center;
    width: 2rem;
    height: 2rem;
    padding: 0;
    border: 0;
    border-radius: 0.375rem;
    background: transparent;
    color: var(--pulse-color-muted);
  }
  .dismiss:hover {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }
  .thanks:focus {
    outline: none;
  }
  .thanks .heading {
    margin-bottom: 0.25rem;
    font-size: 1.125rem;
    font-weight: 700;
  }
  .message {
    margin-top: 0.75rem;
    color: var(--pulse-color-muted);
    font-size: 0.875rem;
  }
  .problem {
    color: var(--pulse-color-danger);
  }
  /* The only motion in the widgets: colour transitions of the choices. */
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
