// Ingestion of milestone achievements, one per account and milestone: sending one again
// changes nothing, a new achievedAt updates it. Achieving the first-value milestone sets the
// account's firstValueAt (earliest achievement wins) in the same transaction.
import { z } from "zod";
import { builder } from "../../builder.ts";
import { milestoneAchieved } from "../../events/domain-events.ts";
import { externalId, instant } from "../../ingest/fields.ts";
import { applyFirstValue } from "../../ingest/first-value.ts";
import { upsertRows } from "../../ingest/upsert.ts";
import { addIngestionMutations } from "./ingestion.ts";

const MilestoneAchievementInput = builder.inputType("MilestoneAchievementInput", {
  description: "An account reaching a milestone.",
  fields: (t) => ({
    accountExternalId: t.string({ required: true }),
    milestone: t.string({ required: true, description: "The milestone's key." }),
    achievedAt: t.field({
      type: "DateTime",
      required: true,
      description: "Not before the account's signedUpAt.",
    }),
  }),
});

const milestoneAchievementSchema = z.object({
  accountExternalId: externalId,
  // Only a reference: whether such a milestone exists is what the resolver reports.
  milestone: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  achievedAt: instant,
});

function achievementKey(accountId: string, milestoneId: string): string {
  return `${accountId}/${milestoneId}`;
}

addIngestionMutations({
  single: "upsertMilestoneAchievement",
  batch: "upsertMilestoneAchievements",
  item: MilestoneAchievementInput,
  batchInput: "UpsertMilestoneAchievementsInput",
  description:
    "Records that an account achieved a milestone, or updates when (one achievement per account and milestone).",
  spec: {
    typename: "MilestoneAchievement",
    schema: milestoneAchievementSchema,
    batchKey: (achievement) => ({
      field: "milestone",
      value: JSON.stringify([achievement.accountExternalId, achievement.milestone]),
    }),
    check({ input, refs, at }, problems) {
      // Milestone targets and time to first value count days from sign-up.
      if (input.achievedAt < refs.account.signedUpAt) {
        problems.add(
          at("achievedAt"),
          `must not be before the account's signedUpAt (${refs.account.signedUpAt.toISOString()})`,
        );
      }
    },
    async write({ tx, workspaceId, events }, items) {
      // The product of the two id lists is a superset of the pairs; the map picks the pairs.
      const candidates = await tx.milestoneAchievement.findMany({
        where: {
          workspaceId,
          accountId: { in: [...new Set(items.map((item) => item.refs.account.id))] },
          milestoneId: { in: [...new Set(items.map((item) => item.refs.milestone.id))] },
        },
      });
      const stored = new Map(candidates.map((row) => [achievementKey(row.accountId, row.milestoneId), row]));
      const rows = await upsertRows(tx.milestoneAchievement, items, {
        existing: ({ refs }) => stored.get(achievementKey(refs.account.id, refs.milestone.id)),
        data: ({ input, refs }) => ({
          workspaceId,
          accountId: refs.account.id,
          milestoneId: refs.milestone.id,
          achievedAt: input.achievedAt,
        }),
        accountOf: (achievement) => achievement.accountId,
      });
      for (const [index, row] of rows.entries()) {
        const item = items[index];
        if (row.outcome !== "CREATED" || !item) continue;
        events.push(
          milestoneAchieved({
            workspaceId,
            accountId: item.refs.account.id,
            achievementId: row.id,
            milestoneId: item.refs.milestone.id,
            milestoneKey: item.refs.milestone.key,
            achievedAt: item.input.achievedAt,
          }),
        );
      }
      const reachedFirstValue = items
        .filter((item, index) => item.refs.milestone.isFirstValue && rows[index]?.outcome !== "UNCHANGED")
        .map((item) => item.refs.account.id);
      if (reachedFirstValue.length > 0)
        await applyFirstValue(tx, workspaceId, { accountIds: reachedFirstValue });
      return rows;
    },
  },
});
