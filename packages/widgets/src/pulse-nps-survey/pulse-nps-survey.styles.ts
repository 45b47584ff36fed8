import { css } from "lit";

/**
 * Eleven choices must fit a phone-wide card: they tighten when the card is narrow, and below the
 * width where each would shrink under the 24 px target size of WCAG 2.2, they wrap into two rows
 * (0–5, 6–10). Arrow keys still go 0 → 10, in reading order.
 */
export const npsSurveyStyles = css`
  @container (max-width: 26rem) {
    .scale {
      gap: 0.125rem;
    }
    .choice-face {
      border-radius: 0.375rem;
      font-size: 0.875rem;
    }
  }
  @container (max-width: 20rem) {
    .scale {
      grid-template-columns: repeat(6, minmax(0, 1fr));
      grid-auto-flow: row;
      gap: 0.25rem;
    }
  }
`;
