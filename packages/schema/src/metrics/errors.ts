/** Stable machine-readable codes: clients and the GraphQL layer switch on these, never on messages. */
export type MetricErrorCode =
  /** `to` is not after `from`, or a bound is not a valid date. */
  | "INVALID_PERIOD"
  /** A date is not a valid Date, or two dates are in an impossible order. */
  | "INVALID_DATE"
  /** A score is not an integer on its scale, or a 0–100 value is outside 0–100. */
  | "SCORE_OUT_OF_RANGE"
  /** A count is negative or not an integer, or aggregates contradict each other. */
  | "INVALID_COUNT"
  /** Seats negative or not an integer. */
  | "INVALID_SEATS"
  /** An enum-like value (event kind, priority, rating, outcome) is not one of its known values. */
  | "UNKNOWN_KIND"
  /** A money amount is not a finite decimal, or has the wrong sign for its kind. */
  | "INVALID_AMOUNT"
  /** A duration is negative or not finite. */
  | "INVALID_DURATION"
  /** A workspace setting (gross margin, lifetime cap) is outside its range. */
  | "INVALID_SETTING"
  /** The health-score configuration does not validate. */
  | "INVALID_HEALTH_CONFIG"
  /** A metric target's values or dates are impossible (target equal to baseline, due before start). */
  | "INVALID_TARGET";

export interface MetricErrorIssue {
  /** Dotted path of the offending field, e.g. "components.usage.weight"; "" for the whole input. */
  path: string;
  message: string;
}

/** Thrown by every metric function on invalid input; never thrown for merely empty input. */
export class MetricInputError extends Error {
  override readonly name = "MetricInputError";
  readonly code: MetricErrorCode;
  readonly issues: readonly MetricErrorIssue[];

  constructor(code: MetricErrorCode, message: string, issues: readonly MetricErrorIssue[] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}
