// The one routing decision for GraphQL, made on the parsed path: only the endpoint itself is
// GraphQL. Yoga on its own also serves any URL whose text ends in the endpoint (`/graphql/`,
// `/x?y=/graphql`); such requests would pass plugins that test the path differently. Here every
// other path is a 404 before any other plugin of ours runs, so the guards after this one (IP rate
// limit, API key, origin, key rate limit) need no path test of their own: whatever reaches
// GraphQL has passed all of them.
import type { Plugin } from "graphql-yoga";
import { errorEnvelope } from "../errors.ts";

export function notFoundBody(path: string, endpoint: string): string {
  return errorEnvelope(`Nothing at ${path.slice(0, 200)}; GraphQL is served at ${endpoint}.`, "NOT_FOUND");
}

/** Must be the first plugin with an `onRequest` hook. */
export function useGraphQLEndpoint(endpoint: string): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === endpoint) return;
      endResponse(
        new fetchAPI.Response(notFoundBody(url.pathname, endpoint), {
          status: 404,
          headers: { "content-type": "application/json" },
        }),
      );
    },
  };
}
