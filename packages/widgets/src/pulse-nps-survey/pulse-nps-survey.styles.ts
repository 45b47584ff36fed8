import { css } from "lit";

/** Eleven choices must fit a phone-wide card, so they tighten when the card is narrow. */
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
`;
