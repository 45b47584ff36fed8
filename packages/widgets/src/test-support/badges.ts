import type { WidgetBadge } from "../internal/client";

/** 90 daily snapshots (from 2026-08-01) drifting from `first` to `last`, with some wobble. */
export function history(first: number, last: number): WidgetBadge["history"] {
  return Array.from({ length: 90 }, (_, index) => ({
    day: new Date(Date.UTC(2026, 7, 1) + index * 86_400_000).toISOString().slice(0, 10),
    score: first + ((last - first) * index) / 89 + (index % 89 === 0 ? 0 : Math.sin(index / 4) * 2),
  }));
}

/** A green account with five components, one of them without data. */
export const acmeBadge: WidgetBadge = {
  accountName: "Acme Corporation",
  score: 82.4,
  band: "GREEN",
  trend: 4.2,
  components: [
    { key: "support", label: "Support", value: 95, weight: 20, used: true },
    { key: "usage", label: "Product usage", value: 85, weight: 40, used: true },
    { key: "payment", label: "Payment timeliness", value: null, weight: 10, used: false },
    { key: "feedback", label: "Customer feedback", value: 71.67, weight: 30, used: true },
    { key: "sentiment", label: "CSM sentiment", value: 50, weight: 5, used: true },
  ],
  history: history(74, 82),
};
