import { html, type PropertyDeclarations, svg, type TemplateResult } from "lit";
import { defineElement } from "../internal/pulse-element";
import { type SurveyMessages, surveyCatalog } from "../internal/survey.messages";
import { surveyStyles } from "../internal/survey.styles";
import { type FollowUpBand, SurveyElement } from "../internal/survey-element";
import { themeStyles } from "../internal/theme.styles";
import { type CsatScaleMessages, csatMessages } from "./pulse-csat-survey.messages";
import { csatSurveyStyles } from "./pulse-csat-survey.styles";

/** Mouth of each face: open frown (1), frown, flat, smile, open grin (5). The ends are filled so all five differ at a glance. */
const mouths = [
  "M10 24.5q6-8.5 12 0z",
  "M10.5 22.5q5.5-4 11 0",
  "M10.5 21h11",
  "M10.5 19.5q5.5 4 11 0",
  "M9.5 18.5h13q-6.5 9-13 0z",
];

/**
 * Customer Satisfaction survey: "How satisfied are you?" from 1 to 5, shown as numbers or, with
 * the `faces` attribute, as five faces from very dissatisfied to very satisfied. Then an optional
 * comment whose prompt depends on the score (1–2, 3, 4–5). Shown only when the server says this
 * contact may be asked (re-ask interval).
 *
 * @summary In-app CSAT survey (1–5, numbers or faces).
 * @tag pulse-csat-survey
 *
 * @attr endpoint - Base URL of the Pulse server.
 * @attr publishable-key - Publishable key (`pk_…`).
 * @attr token - Token signed by your backend, naming the account and contact.
 * @attr survey - Survey key, e.g. `csat-support`.
 * @attr faces - Show faces instead of numbers.
 * @attr placement - `inline` (default), `bottom-right`, `bottom-left`, `top-right` or `top-left`.
 * @attr theme - `light` (default), `dark` or `auto`.
 * @attr follow-up - `off` to skip the comment step.
 * @attr submit-on-pick - Send the score as soon as it is clicked or tapped (no Submit button; keyboard: arrows, then Enter).
 * @attr lang - Language of the texts: en, de, fr, es, pt, ja, ar, he built in (default: the page's); also sent to the server, which answers with the survey's question in the best match.
 * @attr text-question - Replaces the question (else the survey's own question from the server).
 * @attr text-low-label - Label of score 1.
 * @attr text-dissatisfied - Name of face 2.
 * @attr text-neutral - Name of face 3.
 * @attr text-satisfied - Name of face 4.
 * @attr text-high-label - Label of score 5.
 * @attr text-follow-up-low - Comment prompt after 1–2.
 * @attr text-follow-up-mid - Comment prompt after 3.
 * @attr text-follow-up-high - Comment prompt after 4–5.
 * @attr text-submit - Submit button.
 * @attr text-send - Button sending the comment.
 * @attr text-skip - Button skipping the comment.
 * @attr text-dismiss - Accessible name of the close button.
 * @attr text-choose-score - Shown when submitting without a score.
 * @attr text-thanks-title - Thank-you title.
 * @attr text-thanks-message - Thank-you message.
 * @attr text-queued - Notice that the answer waits for the network (offline).
 * @attr text-queued-server - Notice that the answer waits for the server (it answered 5xx or 429).
 * @attr text-failed - Notice that the server refused the answer.
 */
export class PulseCsatSurvey extends SurveyElement<SurveyMessages & CsatScaleMessages> {
  static override catalog = surveyCatalog(csatMessages);
  static override styles = [themeStyles, surveyStyles, csatSurveyStyles];
  static override properties: PropertyDeclarations = {
    faces: { type: Boolean, reflect: true },
  };

  /** Faces instead of numbers. */
  declare faces: boolean;

  protected readonly kind = "CSAT";
  protected readonly scale = [1, 2, 3, 4, 5];

  constructor() {
    super();
    this.faces = false;
  }

  protected followUpBand(score: number): FollowUpBand {
    return score <= 2 ? "Low" : score === 3 ? "Mid" : "High";
  }

  protected override renderChoice(score: number): TemplateResult {
    if (!this.faces) return super.renderChoice(score);
    const names = [
      this.t("lowLabel"),
      this.t("dissatisfied"),
      this.t("neutral"),
      this.t("satisfied"),
      this.t("highLabel"),
    ];
    return html`${svg`<svg viewBox="0 0 32 32" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="16" cy="16" r="13"/><circle cx="11.5" cy="13" r="1" fill="currentColor"/><circle cx="20.5" cy="13" r="1" fill="currentColor"/><path d=${mouths[score - 1]} fill=${score === 1 || score === 5 ? "currentColor" : "none"}/></svg>`}<span class="visually-hidden">${names[score - 1]}</span>`;
  }
}

defineElement("pulse-csat-survey", PulseCsatSurvey);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-csat-survey": PulseCsatSurvey;
  }
}
