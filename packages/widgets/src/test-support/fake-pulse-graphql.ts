/**
 * TEST ONLY — a fake of the Pulse server's widget operations, answering the widgets' `fetch` calls
 * inside the test page: the GraphQL operations at `/graphql` (survey, dismissal, badge) and survey
 * answers at `/widgets/v1/responses`. It follows the contract the widgets are written against
 * (upsert on `responseId`, `shouldAsk` false within the re-ask interval after an answer or a
 * dismissal, the endpoint's HTTP statuses) so the component tests can assert what arrived and how
 * often. It takes answers only at the endpoint, so a widget sending them elsewhere fails its tests.
 * It proves nothing about the real server; the end-to-end tests against the real server live in
 * the repository's `test/` folder.
 */
import {
  GRAPHQL_PATH,
  SURVEY_RESPONSES_PATH,
  type SurveyKind,
  type SurveyResponseReceipt,
  type WidgetBadge,
  type WidgetSurvey,
} from "../internal/client";

export const fakeEndpoint = "https://pulse.fake.test";
export const fakePublishableKey = "pk_test_widgets";

/** A survey as the workspace configured it: texts in its default locale, and translations. */
export type FakeSurvey = Omit<WidgetSurvey, "shouldAsk" | "locale"> & {
  defaultLocale: string;
  translations: { locale: string; question: string; followUpQuestion: string | null }[];
};

export interface ReceivedRequest {
  /** The GraphQL operation's name, or {@link SUBMISSION} for an answer sent to the endpoint. */
  operationName: string;
  variables: Record<string, unknown>;
  authorization: string | null;
}

export interface StoredResponse extends SurveyResponseReceipt {
  survey: string;
  token: string;
  /** How many submissions this response absorbed (first answer, comment, retries). */
  writes: number;
}

/**
 * What happens to the next request: `offline` never reaches the server; `lost-ack` is processed
 * and then the connection drops, so the widget sees a network error for a stored answer.
 */
export type Fault =
  | "offline"
  | "lost-ack"
  | "server-error"
  | "rate-limited"
  /** 429 with this Retry-After header (or none, when null). */
  | { rateLimited: string | null }
  /** 503 DATABASE_UNAVAILABLE with this Retry-After header (or none, when null). */
  | { unavailable: string | null }
  /** A refusal with this code (and message, else the code), at the code's HTTP status on the endpoint. */
  | { code: string; message?: string };

/** How {@link FakePulseGraphQL.received} names a POST to the submission endpoint (its body is `variables.input`). */
export const SUBMISSION = "POST /widgets/v1/responses";

const scoreRanges: Record<SurveyKind, [number, number]> = { NPS: [0, 10], CSAT: [1, 5], CES: [1, 7] };
/** The endpoint's HTTP status for each refusal (GraphQL answers them with 200). */
const submissionStatus: Record<string, number> = {
  BAD_USER_INPUT: 400,
  INVALID_TOKEN: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  INTERNAL_SERVER_ERROR: 500,
  NOT_FOUND: 404,
  ALREADY_ANSWERED: 409,
  CONFLICT: 409,
  DATABASE_UNAVAILABLE: 503,
};
const dayMs = 24 * 60 * 60_000;

export class FakePulseGraphQL {
  /** Requests that reached the fake server, in order. */
  readonly received: ReceivedRequest[] = [];
  /** Requests that failed before reaching it (offline). */
  unreachable = 0;
  readonly responses = new Map<string, StoredResponse>();
  readonly dismissals: { survey: string; token: string; at: number }[] = [];
  readonly surveys = new Map<string, FakeSurvey>();
  /** Badges by token. */
  readonly badges = new Map<string, WidgetBadge>();
  /** While true, every request fails as if the browser had no network. */
  offline = false;

  private faults: Fault[] = [];
  private held: (() => void)[] = [];
  private holding = false;
  private originalFetch?: typeof fetch;
  private target: Window & typeof globalThis = window;

