// Authenticates every GraphQL request by its API key before anything is parsed, so a request
// without a valid key gets a 401 and costs no parsing or validation. The GraphiQL page itself
// (a browser GET asking for HTML) is served without a key; its queries send one.
import type { Database } from "@pulse/schema/database";
import type { Plugin } from "graphql-yoga";
import { type AuthenticatedKey, findApiKey, readApiKey } from "../auth/api-keys.ts";

const authenticated = new WeakMap<Request, AuthenticatedKey>();

export function authenticatedKey(request: Request): AuthenticatedKey | undefined {
  return authenticated.get(request);
}

export function useApiKeyAuth(options: { database: Database; graphqlEndpoint: string }): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.graphqlEndpoint) return;
      if (request.method === "GET" && request.headers.get("accept")?.includes("text/html")) return;
      if (request.method === "OPTIONS") return;
      const key = readApiKey(request.headers);
      const auth = key ? await findApiKey(options.database.prisma, key) : null;
      if (!auth) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: key
                    ? "Invalid or revoked API key."
                    : "Missing API key: send `Authorization: Bearer sk_…` (or a publishable pk_… key).",
                  extensions: { code: "UNAUTHENTICATED" },
                },
              ],
            }),
            {
              status: 401,
              headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="pulse"' },
            },
          ),
        );
        return;
      }
      authenticated.set(request, auth);
    },
  };
}
