// The health badge of the account a signed token names: its health now (domain/health.ts, the
// figure `Account.health` resolves), the components with their labels, and 90 days of daily
// snapshots. GraphQL's `widgetBadge` (schema/widget.ts) and the badge route (badge/route.ts)
// both answer with it.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { HealthBand } from "@pulse/schema/prisma";
import type { WidgetIdentity } from "../auth/widget-token.ts";
import type { WorkspaceReads } from "./context.ts";
import { healthWithTrend } from "./health.ts";
import { tokenAccount } from "./surveys.ts";

const BADGE_HISTORY_DAYS = 90;

export const COMPONENT_LABELS: Record<string, string> = {
  usage: "Product usage",
  feedback: "Customer feedback",
  support: "Support",
  payment: "Payments",
  sentiment: "CSM sentiment",
  milestones: "Onboarding",
  ebr: "Business reviews",
};

export interface Badge {
  accountName: string;
  score: number | null;
  band: HealthBand | null;
  /** Too little data for a score: score and band are null (a neutral "no data" badge). */
  insufficientData: boolean;
  trend: number | null;
  components: { key: string; label: string; value: number | null; weight: number; used: boolean }[];
  history: { day: string; score: number }[];
}

/** The badge of an account: health now, its components, and 90 days of daily snapshots. */
export async function badgeFor(ctx: WorkspaceReads, identity: WidgetIdentity): Promise<Badge> {
  const account = await tokenAccount(ctx, identity);
  const [health, history] = await Promise.all([
    healthWithTrend(account, ctx),
    ctx.facts
      .snapshots({
        from: new Date(ctx.now.getTime() - BADGE_HISTORY_DAYS * MILLISECONDS_PER_DAY),
        to: ctx.now,
      })
      .load(account.id),
  ]);
  return {
    accountName: account.name,
    score: health.score,
    band: health.band,
    insufficientData: health.insufficientData,
    trend: health.trend,
    components: health.components.map((component) => ({
      key: component.key,
      label: COMPONENT_LABELS[component.key] ?? component.key,
      value: component.value,
      weight: component.weight,
      used: component.used,
    })),
    // Days without a score (too little data) are left out of the sparkline.
    history: history.flatMap((point) =>
      point.score === null ? [] : [{ day: point.day.toISOString().slice(0, 10), score: point.score }],
    ),
  };
}
