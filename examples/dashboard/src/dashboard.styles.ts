import { css } from "lit";

export const dashboardStyles = css`
  :host {
    display: block;
    color: #111827;
    font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    --pulse-green: #15803d;
    --pulse-yellow: #a16207;
    --pulse-red: #b91c1c;
    --pulse-grey: #6b7280;
    --pulse-surface: #ffffff;
    --pulse-border: #d1d5db;
    --pulse-accent: #1d4ed8;
  }
  * {
    box-sizing: border-box;
  }
  .dashboard {
    max-width: 1400px;
    margin: 0 auto;
    padding: 16px;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.5rem;
  }
  h3 {
    font-size: 1rem;
    margin: 0 0 0.5rem;
  }
  h4 {
    font-size: 0.95rem;
    margin: 0.75rem 0 0.25rem;
  }
  p {
    margin: 0.25rem 0;
  }
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .muted {
    color: #4b5563;
  }
  .top {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    justify-content: space-between;
    align-items: flex-start;
    margin-bottom: 12px;
  }
  .actions {
    display: flex;
    gap: 12px;
    align-items: center;
    flex-wrap: wrap;
  }
  .live::before {
    content: "";
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin: 0 0.35em 0 0.5em;
    border-radius: 50%;
    background: var(--pulse-green);
  }
  button {
    font: inherit;
    min-height: 44px;
    padding: 0.4rem 0.9rem;
    border: 1px solid var(--pulse-accent);
    border-radius: 6px;
    background: var(--pulse-accent);
    color: #fff;
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.7;
    cursor: progress;
  }
  button:focus-visible {
    outline: 3px solid #f59e0b;
    outline-offset: 2px;
  }
  .notice {
    padding: 0.5rem 0.75rem;
    border-left: 4px solid var(--pulse-yellow);
    background: #fffbeb;
    margin: 0 0 12px;
  }
  .notice.error {
    border-color: var(--pulse-red);
    background: #fef2f2;
  }
  .grid {
    display: grid;
    gap: 16px;
    grid-template-columns: minmax(0, 1fr);
    grid-template-areas: "tiles" "distribution" "at-risk" "trends";
  }
  @media (min-width: 960px) {
    .grid {
      grid-template-columns: minmax(0, 2fr) minmax(0, 1fr);
      grid-template-areas: "tiles tiles" "trends distribution" "trends at-risk";
      align-items: start;
    }
  }
  .tiles {
    grid-area: tiles;
  }
  .distribution {
    grid-area: distribution;
  }
  .at-risk {
    grid-area: at-risk;
  }
  .trends {
    grid-area: trends;
  }
  .card {
    background: var(--pulse-surface);
    border: 1px solid var(--pulse-border);
    border-radius: 8px;
    padding: 14px 16px;
    min-width: 0;
  }
  .tile-list {
    display: grid;
    gap: 12px;
    grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
  }
  .tile {
    display: flex;
    flex-direction: column;
    gap: 2px;
    background: var(--pulse-surface);
    border: 1px solid var(--pulse-border);
    border-radius: 8px;
    padding: 12px 14px;
  }
  .tile-label {
    color: #374151;
    font-size: 0.9rem;
  }
  .tile-value {
    font-size: 1.6rem;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  .bar {
    display: flex;
    height: 18px;
    border-radius: 4px;
    overflow: hidden;
    background: #e5e7eb;
    margin-bottom: 10px;
  }
  .segment {
    flex-basis: 0;
  }
  .legend {
    display: grid;
    gap: 4px;
  }
  .legend li {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .legend strong {
    margin-left: auto;
    font-variant-numeric: tabular-nums;
  }
  .swatch {
    width: 12px;
    height: 12px;
    border-radius: 2px;
  }
  .band-GREEN {
    background: var(--pulse-green);
  }
  .band-YELLOW {
    background: var(--pulse-yellow);
  }
  .band-RED {
    background: var(--pulse-red);
  }
  .band-insufficientData {
    background: #9ca3af;
  }
  .band-noData {
    background: #e5e7eb;
  }
  span.band {
    display: inline-block;
    color: #fff;
    border-radius: 999px;
    padding: 0 0.6em;
    font-size: 0.85rem;
    font-weight: 600;
    white-space: nowrap;
  }
  span.band.band-noData {
    color: #111827;
  }
  .risk-list {
    display: grid;
    gap: 12px;
  }
  .risk-list > li {
    border-top: 1px solid var(--pulse-border);
    padding-top: 10px;
  }
  .risk-list > li:first-child {
    border-top: 0;
    padding-top: 0;
  }
  .risk-head {
    display: flex;
    gap: 8px;
    justify-content: space-between;
    align-items: center;
  }
  .account-link {
    text-align: left;
    background: transparent;
    color: var(--pulse-accent);
    border: 0;
    padding: 0.2rem 0;
    min-height: 44px;
    font-weight: 600;
    text-decoration: underline;
  }
  .reasons {
    list-style: disc;
    padding-left: 1.2rem;
    color: #374151;
    font-size: 0.92rem;
  }
  .charts {
    display: grid;
    gap: 16px;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 300px), 1fr));
  }
  .account {
    margin-bottom: 16px;
    border-color: var(--pulse-accent);
  }
  .account-top {
    display: flex;
    justify-content: space-between;
    gap: 12px;
    flex-wrap: wrap;
    align-items: flex-start;
  }
  .account-top h2 {
    font-size: 1.3rem;
  }
  .account-grid {
    display: grid;
    gap: 20px;
    margin-top: 12px;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr));
  }
  .account-grid > section {
    min-width: 0;
  }
  .facts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(130px, 1fr));
    gap: 8px;
    margin: 0 0 10px;
  }
  .facts dt {
    color: #374151;
    font-size: 0.85rem;
  }
  .facts dd {
    margin: 0;
    font-weight: 600;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    margin-bottom: 10px;
    font-size: 0.92rem;
  }
  th,
  td {
    text-align: left;
    padding: 4px 6px;
    border-bottom: 1px solid #e5e7eb;
  }
  td {
    font-variant-numeric: tabular-nums;
  }
  .responses li {
    padding: 4px 0;
    border-bottom: 1px solid #e5e7eb;
  }
  q {
    display: block;
    color: #374151;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media (forced-colors: active) {
    .segment,
    .swatch,
    span.band {
      forced-color-adjust: none;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
    }
  }
`;
