import { css } from "lit";

/** Faces need a taller choice than digits to stay legible and easy to hit. */
export const csatSurveyStyles = css`
  :host([faces]) .choice-face {
    min-height: 3.25em;
  }
  .choice-face svg {
    width: 2.25em;
    height: 2.25em;
  }
`;
