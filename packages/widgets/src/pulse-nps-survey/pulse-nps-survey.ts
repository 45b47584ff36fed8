import { defineElement } from "../internal/pulse-element";
import { surveyCatalog } from "../internal/survey.messages";
import { surveyStyles } from "../internal/survey.styles";
import { type FollowUpBand, SurveyElement } from "../internal/survey-element";
import { themeStyles } from "../internal/theme.styles";
import { npsMessages } from "./pulse-nps-survey.messages";
import { npsSurveyStyles } from "./pulse-nps-survey.styles";

/**
 * Net Promoter Score survey: "How likely are you to recommend us?" from 0 to 10, then an optional
 * comment whose prompt depends on the score (detractors 0–6, passives 7–8, promoters 9–10).
 * Shown only when the server says this contact may be asked (re-ask interval).
 *
 * @summary In-app NPS survey (0–10).
 * @tag pulse-nps-survey
 *
 * @attr endpoint - Base URL of the Pulse server.
 * @attr publishable-key - Publishable key (`pk_…`).
 * @attr token - Token signed by your backend, naming the account and contact.
 * @attr survey - Survey key, e.g. `nps-main`.
 * @attr placement - `inline` (default), `bottom-right`, `bottom-left`, `top-right` or `top-left`.
 * @attr theme - `light` (default), `dark` or `auto`.
 * @attr follow-up - `off` to skip the comment step.
 * @attr submit-on-pick - Send the score as soon as it is clicked or tapped (no Submit button; keyboard: arrows, then Enter).
 * @attr lang - Language of the texts: en, de, fr, es, pt, ja, ar, he built in (default: the page's); also sent to the server, which answers with the survey's question in the best match.
 * @attr text-question - Replaces the question (else the survey's own question from the server).
 * @attr text-low-label - Label of score 0.
 * @attr text-high-label - Label of score 10.
 * @attr text-follow-up-low - Comment prompt after 0–6.
 * @attr text-follow-up-mid - Comment prompt after 7–8.
 * @attr text-follow-up-high - Comment prompt after 9–10.
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
export class PulseNpsSurvey extends SurveyElement {
  static override catalog = surveyCatalog(npsMessages);
  static override styles = [themeStyles, surveyStyles, npsSurveyStyles];

  protected readonly kind = "NPS";
  protected readonly scale = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  protected followUpBand(score: number): FollowUpBand {
    return score <= 6 ? "Low" : score <= 8 ? "Mid" : "High";
  }
}

defineElement("pulse-nps-survey", PulseNpsSurvey);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-nps-survey": PulseNpsSurvey;
  }
}
