/**
 * The widgets' whole conversation with a Pulse server, authenticated by a publishable key (`pk_…`):
 * survey answers go to `${endpoint}/widgets/v1/responses` (a small endpoint for the busiest write),
 * and loading a survey, dismissing it and the badge are GraphQL operations at `${endpoint}/graphql`.
 * Both answer in GraphQL's envelope (`data`, or `errors` with `extensions.code`). The signed
 * `token` names the account and contact; the widgets pass it through unchanged and never look inside.
 */

/** Where and as whom a widget talks to Pulse. */
export interface PulseConnection {
  /** Base URL of the Pulse server, e.g. `https://pulse.example.com`; `/graphql` (or `/widgets/v1/…`) is appended. */
  endpoint: string;
  /** Publishable key (`pk_…`): may only load a survey, answer it and read a badge. */
  publishableKey: string;
}

export type SurveyKind = "NPS" | "CSAT" | "CES";
export type HealthBand = "GREEN" | "YELLOW" | "RED";

export interface WidgetSurvey {
  id: string;
  key: string;
  kind: SurveyKind;
  /** The locale the server picked for the texts: the page's, its language, or the survey's default. */
  locale: string;
  question: string;
  followUpQuestion: string | null;
  reaskIntervalDays: number;
  /** False when this contact answered or dismissed the survey within the re-ask interval. */
  shouldAsk: boolean;
}

export interface WidgetBadgeComponent {
  key: string;
  label: string;
  value: number | null;
  weight: number;
  used: boolean;
}

export interface WidgetBadgePoint {
  /** YYYY-MM-DD */
  day: string;
  score: number;
}

export interface WidgetBadge {
  accountName: string;
  /** Null (with `band`) when the account has no health data yet. */
  score: number | null;
  band: HealthBand | null;
  /** Score now minus the score about 30 days ago; null without an old enough snapshot. */
  trend: number | null;
  components: WidgetBadgeComponent[];
  /** Daily snapshots of the last 90 days, oldest first (the server reads them in day order). */
  history: WidgetBadgePoint[];
}

export interface SubmitSurveyResponseInput {
  survey: string;
  token: string;
  /** Created by the widget on the first answer and reused for the comment and every retry. */
  responseId: string;
  score: number;
  comment?: string | null;
}

export interface DismissSurveyInput {
  survey: string;
  token: string;
}

export interface SurveyResponseReceipt {
  responseId: string;
  score: number;
  comment: string | null;
  createdAt: string;
}

// Operations are written on one line each: they ship inside every widget, byte for byte.
export const WIDGET_SURVEY_QUERY =
  "query PulseWidgetSurvey($survey:String!,$token:String!,$locale:String){widgetSurvey(survey:$survey,token:$token,locale:$locale){id key kind locale question followUpQuestion reaskIntervalDays shouldAsk}}";

export const WIDGET_BADGE_QUERY =
  "query PulseWidgetBadge($token:String!){widgetBadge(token:$token){accountName score band trend components{key label value weight used}history{day score}}}";

export const GRAPHQL_PATH = "/graphql";

/** Where survey answers are POSTed (the `SubmitSurveyResponseInput` as JSON), instead of GraphQL. */
export const SURVEY_RESPONSES_PATH = "/widgets/v1/responses";

export const DISMISS_SURVEY_MUTATION =
  "mutation PulseDismissSurvey($input:DismissSurveyInput!){dismissSurvey(input:$input)}";

/**
 * Codes a widget reports in `pulse-error`. The first five come from the server's
 * `errors[].extensions.code`; the others describe failures before or around the server
 * (`HTTP_404` and the like: an HTTP error without a GraphQL error, e.g. a wrong endpoint).
 * Unknown server codes are passed through as they are.
 */
export type PulseErrorCode =
  | "RATE_LIMITED"
  | "INVALID_TOKEN"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "NETWORK_ERROR"
  | "SERVER_ERROR"
  | `HTTP_${number}`
  | "MISSING_CONFIGURATION"
  | "WRONG_SURVEY_KIND"
  | (string & {});

/**
 * Failures that may go away by themselves, so a submission is kept and sent again later: the
 * server is busy or unreachable, or up without its database.
 */
const transientCodes = new Set<PulseErrorCode>([
  "RATE_LIMITED",
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "INTERNAL_SERVER_ERROR",
  "DATABASE_UNAVAILABLE",
]);

