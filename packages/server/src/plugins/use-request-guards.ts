// GraphQL's run of the request guards (auth/guards.ts, the pipeline the widgets' submission
// endpoint runs too), before anything is parsed: the per-IP limit, then the API key with its
// workspace, origin and key limit, and a dashboard's viewer token with its viewer's limit. A
// request without a valid key gets a 401 and costs no parsing or validation. The GraphiQL page
// itself (a browser GET asking for HTML) is served without a key (its queries send one), under
// the IP limit. After useGraphQLEndpoint: every request here is for GraphQL, whatever its URL.
import type { IncomingMessage } from "node:http";
import type { Plugin } from "graphql-yoga";
import type { AuthenticatedKey } from "../auth/api-keys.ts";
import { type Refusal, type RequestGuards, refusalBody } from "../auth/guards.ts";

const authenticated = new WeakMap<Request, AuthenticatedKey>();

export function authenticatedKey(request: Request): AuthenticatedKey | undefined {
  return authenticated.get(request);
}

function refusalResponse(fetchAPI: { Response: typeof Response }, refused: Refusal): Response {
  return new fetchAPI.Response(refusalBody(refused), {
    status: refused.status,
    headers: { "content-type": "application/json", ...refused.headers },
  });
}

export function useRequestGuards(guards: RequestGuards): Plugin<object, { req?: IncomingMessage }> {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (request.method === "OPTIONS") return;
      const guardRequest = {
        headers: request.headers,
        node: serverContext?.req,
        selfOrigin: `${url.protocol}//${request.headers.get("host") ?? url.host}`,
      };
      const limited = await guards.ipLimit(guardRequest);
      if ("refused" in limited) {
        endResponse(refusalResponse(fetchAPI, limited));
        return;
      }
      if (request.method === "GET" && request.headers.get("accept")?.includes("text/html")) return;
      const principal = await guards.authenticateKey(guardRequest, limited.ip, { viewerTokens: true });
      if (principal.refused) {
        endResponse(refusalResponse(fetchAPI, principal));
        return;
      }
      authenticated.set(request, principal.auth);
    },
  };
}
