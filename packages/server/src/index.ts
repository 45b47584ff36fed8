// @pulse/server's public entry: the GraphQL server (Yoga with every guard), the HTTP server that
// hosts it with the widget, badge and operations routes, and workspace creation. Everything else
// is internal; the package's other entries (package.json "exports") name each module that the
// end-to-end tests and the benchmark use, and nothing more.
export { type StartedServer, startHttpServer } from "./http.ts";
export { type CreatedWorkspace, createWorkspace, type NewWorkspace } from "./workspaces.ts";
export { createPulseYoga, GRAPHQL_ENDPOINT, type PulseYoga, type PulseYogaOptions } from "./yoga.ts";
