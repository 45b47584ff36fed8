// The parts of the Pulse server the benchmark drives directly. @pulse/server exports no API
// for them, so they are imported from its sources; this file is the one place that knows where.

export { workspaceContext } from "../../../packages/server/src/context.ts";
export { createDomainParts } from "../../../packages/server/src/domain/context.ts";
export { SnapshotRefresher } from "../../../packages/server/src/health/refresher.ts";
export {
  ensureTodaysSnapshots,
  recordHealthSnapshots,
} from "../../../packages/server/src/health/snapshots.ts";
export { startHttpServer } from "../../../packages/server/src/http.ts";
export { orderedAccountIds } from "../../../packages/server/src/loaders/account-index.ts";
export { loadPortfolioAccounts } from "../../../packages/server/src/loaders/portfolio.ts";
export {
  DEMO_CSMS,
  DEMO_MILESTONES,
  DEMO_PLANS,
  DEMO_SECRET_KEY,
  DEMO_SEGMENTS,
} from "../../../packages/server/src/seed/demo.ts";
export { SeededRandom } from "../../../packages/server/src/seed/random.ts";
export { type CreatedWorkspace, createWorkspace } from "../../../packages/server/src/workspaces.ts";
