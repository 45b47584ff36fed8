// The parts of the Pulse server the benchmark drives directly. @pulse/server exports no API
// for them, so they are imported from its sources; this file is the one place that knows where.

export { recordHealthSnapshots } from "../../../packages/server/src/health/snapshots.ts";
export { startHttpServer } from "../../../packages/server/src/http.ts";
export { DEMO_SECRET_KEY } from "../../../packages/server/src/seed/demo.ts";
export { SeededRandom } from "../../../packages/server/src/seed/random.ts";
export { type CreatedWorkspace, createWorkspace } from "../../../packages/server/src/workspaces.ts";
