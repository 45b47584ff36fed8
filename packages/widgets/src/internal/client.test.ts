import { afterEach, describe, expect, test, vi } from "vitest";
import {
  PulseRequestError,
  requestGraphQL,
  retryAfterMs,
  submitSurveyResponse,
  WIDGET_BADGE_QUERY,
} from "./client";

const connection = { endpoint: "https://pulse.example/", publishableKey: "pk_live_1" };

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers });
}

async function failure(promise: Promise<unknown>): Promise<PulseRequestError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PulseRequestError);
  return error as PulseRequestError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("requestGraphQL", () => {
  test("POSTs {query, variables} to <endpoint>/graphql with the publishable key and without cookies", async () => {
    const fetch = vi.fn(async () => answer(200, { data: { widgetBadge: { score: 1 } } }));
    vi.stubGlobal("fetch", fetch);
    const data = await requestGraphQL(connection, WIDGET_BADGE_QUERY, { token: "t" });
    expect(data).toEqual({ widgetBadge: { score: 1 } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://pulse.example/graphql");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("omit");
    expect(new Headers(init.headers).get("authorization")).toBe("Bearer pk_live_1");
    expect(new Headers(init.headers).get("content-type")).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual({ query: WIDGET_BADGE_QUERY, variables: { token: "t" } });
  });

  test("a GraphQL error carries its extensions.code; codes a person must fix are not retryable", async () => {
    for (const code of ["INVALID_TOKEN", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND"]) {
      vi.stubGlobal("fetch", async () => answer(200, { errors: [{ message: "no", extensions: { code } }] }));
      const error = await failure(requestGraphQL(connection, "query", {}));
      expect([error.code, error.message, error.retryable]).toEqual([code, "no", false]);
    }
  });

  test("HTTP 429 is RATE_LIMITED and retryable, with Retry-After in seconds or as a date", async () => {
    vi.stubGlobal("fetch", async () =>
      answer(
        429,
        { errors: [{ message: "slow", extensions: { code: "RATE_LIMITED" } }] },
        { "retry-after": "7" },
      ),
    );
    const seconds = await failure(requestGraphQL(connection, "query", {}));
    expect([seconds.code, seconds.retryable, retryAfterMs(seconds)]).toEqual(["RATE_LIMITED", true, 7000]);

    const later = new Date(Date.now() + 60_000).toUTCString();
    vi.stubGlobal("fetch", async () => answer(429, "Too Many Requests", { "retry-after": later }));
    const date = await failure(requestGraphQL(connection, "query", {}));
    expect(date.code).toBe("RATE_LIMITED");
    expect(retryAfterMs(date)).toBeGreaterThan(55_000);
  });

  test("server faults and unreachable servers are retryable", async () => {
    vi.stubGlobal("fetch", async () => answer(502, "<html>Bad gateway</html>"));
    expect(await failure(requestGraphQL(connection, "query", {}))).toMatchObject({
      code: "SERVER_ERROR",
      retryable: true,
    });
    vi.stubGlobal("fetch", async () => answer(200, { errors: [{ message: "Unexpected error." }] }));
    expect(await failure(requestGraphQL(connection, "query", {}))).toMatchObject({
      code: "SERVER_ERROR",
      retryable: true,
    });
    // Pulse is up but its database is not: the answer must be kept and sent again.
    vi.stubGlobal("fetch", async () =>
      answer(
        503,
        {
          errors: [{ message: "The database is unavailable", extensions: { code: "DATABASE_UNAVAILABLE" } }],
        },
        { "retry-after": "2" },
      ),
    );
    const unavailable = await failure(
      submitSurveyResponse(connection, { survey: "s", token: "t", responseId: "resp-0001", score: 9 }),
    );
    expect([unavailable.code, unavailable.retryable, retryAfterMs(unavailable)]).toEqual([
      "DATABASE_UNAVAILABLE",
      true,
      2000,
    ]);
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(await failure(requestGraphQL(connection, "query", {}))).toMatchObject({
      code: "NETWORK_ERROR",
      retryable: true,
    });
  });

  test("an abort is passed through untouched, not reported as a network error", async () => {
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    });
    const controller = new AbortController();
    const pending = requestGraphQL(connection, "query", {}, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("submitSurveyResponse", () => {
  const input = { survey: "nps-main", token: "tok_1", responseId: "resp-0001", score: 9 };
  const receipt = { responseId: "resp-0001", score: 9, comment: null, createdAt: "2026-06-15T10:20:30.456Z" };

  test("POSTs the input itself as JSON to <endpoint>/widgets/v1/responses, not GraphQL", async () => {
    const fetch = vi.fn(async () => answer(200, { data: { submitSurveyResponse: receipt } }));
    vi.stubGlobal("fetch", fetch);
    expect(await submitSurveyResponse(connection, input)).toEqual({ submitSurveyResponse: receipt });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://pulse.example/widgets/v1/responses");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("omit");
    expect(new Headers(init.headers).get("authorization")).toBe("Bearer pk_live_1");
    expect(new Headers(init.headers).get("content-type")).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual(input);
  });

  test("reads the endpoint's refusals (HTTP 4xx with GraphQL's error envelope) by their code", async () => {
    for (const [status, code, retryable] of [
      [400, "BAD_USER_INPUT", false],
      [400, "INVALID_TOKEN", false],
      [403, "FORBIDDEN", false],
      [404, "NOT_FOUND", false],
      [409, "ALREADY_ANSWERED", false],
      [429, "RATE_LIMITED", true],
    ] as const) {
      vi.stubGlobal("fetch", async () =>
        answer(status, { errors: [{ message: "no", extensions: { code } }] }),
      );
      const error = await failure(submitSurveyResponse(connection, input));
      expect([error.code, error.retryable]).toEqual([code, retryable]);
    }
  });
});
