// An account's health as the product shows it: the score now, its components and the 30-day
// trend. `Account.health` (schema/account-metrics.ts) resolves it and the badge (domain/badges.ts)
// draws it, so both show one figure; the formulas are @pulse/schema/metrics's.
import { HEALTH_TREND_DAYS, healthTrend, MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { Account } from "@pulse/schema/prisma";
import { accountHealth } from "../health/account-health.ts";
import type { DomainContext } from "./context.ts";

/** An account's health with its 30-day trend, computed once per request. */
export function healthWithTrend(
  account: Pick<Account, "id" | "seats" | "signedUpAt">,
  ctx: Pick<DomainContext, "facts" | "settings" | "now">,
) {
  return ctx.facts.memo(`health|${account.id}`, async () => {
    const settings = await ctx.settings();
    const [health, reference] = await Promise.all([
      accountHealth(ctx.facts, settings, account, ctx.now),
      ctx.facts
        .snapshotAtOrBefore(new Date(ctx.now.getTime() - HEALTH_TREND_DAYS * MILLISECONDS_PER_DAY))
        .load(account.id),
    ]);
    const trend = healthTrend({
      score: health.score,
      snapshots: reference ? [{ takenAt: reference.day, score: reference.score }] : [],
      now: ctx.now,
    });
    return { ...health, trend };
  });
}
