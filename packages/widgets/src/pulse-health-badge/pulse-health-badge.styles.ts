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
    --pulse-font-size: 14px;
    --pulse-line-height: 1.5;
    --pulse-badge-width: 320px;
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
    gap: .4em;
    padding: .15em .7em;
    white-space: nowrap;
  }
  .dot {
    width: .6em;
    height: .6em;
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
  .value {
    text-align: end;
  }
  .band {
    text-transform: capitalize;
  }
  .summary .band {
    padding: 0 .6em;
  }
  .detailed {
    max-width: var(--pulse-badge-width);
    padding: 1.1em;
    border: 1px solid var(--pulse-color-border);
    border-radius: var(--pulse-radius);
    color: var(--pulse-color-muted);
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
    gap: .6em;
    margin-top: .3em;
  }
  .detailed .score {
    color: var(--pulse-color-text);
    font-size: 2.3em;
    line-height: 1.1;
  }
  .sparkline {
    display: block;
    width: 100%;
    height: 2.9em;
    margin-top: .6em;
    color: var(--_mark);
  }
  .title {
    margin-top: .9em;
    font-weight: 600;
  }
  ul {
    margin: .4em 0 0;
    padding: 0;
    color: var(--pulse-color-text);
    list-style: none;
  }
  li {
    display: grid;
    grid-template-columns: 1fr 5.7em 2.3em;
    gap: .7em;
    align-items: center;
    margin-top: .4em;
  }
  .bar {
    width: 100%;
    height: .4em;
    fill: color-mix(in srgb, var(--pulse-color-border) 35%, transparent);
  }
  .fill {
    fill: var(--_mark);
  }
  /* Right to left, time runs leftwards and bars fill from the right. */
  svg:dir(rtl) {
    scale: -1 1;
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
