import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { FakePulseGraphQL, fakeEndpoint, fakePublishableKey } from "../test-support/fake-pulse-graphql";
import { deliver, flushOutbox, isPending, outboxKey } from "./outbox";

const connection = { endpoint: fakeEndpoint, publishableKey: fakePublishableKey };
const storageKey = "pulse-widgets:outbox:v1";
let server: FakePulseGraphQL;

function submission(responseId: string, score: number, comment?: string) {
  return {
    name: "submitSurveyResponse" as const,
    input: { survey: "nps-main", token: "tok_alice", responseId, score, comment },
  };
}

function stored(): Record<string, { attempts: number; notBefore: number; queuedAt: number }> {
  return JSON.parse(localStorage.getItem(storageKey) ?? "{}");
}

beforeEach(() => {
  localStorage.clear();
  server = new FakePulseGraphQL().install();
  server.addSurvey({ key: "nps-main", kind: "NPS" });
});

afterEach(() => {
  server.uninstall();
  localStorage.clear();
});

describe("outbox", () => {
  test("keeps the answer in localStorage while it is being sent, and drops it once stored", async () => {
    server.hold();
    const sending = deliver(connection, submission("r-1", 9));
    expect(isPending("response:r-1")).toBe(true);
    server.release();
    await expect(sending).resolves.toBe("stored");
    expect(isPending("response:r-1")).toBe(false);
    expect(localStorage.getItem(storageKey)).toBeNull();
  });

  test("states of one response reach the server in the order they were made", async () => {
    server.hold();
    const score = deliver(connection, submission("r-2", 6));
    const comment = deliver(connection, submission("r-2", 6, "More exports"));
    // The comment waits for the score request instead of racing it.
    server.release();
    await expect(Promise.all([score, comment])).resolves.toEqual(["stored", "stored"]);
    expect(server.submissions().map((r) => (r.variables.input as { comment?: string }).comment)).toEqual([
      undefined,
      "More exports",
    ]);
    expect(server.responses.get("r-2")).toMatchObject({ comment: "More exports", writes: 2 });
    expect(localStorage.getItem(storageKey)).toBeNull();
  });

  test("a newer state is not lost when an older one finishes after it was queued", async () => {
    server.offline = true;
    await expect(deliver(connection, submission("r-3", 4))).resolves.toBe("queued");
    await expect(deliver(connection, submission("r-3", 4, "Slow"))).resolves.toBe("queued");
    expect(Object.keys(stored())).toEqual(["response:r-3"]);
    server.offline = false;
    await flushOutbox({ ignoreBackoff: true });
    expect(server.submissions()).toHaveLength(1);
    expect(server.responses.get("r-3")).toMatchObject({ score: 4, comment: "Slow" });
  });

  test("backoff grows with each attempt and honours Retry-After", async () => {
    server.offline = true;
    const before = Date.now();
    await deliver(connection, submission("r-4", 8));
    const first = stored()["response:r-4"];
    expect(first.attempts).toBe(1);
    expect(first.notBefore - before).toBeGreaterThanOrEqual(1_600);
    expect(first.notBefore - before).toBeLessThanOrEqual(2_400 + 50);

    await flushOutbox({ ignoreBackoff: true });
    const second = stored()["response:r-4"];
    expect(second.attempts).toBe(2);
    expect(second.notBefore - Date.now()).toBeGreaterThanOrEqual(3_200 - 50);

    server.offline = false;
    server.failNext("rate-limited");
    vi.spyOn(Math, "random").mockReturnValue(0);
    await flushOutbox({ ignoreBackoff: true });
    vi.restoreAllMocks();
    const third = stored()["response:r-4"];
    expect(third.attempts).toBe(3);
    // Backoff says 6.4 s (8 s × 0.8); the server's Retry-After of 1 s is shorter, so backoff wins.
    expect(third.notBefore - Date.now()).toBeGreaterThan(6_000);
  });

  test("a refusal for good is dropped and rejects with the server's error", async () => {
    server.failNext({ code: "INVALID_TOKEN" });
    await expect(deliver(connection, submission("r-5", 7))).rejects.toMatchObject({
      code: "INVALID_TOKEN",
      retryable: false,
    });
    expect(isPending("response:r-5")).toBe(false);
  });

  test("dismissals are keyed per endpoint, survey and token", () => {
    const key = outboxKey(connection, {
      name: "dismissSurvey",
      input: { survey: "nps-main", token: "tok_alice" },
    });
    expect(key).toBe(`dismiss:${fakeEndpoint}|nps-main|tok_alice`);
  });

  test("a new page sends what an earlier page left behind, and forgets answers older than a week", async () => {
    const entry = {
      connection,
      operation: submission("r-6", 10, "Great"),
      revision: 1,
      attempts: 3,
      notBefore: 0,
      queuedAt: Date.now() - 60_000,
    };
    const stale = { ...entry, operation: submission("r-7", 1), queuedAt: Date.now() - 8 * 86_400_000 };
    localStorage.setItem(storageKey, JSON.stringify({ "response:r-6": entry, "response:r-7": stale }));
    // What startOutbox() does once on every new page (ES modules cannot be re-evaluated in one page).
    await flushOutbox({ ignoreBackoff: false });
    await expect.poll(() => server.responses.size).toBe(1);
    expect(server.responses.get("r-6")).toMatchObject({ score: 10, comment: "Great" });
    await expect.poll(() => localStorage.getItem(storageKey)).toBeNull();
  });
});