  /**
   * Routes `fetch` to `${fakeEndpoint}/graphql` and `${fakeEndpoint}/widgets/v1/responses` here;
   * other URLs go to the real fetch. `target` may be another same-origin window, e.g. an iframe
   * holding a page under test.
   */
  install(target: Window & typeof globalThis = window): this {
    this.target = target;
    this.originalFetch = target.fetch;
    const passThrough = this.originalFetch.bind(target);
    target.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === fakeEndpoint + GRAPHQL_PATH) return this.handle(init, false);
      if (url === fakeEndpoint + SURVEY_RESPONSES_PATH) return this.handle(init, true);
      return passThrough(input, init);
    };
    return this;
  }

  uninstall(): void {
    if (this.originalFetch) this.target.fetch = this.originalFetch;
  }

  addSurvey(survey: Partial<FakeSurvey> & Pick<FakeSurvey, "key" | "kind">): void {
    this.surveys.set(survey.key, {
      id: `survey-${survey.key}`,
      question: `Question of ${survey.key}`,
      followUpQuestion: null,
      reaskIntervalDays: 90,
      defaultLocale: "en",
      translations: [],
      ...survey,
    });
  }

  /** Forgets everything received and configured, as a new fake would. */
  reset(): void {
    this.received.length = 0;
    this.unreachable = 0;
    this.responses.clear();
    this.dismissals.length = 0;
    this.surveys.clear();
    this.badges.clear();
    this.offline = false;
    this.faults = [];
    this.release();
  }

  /** The next requests meet these faults, one each. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Requests wait (for loading-state tests) until `release()`. */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const resume of this.held.splice(0)) resume();
  }

  operations(name: string): ReceivedRequest[] {
    return this.received.filter((request) => request.operationName === name);
  }

  /** The answers POSTed to the submission endpoint, in order. */
  submissions(): ReceivedRequest[] {
    return this.operations(SUBMISSION);
  }

  private async handle(init: RequestInit | undefined, submission: boolean): Promise<Response> {
    if (this.holding) await new Promise<void>((resume) => this.held.push(resume));
    const fault = this.faults.shift() ?? (this.offline ? "offline" : undefined);
    if (fault === "offline") {
      this.unreachable++;
      throw new TypeError("Failed to fetch");
    }
    const headers = new Headers(init?.headers);
    if (init?.method !== "POST" || headers.get("content-type") !== "application/json") {
      return json(submission ? 415 : 400, { errors: [{ message: "Send JSON with POST." }] });
    }
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    const operationName = submission
      ? SUBMISSION
      : (/^\s*(?:query|mutation)\s+(\w+)/.exec(String(body.query))?.[1] ?? "anonymous");
    const variables = (submission ? { input: body } : body.variables) as Record<string, unknown>;
    this.received.push({ operationName, variables, authorization: headers.get("authorization") });

    if (fault === "server-error") return json(500, { errors: [{ message: "Unexpected error." }] });
    if (fault === "rate-limited") {
      return json(
        429,
        { errors: [{ message: "Slow down.", extensions: { code: "RATE_LIMITED" } }] },
        { "retry-after": "1" },
      );
    }
    if (typeof fault === "object" && "rateLimited" in fault) {
      const retryAfter: Record<string, string> =
        fault.rateLimited === null ? {} : { "retry-after": fault.rateLimited };
      return json(
        429,
        { errors: [{ message: "Slow down.", extensions: { code: "RATE_LIMITED" } }] },
        retryAfter,
      );
    }
    if (typeof fault === "object" && "unavailable" in fault) {
      return json(
        503,
        {
          errors: [
            { message: "The database is not answering.", extensions: { code: "DATABASE_UNAVAILABLE" } },
          ],
        },
        fault.unavailable === null ? {} : { "retry-after": fault.unavailable },
      );
    }
    if (typeof fault === "object") return failure(fault.code, fault.message ?? fault.code, submission);

    const result = this.execute(operationName, variables, headers.get("authorization"));
    if (fault === "lost-ack") throw new TypeError("Failed to fetch");
    return result;
  }

  private execute(
    operationName: string,
    variables: Record<string, unknown>,
    authorization: string | null,
  ): Response {
    const submission = operationName === SUBMISSION;
    if (!authorization?.startsWith("Bearer pk_"))
      return failure("FORBIDDEN", "A publishable key is required.", submission);
    const input = (variables.input ?? variables) as Record<string, unknown>;
    const token = String(input.token);
    if (!token.startsWith("tok_")) return failure("INVALID_TOKEN", "The token is not valid.", submission);

    if (operationName === "PulseWidgetBadge") {
      const badge = this.badges.get(token);
      return badge ? json(200, { data: { widgetBadge: badge } }) : failure("NOT_FOUND", "No such account.");
    }
    const survey = this.surveys.get(String(input.survey));
    if (!survey) return failure("NOT_FOUND", "No such survey.", submission);

    if (operationName === "PulseWidgetSurvey") {
      const { defaultLocale, translations, ...stored } = survey;
      const texts = bestTranslation(survey, typeof input.locale === "string" ? input.locale : undefined);
      return json(200, {
        data: { widgetSurvey: { ...stored, ...texts, shouldAsk: this.shouldAsk(survey, token) } },
      });
    }
    if (operationName === "PulseDismissSurvey") {
      this.dismissals.push({ survey: survey.key, token, at: Date.now() });
      return json(200, { data: { dismissSurvey: true } });
    }
    if (submission) {
      const score = input.score;
      const [lowest, highest] = scoreRanges[survey.kind];
      if (typeof score !== "number" || !Number.isInteger(score) || score < lowest || score > highest) {
        return failure("BAD_USER_INPUT", `Score must be ${lowest}–${highest}.`, true);
      }
      const responseId = String(input.responseId);
      const previous = this.responses.get(responseId);
      const stored: StoredResponse = {
        responseId,
        survey: survey.key,
        token,
        score,
        // An update without a comment keeps the one already stored.
        comment: typeof input.comment === "string" ? input.comment : (previous?.comment ?? null),
        createdAt: previous?.createdAt ?? new Date().toISOString(),
        writes: (previous?.writes ?? 0) + 1,
      };
      this.responses.set(responseId, stored);
      const { survey: _survey, token: _token, writes: _writes, ...receipt } = stored;
      return json(200, { data: { submitSurveyResponse: receipt } });
    }
    return failure("BAD_USER_INPUT", `Unknown operation ${operationName}.`);
  }

  private shouldAsk(survey: FakeSurvey, token: string): boolean {
    const since = Date.now() - survey.reaskIntervalDays * dayMs;
    const answered = [...this.responses.values()].some(
      (response) =>
        response.survey === survey.key && response.token === token && Date.parse(response.createdAt) > since,
    );
    const dismissed = this.dismissals.some(
      (d) => d.survey === survey.key && d.token === token && d.at > since,
    );
    return !answered && !dismissed;
  }
}

/** The server's rule: the exact locale, then its language alone, then another region of it, then the default. */
function bestTranslation(
  survey: FakeSurvey,
  requested: string | undefined,
): { locale: string; question: string; followUpQuestion: string | null } {
  const own = {
    locale: survey.defaultLocale,
    question: survey.question,
    followUpQuestion: survey.followUpQuestion,
  };
  const all = [own, ...survey.translations];
  const wanted = requested?.toLowerCase() ?? "";
  const language = wanted.split("-")[0];
  return (
    all.find((texts) => texts.locale.toLowerCase() === wanted) ??
    all.find((texts) => texts.locale.toLowerCase() === language) ??
    all.find((texts) => texts.locale.toLowerCase().split("-")[0] === language) ??
    own
  );
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A refusal: GraphQL answers it with 200, the submission endpoint with the code's HTTP status. */
function failure(code: string, message: string, submission = false): Response {
  return json(submission ? (submissionStatus[code] ?? 400) : 200, {
    errors: [{ message, extensions: { code } }],
  });
}
