// A small GraphQL-over-HTTP client for the browser with a viewer token: every request carries the
// workspace's publishable key and a short-lived viewer token that the host's backend signed. The
// token is fetched from a backend URL and fetched again when a fifth of its lifetime is left (or
// once when the server refuses it). Queries are typed by the documents (see graphql.ts); subscriptions
// arrive as Server-Sent Events read from a streamed fetch, since EventSource cannot send headers.
import { print } from "@0no-co/graphql.web";
import type { TadaDocumentNode } from "gql.tada";

/** What the host's backend hands the page: a publishable key and a signed viewer token. */
export interface ViewerCredentials {
  publishableKey: string;
  token: string;
  /** ISO date-time at which the token stops being accepted. */
  expiresAt: string;
}

export type CredentialSource = () => Promise<ViewerCredentials>;

/** Credentials from a backend URL that answers `{ token, publishableKey, expiresAt }` as JSON. */
export function credentialsFrom(url: string, fetcher: typeof fetch = fetch): CredentialSource {
  return async () => {
    const response = await fetcher(url, {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok)
      throw new PulseRequestError(`viewer token: HTTP ${response.status}`, "TOKEN_UNAVAILABLE");
    const body = (await response.json()) as Partial<ViewerCredentials>;
    if (
      typeof body.publishableKey !== "string" ||
      typeof body.token !== "string" ||
      typeof body.expiresAt !== "string"
    )
      throw new PulseRequestError("viewer token: unexpected answer", "TOKEN_UNAVAILABLE");
    return { publishableKey: body.publishableKey, token: body.token, expiresAt: body.expiresAt };
  };
}

/** A failed request: HTTP, network or a GraphQL error, with the server's code when it sent one. */
export class PulseRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "PulseRequestError";
  }
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Codes after which a fresh token is worth one retry (the server answers them with a 401). */
const REFRESH_CODES = new Set(["EXPIRED_VIEWER_TOKEN", "INVALID_VIEWER_TOKEN"]);
/** A token is renewed once less than a fifth of its lifetime is left, and at least a minute before it expires. */
const RENEW_SHARE = 0.2;
const RENEW_AT_LEAST_MS = 60_000;

interface HeldCredentials {
  credentials: ViewerCredentials;
  fetchedAt: number;
}

export class PulseClient {
  #held: Promise<HeldCredentials> | null = null;

  constructor(
    readonly endpoint: string,
    private readonly source: CredentialSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The current credentials, renewed when they are about to expire or `renew` is set. */
  async credentials(renew = false): Promise<ViewerCredentials> {
    const current = this.#held;
    if (current && !renew) {
      const held = await current;
      const expiresAt = Date.parse(held.credentials.expiresAt);
      const margin = Math.max(RENEW_AT_LEAST_MS, (expiresAt - held.fetchedAt) * RENEW_SHARE);
      if (expiresAt - this.clock() > margin) return held.credentials;
    }
    return (await this.#renew(current)).credentials;
  }

  /** One fetch for every request that found `stale` too old: the first one starts it. */
  #renew(stale: Promise<HeldCredentials> | null): Promise<HeldCredentials> {
    if (this.#held && this.#held !== stale) return this.#held;
    const fetchedAt = this.clock();
    const next = this.source().then((credentials) => ({ credentials, fetchedAt }));
    this.#held = next;
    next.catch(() => {
      if (this.#held === next) this.#held = null;
    });
    return next;
  }

  #headers(credentials: ViewerCredentials, accept: string): Record<string, string> {
    return {
      "content-type": "application/json",
      accept,
      authorization: `Bearer ${credentials.publishableKey}`,
      ...(credentials.token ? { "x-pulse-viewer-token": credentials.token } : {}),
    };
  }

  /** Runs a query; resolves with its data or rejects with a PulseRequestError. */
  async query<Data, Variables>(
    document: TadaDocumentNode<Data, Variables>,
    variables: Variables,
    signal?: AbortSignal,
  ): Promise<Data> {
    const body = JSON.stringify({ query: print(document), variables });
    for (let attempt = 0; ; attempt++) {
      const credentials = await this.credentials(attempt > 0);
      const response = await fetch(this.endpoint, {
        method: "POST",
        headers: this.#headers(credentials, "application/graphql-response+json, application/json"),
        body,
        signal,
      });
      const result = (await response.json().catch(() => ({}))) as GraphQLResponse<Data>;
      const error = result.errors?.[0];
      const code = error?.extensions?.code ?? (response.ok ? "GRAPHQL_ERROR" : `HTTP_${response.status}`);
      if ((response.status === 401 || REFRESH_CODES.has(code)) && attempt === 0) continue;
      if (error || !result.data)
        throw new PulseRequestError(error?.message ?? `HTTP ${response.status}`, code);
      return result.data;
    }
  }

  /**
   * Runs a subscription until `signal` aborts; `onNext` gets each result's data. Resolves when the
   * server ends the stream, rejects when it refuses the subscription (e.g. a key or token that may
   * not subscribe) or the connection fails.
   */
  async subscribe<Data, Variables>(
    document: TadaDocumentNode<Data, Variables>,
    variables: Variables,
    onNext: (data: Data) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const credentials = await this.credentials();
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: this.#headers(credentials, "text/event-stream"),
      body: JSON.stringify({ query: print(document), variables }),
      signal,
    });
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.includes("text/event-stream") || !response.body) {
      const result = (await response.json().catch(() => ({}))) as GraphQLResponse<Data>;
      const error = result.errors?.[0];
      throw new PulseRequestError(
        error?.message ?? `HTTP ${response.status}`,
        error?.extensions?.code ?? `HTTP_${response.status}`,
      );
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = message.split("\n");
        const event =
          lines
            .find((line) => line.startsWith("event:"))
            ?.slice(6)
            .trim() ?? "message";
        const data = lines
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (event === "complete") return;
        if (!data) continue;
        const result = JSON.parse(data) as GraphQLResponse<Data>;
        const error = result.errors?.[0];
        if (error) throw new PulseRequestError(error.message, error.extensions?.code ?? "GRAPHQL_ERROR");
        if (result.data) onNext(result.data);
      }
    }
  }
}
