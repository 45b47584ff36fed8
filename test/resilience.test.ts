// Database faults and shutdown: when PostgreSQL goes away, requests (GraphQL and the widgets'
// submission endpoint) fail with a clear, retryable error, the server stays up and recovers by
// itself once the database is back, and no acknowledged write is lost. SIGTERM lets in-flight
// requests finish.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@pulse/schema/database";
import { startHttpServer } from "@pulse/server/http";
import { signWidgetToken } from "@pulse/server/token";
import { createWorkspace } from "@pulse/server/workspaces";
import { afterAll, describe, expect, it } from "vitest";
import { PrivatePostgres } from "./private-postgres.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function gql(url: string, key: string, query: string, variables?: unknown) {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: Record<string, unknown>;
        errors?: { extensions?: { code?: string } }[];
      },
    };
  } catch (error) {
    return {
      status: 0,
      body: { errors: [{ extensions: { code: `FETCH_FAILED ${(error as Error).message}` } }] },
    };
  }
}

/** A survey answer through the widgets' submission endpoint. */
async function submitResponse(url: string, key: string, input: Record<string, unknown>) {
  try {
    const response = await fetch(`${url}/widgets/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions?: { code?: string } }[];
    };
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
  } catch (error) {
    return {
      status: 0,
      retryAfter: null,
      body: { errors: [{ extensions: { code: `FETCH_FAILED ${(error as Error).message}` } }] },
    };
  }
}

describe("PostgreSQL restarts under a running Pulse", () => {
  it("answers 503 DATABASE_UNAVAILABLE while it is down, recovers by itself, and loses no acknowledged write", async () => {
    const postgres = new PrivatePostgres();
    cleanups.push(() => postgres.destroy());
    postgres.start();
    const database = await openDatabase({ url: postgres.url, poolSize: 4 });
    const workspace = await createWorkspace(database.prisma, { name: "Resilient", slug: "resilient" });
    const server = await startHttpServer({ database, port: 0 });
    cleanups.push(async () => {
      await server.close();
      await database.close();
    });
    const rename = `mutation($name: String!) { updateWorkspace(input: { name: $name }) { __typename } }`;
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await gql(server.url, workspace.secretKey, rename, { name: `before-${i}` });
      if (result.status === 200 && !result.body.errors) acknowledged.push(`before-${i}`);
    }
    expect(acknowledged).toHaveLength(5);
    await database.prisma.account.create({
      data: {
        workspaceId: workspace.workspaceId,
        externalId: "acct",
        name: "Acct",
        signedUpAt: new Date("2026-01-01"),
      },
    });
    await database.prisma.survey.create({
      data: { workspaceId: workspace.workspaceId, key: "nps", kind: "NPS", question: "?" },
    });
    const answer = async (contact: string) => ({
      survey: "nps",
      token: await signWidgetToken(
        { workspaceId: workspace.workspaceId, account: "acct", contact },
        workspace.signingSecret,
      ),
      responseId: `resilient-${contact}`,
      score: 8,
    });
    const answered: string[] = [];
    const before = await submitResponse(server.url, workspace.publishableKey, await answer("before"));
    expect(before.status).toBe(200);
    answered.push("resilient-before");

    postgres.stop("fast");
    // Its key, secret and survey are still cached: the write itself finds no database.
    const submitWhileDown = await submitResponse(
      server.url,
      workspace.publishableKey,
      await answer("during"),
    );
    expect(submitWhileDown.status).toBe(503);
    expect(submitWhileDown.body.errors?.[0]?.extensions?.code).toBe("DATABASE_UNAVAILABLE");
    expect(submitWhileDown.retryAfter).toBe("2");
    const whileDown = await gql(server.url, workspace.secretKey, `{ workspace { name } }`);
    expect(whileDown.status).toBe(503);
    expect(whileDown.body.errors?.[0]?.extensions?.code).toBe("DATABASE_UNAVAILABLE");
    const writeWhileDown = await gql(server.url, workspace.secretKey, rename, { name: "during" });
    expect(writeWhileDown.status).toBe(503);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    postgres.start();
    let recovered = false;
    for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
      const result = await gql(server.url, workspace.secretKey, `{ workspace { name } }`);
      recovered = result.status === 200 && !result.body.errors;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    const after = await gql(server.url, workspace.secretKey, rename, { name: "after" });
    expect(after.body.errors).toBeUndefined();
    const stored = await database.prisma.workspace.findUniqueOrThrow({
      where: { id: workspace.workspaceId },
    });
    expect(stored.name).toBe("after");
    const submitAfter = await submitResponse(server.url, workspace.publishableKey, await answer("after"));
    expect(submitAfter.status).toBe(200);
    answered.push("resilient-after");
    const responses = await database.prisma.surveyResponse.findMany({
      where: { workspaceId: workspace.workspaceId },
      orderBy: { idempotencyKey: "asc" },
    });
    expect(responses.map((row) => row.idempotencyKey)).toEqual(answered.sort());
  });
});

describe("SIGTERM", () => {
  it("lets an in-flight request finish before the process exits", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pulse-sigterm-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "server", "bin", "pulse.mjs");
    const child: ChildProcess = spawn(process.execPath, [cli, "start", "--port", "0"], {
      env: { ...process.env, PULSE_DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => void child.kill("SIGKILL"));
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /GraphQL \+ GraphiQL\s+(\S+)\/graphql/.exec(output);
        if (match?.[1]) {
          clearInterval(timer);
          resolve(match[1]);
        }
      }, 100);
      child.once("exit", () => reject(new Error(output)));
    });
    const key = /Demo secret key\s+(\S+)/.exec(output)?.[1] ?? "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // A portfolio over every account takes a while on the embedded database: long enough to be in flight.
    const inFlight = gql(
      url,
      key,
      `{ portfolio { nps { score } logoChurnRate netRevenueRetention healthDistribution { green } atRiskCount } }`,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill("SIGTERM");
    const result = await inFlight;
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(await exited).toBe(0);
    expect(output).toContain("SIGTERM: draining requests and closing");
  });
});
