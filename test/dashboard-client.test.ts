// The dashboard's typed client (examples/dashboard/src/client.ts) against the real server with
// real viewer tokens: it renews a token shortly before it expires, fetches a new one once when
// the server refuses an expired token, and reports a refusal that a new token does not cure.
import { type Database, openDatabase } from "@pulse/schema/database";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { DEMO_PUBLISHABLE_KEY, seedDemoWorkspace } from "@pulse/server/seed";
import { signViewerToken } from "@pulse/server/viewer-token";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulseClient, PulseRequestError, type ViewerCredentials } from "../examples/dashboard/src/client.ts";
import { graphql } from "../examples/dashboard/src/graphql.ts";

const WorkspaceAccounts = graphql(`
  query ClientTestAccounts {
    accounts(first: 1) {
      totalCount
    }
  }
`);

describe("the dashboard's client with viewer tokens", () => {
  let database: Database;
  let server: StartedServer;
  let workspaceId: string;
  let signingSecret: string;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ":memory:" });
    const seeded = await seedDemoWorkspace(database.prisma, { accounts: 6 });
    workspaceId = seeded.workspaceId;
    signingSecret = seeded.signingSecret;
    server = await startHttpServer({ database, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  /** A token issued at `issuedAt` for `seconds`, with the expiry the backend would report. */
  async function credentials(issuedAt: Date, seconds: number): Promise<ViewerCredentials> {
    const token = await signViewerToken(
      { workspaceId, scope: "workspace", issuedAt, expiresInSeconds: seconds },
      signingSecret,
    );
    const expiresAt = new Date(Math.floor(issuedAt.getTime() / 1000) * 1000 + seconds * 1000);
    return { publishableKey: DEMO_PUBLISHABLE_KEY, token, expiresAt: expiresAt.toISOString() };
  }

  it("renews the token when a fifth of its lifetime is left, not earlier, with one fetch for concurrent requests", async () => {
    let issued = 0;
    let now = Date.now();
    const client = new PulseClient(
      `${server.url}/graphql`,
      () => {
        issued++;
        return credentials(new Date(now), 300);
      },
      () => now,
    );
    expect((await client.query(WorkspaceAccounts, {})).accounts.totalCount).toBe(6);
    now += 200_000; // 100 s left: kept
    await client.query(WorkspaceAccounts, {});
    expect(issued).toBe(1);
    now += 50_000; // 50 s left (of 300): renewed before the request, once for both requests
    await Promise.all([client.query(WorkspaceAccounts, {}), client.query(WorkspaceAccounts, {})]);
    expect(issued).toBe(2);
    // A 15-minute token is renewed 3 minutes before it expires.
    const long = new PulseClient(
      `${server.url}/graphql`,
      () => {
        issued++;
        return credentials(new Date(now), 900);
      },
      () => now,
    );
    await long.query(WorkspaceAccounts, {});
    now += 700_000; // 200 s left: kept
    await long.query(WorkspaceAccounts, {});
    expect(issued).toBe(3);
    now += 30_000; // 170 s left: renewed
    await long.query(WorkspaceAccounts, {});
    expect(issued).toBe(4);
  });

  it("fetches a new token once when the server refuses an expired one", async () => {
    const answers = [
      // Expired an hour ago, though the backend's answer claims otherwise (a clock skew).
      credentials(new Date(Date.now() - 2 * 3600_000), 3600).then((expired) => ({
        ...expired,
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      })),
      credentials(new Date(), 3600),
    ];
    let issued = 0;
    const client = new PulseClient(`${server.url}/graphql`, () => {
      const next = answers[issued++];
      if (!next) throw new Error("asked for a third token");
      return next;
    });
    expect((await client.query(WorkspaceAccounts, {})).accounts.totalCount).toBe(6);
    expect(issued).toBe(2);
  });

  it("gives up after one new token when the server keeps refusing", async () => {
    let issued = 0;
    const client = new PulseClient(`${server.url}/graphql`, async () => {
      issued++;
      return { ...(await credentials(new Date(), 3600)), token: "not-a-token" };
    });
    const failure = await client.query(WorkspaceAccounts, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PulseRequestError);
    expect((failure as PulseRequestError).code).toBe("INVALID_VIEWER_TOKEN");
    expect(issued).toBe(2);
  });
});
