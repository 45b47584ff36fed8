import { defineElement } from "../internal/pulse-element";
import { surveyCatalog } from "../internal/survey.messages";
import { surveyStyles } from "../internal/survey.styles";
import { type FollowUpBand, SurveyElement } from "../internal/survey-element";
import { themeStyles } from "../internal/theme.styles";
import { cesMessages } from "./pulse-ces-survey.messages";

/**
 * Customer Effort Score survey: "How easy was it?" from 1 (very difficult) to 7 (very easy), then
 * an optional comment whose prompt depends on the score (1–3, 4, 5–7). Shown only when the server
 * says this contact may be asked (re-ask interval).
 *
 * It has no styles file of its own: seven choices fit the shared survey layout unchanged.
 *
 * @summary In-app CES survey (1–7).
 * @tag pulse-ces-survey
 *
 * @attr endpoint - Base URL of the Pulse server.
 * @attr publishable-key - Publishable key (`pk_…`).
 * @attr token - Token signed by your backend, naming the account and contact.
 * @attr survey - Survey key, e.g. `ces-support`.
 * @attr placement - `inline` (default), `bottom-right`, `bottom-left`, `top-right` or `top-left`.
 * @attr theme - `light` (default), `dark` or `auto`.
 * @attr follow-up - `off` to skip the comment step.
 * @attr submit-on-pick - Send the score as soon as it is clicked or tapped (no Submit button; keyboard: arrows, then Enter).
 * @attr lang - Language of the texts: en, de, fr, es, pt, ja, ar, he built in (default: the page's); also sent to the server, which answers with the survey's question in the best match.
 * @attr text-question - Replaces the question (else the survey's own question from the server).
 * @attr text-low-label - Label of score 1.
 * @attr text-high-label - Label of score 7.
 * @attr text-follow-up-low - Comment prompt after 1–3.
 * @attr text-follow-up-mid - Comment prompt after 4.
 * @attr text-follow-up-high - Comment prompt after 5–7.
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
export class PulseCesSurvey extends SurveyElement {
  static override catalog = surveyCatalog(cesMessages);
  static override styles = [themeStyles, surveyStyles];

  protected readonly kind = "CES";
  protected readonly scale = [1, 2, 3, 4, 5, 6, 7];

  /** 5–7 counts as easy in the CES share, so that is where the "what worked" prompt starts. */
  protected followUpBand(score: number): FollowUpBand {
    return score <= 3 ? "Low" : score === 4 ? "Mid" : "High";
  }
}

defineElement("pulse-ces-survey", PulseCesSurvey);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-ces-survey": PulseCesSurvey;
  }
}
