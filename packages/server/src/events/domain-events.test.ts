import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import {
  churnChanged,
  milestoneAchieved,
  milestoneStalled,
  mrrChanged,
  playbookFired,
  renewalWindowEntered,
  sentimentChanged,
  snapshotEvents,
  surveyResponseReceived,
  taskCompleted,
  taskCreated,
} from "./domain-events.ts";

const ref = { workspaceId: "w", accountId: "a" };
const at = new Date("2026-12-01T10:00:00Z");
const notAtRisk = { atRisk: false, reasons: [] };
const red = { atRisk: true, reasons: [{ code: "HEALTH_RED" as const, message: "Health is RED" }] };

describe("snapshot events", () => {
  const base = { ...ref, snapshotId: "s", occurredAt: at, wasAtRisk: false, risk: notAtRisk };
  it("a band change against the previous snapshot, carrying the snapshot", () => {
    const events = snapshotEvents({ ...base, previousBand: "GREEN", current: { band: "YELLOW", score: 55 } });
    expect(events).toEqual([
      {
        type: "HEALTH_BAND_CHANGED",
        ...ref,
        occurredAt: at,
        snapshotId: "s",
        payload: { from: "GREEN", to: "YELLOW", score: 55 },
      },
    ]);
  });
  it("nothing for the same band, nor for the first snapshot", () => {
    expect(
      snapshotEvents({ ...base, previousBand: "YELLOW", current: { band: "YELLOW", score: 50 } }),
    ).toEqual([]);
    expect(snapshotEvents({ ...base, previousBand: null, current: { band: "RED", score: 20 } })).toEqual([]);
  });
  it("at risk entered with its reasons, left once, and nothing while it stays", () => {
    const entered = snapshotEvents({
      ...base,
      previousBand: "RED",
      current: { band: "RED", score: 20 },
      risk: red,
    });
    expect(entered).toEqual([
      {
        type: "AT_RISK_ENTERED",
        ...ref,
        occurredAt: at,
        snapshotId: "s",
        payload: { reasons: red.reasons, band: "RED", score: 20 },
      },
    ]);
    expect(
      snapshotEvents({
        ...base,
        wasAtRisk: true,
        previousBand: "RED",
        current: { band: "RED", score: 20 },
        risk: red,
      }),
    ).toEqual([]);
    const left = snapshotEvents({
      ...base,
      wasAtRisk: true,
      previousBand: "RED",
      current: { band: "GREEN", score: 80 },
    });
    expect(left.map((event) => event.type)).toEqual(["HEALTH_BAND_CHANGED", "AT_RISK_LEFT"]);
  });
});

