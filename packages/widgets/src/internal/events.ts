import type { PulseErrorCode, SurveyKind } from "./client";

/** The server operation a failure belongs to. */
export type PulseOperationName = "widgetSurvey" | "widgetBadge" | "submitSurveyResponse" | "dismissSurvey";

/** `pulse-submit`: the person answered (a score, then possibly a comment under the same `responseId`). */
export interface PulseSubmitDetail {
  /** Survey key, as in the `survey` attribute. */
  survey: string;
  kind: SurveyKind;
  responseId: string;
  score: number;
  comment: string | null;
  /** `stored`: the server confirmed it; `queued`: kept in the outbox and sent when the network allows. */
  delivery: "stored" | "queued";
}

/** `pulse-dismiss`: the person closed the survey. */
export interface PulseDismissDetail {
  survey: string;
  kind: SurveyKind;
  /** False: closed without answering, which the server records as a dismissal (re-ask interval applies). */
  answered: boolean;
}

/** `pulse-error`: something the host page may want to log or act on. */
export interface PulseErrorDetail {
  code: PulseErrorCode;
  message: string;
  operation: PulseOperationName | null;
  /** True when the widget keeps retrying by itself. */
  retryable: boolean;
}

/**
 * `pulse-token-expired`: the server refused the token (it expired, or its secret was rotated).
 * Set a fresh `token` on the element in the handler (or soon after), or give the element a
 * `tokenProvider`; the widget then retries what failed.
 */
export interface PulseTokenExpiredDetail {
  operation: PulseOperationName;
}

/** Every event a Pulse widget fires, with its detail type. All bubble and cross shadow roots. */
export interface PulseEventDetails {
  "pulse-submit": PulseSubmitDetail;
  "pulse-dismiss": PulseDismissDetail;
  "pulse-error": PulseErrorDetail;
  "pulse-token-expired": PulseTokenExpiredDetail;
}

declare global {
  interface GlobalEventHandlersEventMap {
    "pulse-submit": CustomEvent<PulseSubmitDetail>;
    "pulse-dismiss": CustomEvent<PulseDismissDetail>;
    "pulse-error": CustomEvent<PulseErrorDetail>;
    "pulse-token-expired": CustomEvent<PulseTokenExpiredDetail>;
  }
}
