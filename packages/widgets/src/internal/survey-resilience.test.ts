import { describe, expect, onTestFinished, test, vi } from "vitest";
import { page } from "vitest/browser";
import "../pulse-nps-survey/pulse-nps-survey";
import {
  events,
  fakePulseForEachTest,
  mount,
  mountAskingSurvey,
  surveyAttributes,
} from "../test-support/fixtures";
import { flushOutbox } from "./outbox";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({ key: "nps-main", kind: "NPS", question: "How likely?" });
});

async function answer(score: number): Promise<void> {
  await page.getByRole("radio", { name: new RegExp(`^${score}\\b`) }).click();
  await page.getByRole("button", { name: "Submit" }).click();
}

function notice(survey: HTMLElement): string {
  return survey.shadowRoot?.querySelector("[part~=message]")?.textContent?.trim() ?? "";
}

describe("errors as a person would want them", () => {
  test("Pulse's own 500 INTERNAL_SERVER_ERROR is kept and retried like any 5xx, and the notice says the server is not answering", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      "follow-up": "off",
    });
    const submitted = events("pulse-submit");
    server.failNext({ code: "INTERNAL_SERVER_ERROR", message: "Unexpected error." });
    await answer(6);
    await expect.poll(() => survey.status).toBe("thanks");
    expect(submitted.map((detail) => detail.delivery)).toEqual(["queued"]);
    await expect.poll(() => notice(survey)).toMatch(/server is not answering.*saved.*resent/);
    expect(notice(survey)).not.toMatch(/offline|could not be sent/);
    await flushOutbox({ ignoreBackoff: true });
    expect(server.submissions()).toHaveLength(2);
    expect([...server.responses.values()]).toMatchObject([{ score: 6, writes: 1 }]);
    await expect.poll(() => notice(survey)).toBe("");
  });

  test("offline, the notice says offline", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      "follow-up": "off",
    });
    server.offline = true;
    await answer(9);
    await expect.poll(() => notice(survey)).toMatch(/offline/);
  });

  test("ALREADY_ANSWERED (answered in another tab) thanks instead of asking to try again", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    const errors = events("pulse-error");
    server.failNext({ code: "ALREADY_ANSWERED", message: "This contact answered or dismissed the survey." });
    await answer(8);
    await expect.poll(() => survey.status).toBe("thanks");
    expect(notice(survey)).toBe("");
    expect(errors).toMatchObject([{ code: "ALREADY_ANSWERED", retryable: false }]);
    // Not asked again on this device either.
    const again = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    expect(again.status).toBe("hidden");
  });
});

describe("refused loads", () => {
  test("a 429 load is retried after its Retry-After, and a few times at most", async () => {
    server.failNext({ rateLimited: "0" }, { rateLimited: "0" });
    const survey = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => survey.status).toBe("rating");
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(3);

    const errors = events("pulse-error");
    server.failNext(...Array.from({ length: 5 }, () => ({ rateLimited: "0" })));
    const refused = await mount("pulse-nps-survey", surveyAttributes("nps-main", "tok_bob"));
    await expect.poll(() => refused.status).toBe("hidden");
    // The first try and three retries.
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(3 + 4);
    expect(errors).toMatchObject([{ code: "RATE_LIMITED", operation: "widgetSurvey" }]);
  });

  test("waits as long as Retry-After says, and not at all without one", async () => {
    server.failNext({ rateLimited: "1" });
    const started = Date.now();
    const survey = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => survey.status).toBe("rating");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    server.failNext({ rateLimited: null });
    const once = await mount("pulse-nps-survey", surveyAttributes("nps-main", "tok_bob"));
    await expect.poll(() => once.status).toBe("hidden");
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(2 + 1);
  });
});

describe("long-lived pages: a fresh token", () => {
  test("an answer refused for its token fires pulse-token-expired, takes the provider's token and is sent again under the same id", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    const expired = events("pulse-token-expired");
    const errors = events("pulse-error");
    const provider = vi.fn(async () => "tok_alice_fresh");
    survey.tokenProvider = provider;
    server.failNext({ code: "INVALID_TOKEN", message: "The token has expired." });
    await answer(9);
    await expect.poll(() => survey.status).toBe("comment");
    expect(expired).toEqual([{ operation: "submitSurveyResponse" }]);
    expect(provider).toHaveBeenCalledTimes(1);
    const [refused, resent] = server
      .submissions()
      .map((request) => request.variables.input as Record<string, unknown>);
    expect(refused.token).toBe("tok_alice");
    expect(resent).toMatchObject({ token: "tok_alice_fresh", responseId: refused.responseId, score: 9 });
    expect(survey.token).toBe("tok_alice_fresh");
    expect(errors).toEqual([]);
    // The renewed token continues the survey: no reload.
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(1);
  });

  test("a page may answer the event by setting token, also when loading", async () => {
    const fresh = (event: Event) => {
      (event.target as HTMLElement & { token?: string }).token = "tok_alice_2";
    };
    document.addEventListener("pulse-token-expired", fresh);
    onTestFinished(() => document.removeEventListener("pulse-token-expired", fresh));
    server.failNext({ code: "INVALID_TOKEN" });
    const survey = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => survey.status).toBe("rating");
    expect(server.operations("PulseWidgetSurvey").map((request) => request.variables.token)).toEqual([
      "tok_alice",
      "tok_alice_2",
    ]);
  });

  test("an answer that waited offline and meets an expired token is sent again with a fresh one", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      "follow-up": "off",
    });
    survey.tokenProvider = async () => "tok_alice_later";
    server.offline = true;
    await answer(10);
    await expect.poll(() => survey.status).toBe("thanks");
    server.offline = false;
    server.failNext({ code: "INVALID_TOKEN", message: "The token has expired." });
    await flushOutbox({ ignoreBackoff: true });
    await expect.poll(() => server.responses.size).toBe(1);
    expect([...server.responses.values()]).toMatchObject([
      { score: 10, token: "tok_alice_later", writes: 1 },
    ]);
  });

  test("without a fresh token the refusal is reported as before", async () => {
    const errors = events("pulse-error");
    const expired = events("pulse-token-expired");
    server.failNext({ code: "INVALID_TOKEN" });
    const survey = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => survey.status).toBe("hidden");
    expect(expired).toHaveLength(1);
    expect(errors).toMatchObject([{ code: "INVALID_TOKEN" }]);
  });
});

describe("a page on an origin the workspace does not allow", () => {
  test("is told in the console, with the origin and the call that allows it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const message = `Origin ${location.origin} is not allowed for this workspace's publishable key. Allow it with the secret key: mutation { setAllowedOrigins(input: { origins: ["${location.origin}", …] }) { __typename } }`;
    server.failNext({ code: "ORIGIN_NOT_ALLOWED", message });
    const errors = events("pulse-error");
    const survey = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => survey.status).toBe("hidden");
    expect(errors).toMatchObject([{ code: "ORIGIN_NOT_ALLOWED" }]);
    expect(warn).toHaveBeenCalledWith(`Pulse: ${message}`);
  });
});