export class PulseRequestError extends Error {
  declare readonly code: PulseErrorCode;
  /** The HTTP `Retry-After` header as sent (seconds or a date); see {@link retryAfterMs}. */
  declare readonly retryAfter?: string | null;
  /**
   * Whether it may go away by itself: a transient code, or any 5xx answer whatever its code
   * (`status`, 0 when no answer came): a server fault is not the person's to fix.
   */
  declare readonly retryable: boolean;

  constructor(code: PulseErrorCode, message: string, retryAfter?: string | null, status = 0) {
    super(message);
    this.code = code;
    this.retryAfter = retryAfter;
    this.retryable = transientCodes.has(code) || status >= 500;
  }
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Sends one GraphQL operation; see {@link requestPulse}. */
export function requestGraphQL<TData>(
  connection: PulseConnection,
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<TData> {
  return requestPulse(connection, GRAPHQL_PATH, { query, variables }, signal);
}

/**
 * Reads a widget's data (the survey, the badge) over GraphQL. When the server refuses it for the
 * moment and says when to come back (429 RATE_LIMITED, or a 5xx, with `Retry-After`), waits that
 * long (at most a minute) and tries again, up to three times; then the last error is thrown.
 * An abort through `signal` ends it: the next try rejects with the browser's AbortError.
 */
export async function loadGraphQL<TData>(
  connection: PulseConnection,
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<TData> {
  for (let retry = 0; ; retry++) {
    try {
      return await requestGraphQL<TData>(connection, query, variables, signal);
    } catch (error) {
      const wait = retry < 3 && error instanceof PulseRequestError && error.retryable && retryAfterMs(error);
      if (wait === undefined || wait === false) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
    }
  }
}

/** Stores a survey answer through the submission endpoint; resolves with the server's receipt. */
export function submitSurveyResponse(
  connection: PulseConnection,
  input: SubmitSurveyResponseInput,
): Promise<{ submitSurveyResponse: SurveyResponseReceipt }> {
  return requestPulse(connection, SURVEY_RESPONSES_PATH, input);
}

/**
 * POSTs `body` as JSON to `path` of the server and returns the answer's `data`, or throws a
 * {@link PulseRequestError}. An abort through `signal` rethrows the browser's AbortError untouched.
 */
export async function requestPulse<TData>(
  connection: PulseConnection,
  path: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<TData> {
  let response: Response;
  try {
    response = await fetch(connection.endpoint.replace(/\/+$/, "") + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${connection.publishableKey}` },
      body: JSON.stringify(body),
      // The publishable key authenticates; cookies of the host page must not ride along.
      credentials: "omit",
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new PulseRequestError("NETWORK_ERROR", "Network error");
  }
  const retryAfter = response.headers.get("retry-after");
  let answer: GraphQLResponse<TData> | undefined;
  try {
    answer = (await response.json()) as GraphQLResponse<TData>;
  } catch {
    answer = undefined;
  }
  const [firstError] = answer?.errors ?? [];
  if (firstError) {
    throw new PulseRequestError(
      firstError.extensions?.code ?? codeForStatus(response.status),
      firstError.message,
      retryAfter,
      response.status,
    );
  }
  if (!response.ok || !answer?.data) {
    throw new PulseRequestError(
      codeForStatus(response.status),
      `HTTP ${response.status}`,
      retryAfter,
      response.status,
    );
  }
  return answer.data;
}

/**
 * For answers without a GraphQL error code. The server puts its codes (INVALID_TOKEN, FORBIDDEN, …)
 * in `errors[].extensions.code`, so a bare status only says "slow down", "server fault", or which HTTP status.
 */
function codeForStatus(status: number): PulseErrorCode {
  if (status === 429) return "RATE_LIMITED";
  // A 200 carrying neither data nor a coded error is a server fault too.
  return status >= 500 || status < 300 ? "SERVER_ERROR" : `HTTP_${status}`;
}

/**
 * How long the server asked to wait, in milliseconds. `Retry-After` is either delay-seconds or an
 * HTTP date. Parsed here, not in requestPulse, so widgets that never retry do not ship it.
 */
export function retryAfterMs({ retryAfter: header }: PulseRequestError): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Any failure as a PulseRequestError, so events always carry a code. */
export function toRequestError(error: unknown): PulseRequestError {
  if (error instanceof PulseRequestError) return error;
  return new PulseRequestError("SERVER_ERROR", error instanceof Error ? error.message : String(error));
}

/** A refused token: expired on a long-lived page, or signed with a since rotated secret. */
export function isTokenRefusal(error: unknown): boolean {
  const { code } = toRequestError(error);
  return code === "INVALID_TOKEN" || code === "TOKEN_EXPIRED";
}
