import { describe, expect, it } from "vitest";
import {
  type MilestoneDefinition,
  milestoneProgress,
  milestonesHealthComponent,
  onboardingCompletionRate,
} from "./milestones.ts";
import { addDays, expectMetricError, utc } from "./testing.ts";

const signedUpAt = utc("2026-01-01");
const milestones: MilestoneDefinition[] = [
  { key: "invite-team", name: "Invite the team", position: 2, targetDays: 14 },
  { key: "connect-data", name: "Connect data", position: 1, targetDays: 7, isFirstValue: true },
  { key: "first-report", name: "First report", position: 3, targetDays: 30 },
  { key: "go-live", position: 4, targetDays: 60 },
];

describe("milestoneProgress", () => {
  it("achieved / defined, stalled when the target day passed, in position order", () => {
    const now = addDays(signedUpAt, 20);
    const result = milestoneProgress({
      milestones,
      achievements: [
        { milestoneKey: "connect-data", achievedAt: addDays(signedUpAt, 9) },
        { milestoneKey: "retired-milestone", achievedAt: addDays(signedUpAt, 1) },
        { milestoneKey: "first-report", achievedAt: addDays(signedUpAt, 25) },
      ],
      signedUpAt,
      now,
    });
    expect(result.defined).toBe(4);
    expect(result.achieved).toBe(1);
    expect(result.progress).toBe(0.25);
    expect(result.stalled).toEqual(["invite-team"]);
    expect(result.milestones.map((m) => [m.key, m.status, m.late])).toEqual([
      ["connect-data", "ACHIEVED", true],
      ["invite-team", "STALLED", false],
      // Achieved only after `now`: not yet achieved as of `now`.
      ["first-report", "PENDING", false],
      ["go-live", "PENDING", false],
    ]);
    expect(result.milestones[1].targetAt).toEqual(addDays(signedUpAt, 14));
    expect(milestonesHealthComponent(result)).toBe(25);
  });

  it("a milestone is stalled from the instant its target day is reached", () => {
    const exactly = milestoneProgress({
      milestones: [milestones[1]],
      achievements: [],
      signedUpAt,
      now: addDays(signedUpAt, 7),
    });
    expect(exactly.stalled).toEqual(["connect-data"]);
    const justBefore = milestoneProgress({
      milestones: [milestones[1]],
      achievements: [],
      signedUpAt,
      now: new Date(addDays(signedUpAt, 7).getTime() - 1),
    });
    expect(justBefore.stalled).toEqual([]);
  });

  it("the earliest of duplicate achievements counts", () => {
    const result = milestoneProgress({
      milestones: [milestones[1]],
      achievements: [
        { milestoneKey: "connect-data", achievedAt: addDays(signedUpAt, 10) },
        { milestoneKey: "connect-data", achievedAt: addDays(signedUpAt, 3) },
      ],
      signedUpAt,
      now: addDays(signedUpAt, 30),
    });
    expect(result.milestones[0]).toMatchObject({ achievedAt: addDays(signedUpAt, 3), late: false });
  });

  it("no milestone defined → progress null, component no data", () => {
    const result = milestoneProgress({ milestones: [], achievements: [], signedUpAt, now: signedUpAt });
    expect(result.progress).toBeNull();
    expect(milestonesHealthComponent(result)).toBeNull();
  });

  it("rejects duplicate keys, negative target days and impossible counts", () => {
    expectMetricError(
      () =>
        milestoneProgress({
          milestones: [milestones[0], milestones[0]],
          achievements: [],
          signedUpAt,
          now: signedUpAt,
        }),
      "INVALID_COUNT",
    );
    expectMetricError(
      () =>
        milestoneProgress({
          milestones: [{ key: "x", targetDays: -1 }],
          achievements: [],
          signedUpAt,
          now: signedUpAt,
        }),
      "INVALID_DURATION",
    );
    expectMetricError(() => milestonesHealthComponent({ achieved: 3, defined: 2 }), "INVALID_COUNT");
  });
});

describe("onboardingCompletionRate", () => {
  const period = { from: utc("2026-01-01"), to: utc("2026-02-01") };
  const keys = milestones.map((m) => m.key);

  it("share of the sign-up cohort that achieved every milestone", () => {
    const result = onboardingCompletionRate({
      milestones,
      period,
      accounts: [
        { signedUpAt: period.from, achievedMilestoneKeys: keys },
        { signedUpAt: utc("2026-01-10"), achievedMilestoneKeys: keys.slice(0, 3) },
        { signedUpAt: utc("2026-01-20"), achievedMilestoneKeys: [...keys, "retired"] },
        { signedUpAt: utc("2026-01-25"), achievedMilestoneKeys: [] },
        { signedUpAt: period.to, achievedMilestoneKeys: keys },
      ],
    });
    expect(result).toEqual({ rate: 50, completed: 2, cohortSize: 4 });
  });

  it("empty cohort or no milestones → null", () => {
    expect(onboardingCompletionRate({ milestones, period, accounts: [] }).rate).toBeNull();
    expect(
      onboardingCompletionRate({
        milestones: [],
        period,
        accounts: [{ signedUpAt: period.from, achievedMilestoneKeys: [] }],
      }),
    ).toEqual({ rate: null, completed: 0, cohortSize: 1 });
  });
});
