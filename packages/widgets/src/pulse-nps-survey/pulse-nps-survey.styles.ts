import { css } from "lit";

/**
 * Eleven choices in one row: they tighten when the card is narrow, down to the width where each
 * would shrink under the 24 px target size of WCAG 2.2 (11 × 24 px and 10 gaps: 17.75em at 16 px).
 * Narrower still, a deliberate two-row grid: 0–5 above, 6–10 below ending under 5, so both end
 * labels sit under their ends (0's column and 10's). Arrow keys still go 0 → 10, in reading order.
 */
export const npsSurveyStyles = css`
  @container (max-width: 26em) {
    .scale {
      gap: 0.125em;
    }
    .choice-face {
      border-radius: 0.375em;
      font-size: 0.875em;
    }
  }
  @container (max-width: 17.75em) {
    .scale {
      grid-template-columns: repeat(6, minmax(0, 1fr));
      grid-auto-flow: row;
      gap: 0.25em;
    }
    .choice:nth-child(7) {
      grid-column-start: 2;
    }
  }
`;
