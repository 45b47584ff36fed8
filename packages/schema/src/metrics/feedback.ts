import { MetricInputError } from "./errors.ts";
import { assertPercentScale } from "./validate.ts";

/** Survey results of the trailing 90 days feed the feedback component. */
export const FEEDBACK_HEALTH_WINDOW_DAYS = 90;

export interface FeedbackInputs {
  /** NPS score in [−100, 100], or null when no NPS response. */
  nps: number | null;
  /** CSAT share in [0, 100], or null. */
  csat: number | null;
  /** CES average in [1, 7], or null. */
  ces: number | null;
}

/** Mean of the available values of (NPS + 100) / 2, CSAT and (CES − 1) / 6 × 100; null when none. */
export function feedbackHealthComponent(inputs: FeedbackInputs): number | null {
  const values: number[] = [];
  if (inputs.nps !== null) {
    if (!Number.isFinite(inputs.nps) || inputs.nps < -100 || inputs.nps > 100) {
      throw new MetricInputError("SCORE_OUT_OF_RANGE", `nps must be between −100 and 100, got ${inputs.nps}`);
    }
    values.push((inputs.nps + 100) / 2);
  }
  if (inputs.csat !== null) {
    assertPercentScale(inputs.csat, "csat");
    values.push(inputs.csat);
  }
  if (inputs.ces !== null) {
    if (!Number.isFinite(inputs.ces) || inputs.ces < 1 || inputs.ces > 7) {
      throw new MetricInputError("SCORE_OUT_OF_RANGE", `ces must be between 1 and 7, got ${inputs.ces}`);
    }
    values.push(((inputs.ces - 1) * 100) / 6);
  }
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
