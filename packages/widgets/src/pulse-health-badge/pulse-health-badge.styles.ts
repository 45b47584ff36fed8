import { css } from "lit";
import { themeTokens } from "../internal/theme.styles";

/**
 * The pill and the card. Each band has one colour token (the dot, the line, the bars); its tinted
 * surface and its text are mixed from that colour and the theme's surface and text colours, which
 * keeps text above 4.5:1 in both themes without a token per shade.
 */
export const healthBadgeStyles = [
  themeTokens(
    "--pulse-band-green:#15803d;--pulse-band-yellow:#a16207;--pulse-band-red:#dc2626",
    "--pulse-band-green:#4ade80;--pulse-band-yellow:#facc15;--pulse-band-red:#f87171",
  ),
  css`
  :host {
    --pulse-badge-width: 20rem;
    display: inline-block;
    vertical-align: middle;
  }
  :host([variant="detailed"]) {
    display: block;
  }
  .badge {
    --_mark: var(--pulse-color-border);
  }
  .green {
    --_mark: var(--pulse-band-green);
  }
  .yellow {
    --_mark: var(--pulse-band-yellow);
  }
  .red {
    --_mark: var(--pulse-band-red);
  }
  .pill {
    border: 1px solid var(--_mark);
    border-radius: 999px;
    background: color-mix(in srgb, var(--_mark) 14%, var(--pulse-color-surface));
    color: color-mix(in srgb, var(--_mark) 45%, var(--pulse-color-text));
  }
  .compact {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.125rem 0.625rem;
    font-size: 0.875rem;
    line-height: 1.5;
    white-space: nowrap;
  }
  .dot {
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--_mark);
  }
  .score {
    font-weight: 700;
  }
  .score,
  .value {
    font-variant-numeric: tabular-nums;
  }
  .band {
    text-transform: capitalize;
  }
  .summary .band {
    padding: 0 0.5rem;
  }
  .detailed {
    width: 100%;
    max-width: var(--pulse-badge-width);
    padding: 1rem;
    border: 1px solid var(--pulse-color-border);
    border-radius: var(--pulse-radius);
    color: var(--pulse-color-muted);
    font-size: 0.875rem;
    line-height: 1.4;
  }
  p {
    margin: 0;
  }
  .account {
    color: var(--pulse-color-text);
    font-weight: 600;
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5rem;
    margin-top: 0.25rem;
  }
  .detailed .score {
    color: var(--pulse-color-text);
    font-size: 2rem;
    line-height: 1.1;
  }
  .sparkline {
    display: block;
    width: 100%;
    height: 2.5rem;
    margin-top: 0.5rem;
    color: var(--_mark);
  }
  .title {
    margin-top: 0.75rem;
    font-weight: 600;
  }
  ul {
    margin: 0.375rem 0 0;
    padding: 0;
    color: var(--pulse-color-text);
    list-style: none;
  }
  li {
    display: grid;
    grid-template-columns: 1fr 5rem 2rem;
    gap: 0.625rem;
    align-items: center;
    margin-top: 0.375rem;
  }
  .bar {
    width: 100%;
    height: 0.375rem;
    fill: color-mix(in srgb, var(--pulse-color-border) 35%, transparent);
  }
  .fill {
    fill: var(--_mark);
  }
  .value {
    text-align: end;
  }
  @media (forced-colors: active) {
    .dot {
      forced-color-adjust: none;
      background: CanvasText;
    }
    .fill {
      fill: CanvasText;
    }
  }
`,
];