describe("ingestion events", () => {
  it("a survey response flags NPS detractors (0–6) only", () => {
    const response = { ...ref, responseId: "r", surveyId: "s", contactId: null, respondedAt: at };
    expect(surveyResponseReceived({ ...response, kind: "NPS", score: 6 }).payload).toMatchObject({
      detractor: true,
      score: 6,
    });
    expect(surveyResponseReceived({ ...response, kind: "NPS", score: 7 }).payload).toMatchObject({
      detractor: false,
    });
    expect(surveyResponseReceived({ ...response, kind: "CSAT", score: 1 }).payload).toMatchObject({
      detractor: false,
      kind: "CSAT",
    });
    expect(surveyResponseReceived({ ...response, kind: "NPS", score: 9 }).dedupeKey).toBe(
      "survey-response:r",
    );
  });
  it("sentiment changes only when the latest rating does", () => {
    const green = { entryId: "e1", rating: "GREEN" as const, recordedAt: at };
    const red2 = { entryId: "e2", rating: "RED" as const, recordedAt: at };
    expect(sentimentChanged({ ...ref, before: null, after: green })[0]?.payload).toEqual({
      from: null,
      to: "GREEN",
      entryId: "e1",
    });
    expect(sentimentChanged({ ...ref, before: green, after: red2 })[0]?.payload).toEqual({
      from: "GREEN",
      to: "RED",
      entryId: "e2",
    });
    expect(sentimentChanged({ ...ref, before: green, after: { ...green, entryId: "e3" } })).toEqual([]);
    expect(sentimentChanged({ ...ref, before: green, after: null })).toEqual([]);
  });
  it("churned when churnedAt is set, reactivated when cleared, nothing otherwise", () => {
    const churned = new Date("2026-11-30T00:00:00Z");
    expect(churnChanged({ ...ref, before: null, after: churned, now: at })[0]).toMatchObject({
      type: "ACCOUNT_CHURNED",
      occurredAt: churned,
    });
    expect(churnChanged({ ...ref, before: churned, after: null, now: at })[0]).toMatchObject({
      type: "ACCOUNT_REACTIVATED",
      occurredAt: at,
    });
    expect(churnChanged({ ...ref, before: churned, after: at, now: at })).toEqual([]);
    expect(churnChanged({ ...ref, before: null, after: null, now: at })).toEqual([]);
  });
  it("MRR changed with from, to and the delta; nothing when equal", () => {
    expect(
      mrrChanged({ ...ref, before: new Decimal("100"), after: new Decimal("150.5"), now: at })[0]?.payload,
    ).toEqual({
      from: "100",
      to: "150.5",
      delta: "50.5",
    });
    expect(mrrChanged({ ...ref, before: new Decimal("100"), after: new Decimal("100.0"), now: at })).toEqual(
      [],
    );
  });
  it("milestone achieved, stalled and renewal window have one dedupe key per change", () => {
    const milestone = { ...ref, milestoneId: "m", milestoneKey: "k" };
    expect(milestoneAchieved({ ...milestone, achievementId: "x", achievedAt: at }).dedupeKey).toBe(
      "milestone-achieved:a:m",
    );
    expect(milestoneStalled({ ...milestone, targetAt: at }).dedupeKey).toBe("milestone-stalled:a:m");
    const renewal = { ...ref, contractId: "c", windowDays: 90, enteredAt: at };
    const first = renewalWindowEntered({ ...renewal, endsAt: new Date("2027-01-01T00:00:00Z") });
    const extended = renewalWindowEntered({ ...renewal, endsAt: new Date("2028-01-01T00:00:00Z") });
    expect(first.dedupeKey).not.toBe(extended.dedupeKey);
    expect(first.payload).toEqual({ contractId: "c", endsAt: "2027-01-01T00:00:00.000Z", windowDays: 90 });
  });
});

describe("task and playbook events", () => {
  const task = { ...ref, id: "t", title: "Call", owner: "dana", dueAt: at, playbookId: null };
  it("a created task once per task, a completion once per completion", () => {
    expect(taskCreated({ ...task, createdAt: at })).toEqual({
      type: "TASK_CREATED",
      ...ref,
      occurredAt: at,
      dedupeKey: "task-created:t",
      payload: { taskId: "t", title: "Call", owner: "dana", dueAt: at.toISOString(), playbookId: null },
    });
    const later = new Date(at.getTime() + 1000);
    expect(taskCompleted({ ...task, completedAt: at }).dedupeKey).not.toBe(
      taskCompleted({ ...task, completedAt: later }).dedupeKey,
    );
  });
  it("a playbook's webhook action carries the endpoint, the firing and the triggering event", () => {
    const event = { type: "SURVEY_RESPONSE_RECEIVED" as const, id: "9-1", payload: { score: 2 } };
    expect(
      playbookFired({
        ...ref,
        firedAt: at,
        webhookEndpointId: "e",
        playbookId: "p",
        playbookName: "Detractors",
        firingId: "f",
        event,
      }),
    ).toEqual({
      type: "PLAYBOOK_FIRED",
      ...ref,
      occurredAt: at,
      dedupeKey: "playbook-fired:f:e",
      payload: { webhookEndpointId: "e", playbookId: "p", playbookName: "Detractors", firingId: "f", event },
    });
  });
});
