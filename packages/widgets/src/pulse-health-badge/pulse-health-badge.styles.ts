import { css } from "lit";

const darkBandTokens = css`
  --pulse-band-green: #4ade80;
  --pulse-band-green-surface: #052e16;
  --pulse-band-green-text: #bbf7d0;
  --pulse-band-yellow: #facc15;
  --pulse-band-yellow-surface: #422006;
  --pulse-band-yellow-text: #fef08a;
  --pulse-band-red: #f87171;
  --pulse-band-red-surface: #450a0a;
  --pulse-band-red-text: #fecaca;
`;

/**
 * The pill and the card. Band colours come in three tokens per band: the mark (dot, line, bars),
 * a tinted surface, and text on that surface (at least 4.5:1 on it).
 */
export const healthBadgeStyles = css`
  :host {
    --pulse-band-green: #15803d;
    --pulse-band-green-surface: #dcfce7;
    --pulse-band-green-text: #14532d;
    --pulse-band-yellow: #a16207;
    --pulse-band-yellow-surface: #fef9c3;
    --pulse-band-yellow-text: #713f12;
    --pulse-band-red: #dc2626;
    --pulse-band-red-surface: #fee2e2;
    --pulse-band-red-text: #7f1d1d;
    --pulse-badge-width: 20rem;
    display: inline-block;
    vertical-align: middle;
  }
  :host([variant="detailed"]) {
    display: block;
  }
  :host([theme="dark"]) {
    ${darkBandTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) {
      ${darkBandTokens}
    }
  }
  .badge {
    --_mark: var(--pulse-color-border);
    --_surface: var(--pulse-color-surface);
    --_text: var(--pulse-color-text);
  }
  .green {
    --_mark: var(--pulse-band-green);
    --_surface: var(--pulse-band-green-surface);
    --_text: var(--pulse-band-green-text);
  }
  .yellow {
    --_mark: var(--pulse-band-yellow);
    --_surface: var(--pulse-band-yellow-surface);
    --_text: var(--pulse-band-yellow-text);
  }
  .red {
    --_mark: var(--pulse-band-red);
    --_surface: var(--pulse-band-red-surface);
    --_text: var(--pulse-band-red-text);
  }
  .compact {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.125rem 0.625rem 0.125rem 0.5rem;
    border: 1px solid var(--_mark);
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_text);
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
    font-variant-numeric: tabular-nums;
  }
  .band {
    text-transform: capitalize;
  }
  .loading {
    opacity: 0.75;
  }
  .detailed {
    width: 100%;
    max-width: var(--pulse-badge-width);
    padding: 1rem;
    border: 1px solid var(--pulse-color-border);
    border-radius: var(--pulse-radius);
    font-size: 0.875rem;
    line-height: 1.4;
  }
  p {
    margin: 0;
  }
  .account {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5rem;
    margin-top: 0.25rem;
  }
  .detailed .score {
    font-size: 2rem;
    line-height: 1.1;
  }
  .detailed .band {
    padding: 0 0.5rem;
    border: 1px solid var(--_mark);
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_text);
  }
  .trend,
  .muted {
    color: var(--pulse-color-muted);
  }
  .sparkline {
    display: block;
    width: 100%;
    height: 2.5rem;
    margin-top: 0.5rem;
    color: var(--_mark);
  }
  .components-title {
    margin-top: 0.75rem;
    color: var(--pulse-color-muted);
    font-size: 0.75rem;
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
  }
  ul {
    display: grid;
    gap: 0.375rem;
    margin: 0.375rem 0 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 5rem 2rem;
    gap: 0.625rem;
    align-items: center;
  }
  .bar {
    width: 100%;
    height: 0.375rem;
  }
  .bar .track {
    fill: color-mix(in srgb, var(--pulse-color-border) 35%, transparent);
  }
  .bar .fill {
    fill: var(--_mark);
  }
  .value {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  @media (forced-colors: active) {
    .compact,
    .detailed .band {
      border-color: CanvasText;
    }
    .dot,
    .bar .fill {
      forced-color-adjust: none;
      background: CanvasText;
      fill: CanvasText;
    }
    .sparkline {
      color: CanvasText;
    }
  }
`;
