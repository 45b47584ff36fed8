// Several Pulse servers on one PostgreSQL, as a deployment behind a load balancer runs them: three
// servers reach the primary through PgBouncer in transaction mode (Debian's 1.18, which cannot keep
// named prepared statements, so they run with PULSE_DB_PREPARED_STATEMENTS=false), migrate through
// the primary directly, share rate limits through Redis, and read from a streaming replica made with
// pg_basebackup. A request that writes reads from the primary from then on, so it never decides on
// a stale read; a plain query reads the replica, and so may lag it (shown here with replay paused).
import { type Database, openDatabase } from "@pulse/schema/database";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { seedDemoWorkspace } from "@pulse/server/seed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivatePgBouncer, PrivatePostgres } from "./private-postgres.ts";

const TODAY = new Date("2026-06-15T00:00:00Z");
const NOW = new Date("2026-06-15T12:00:00Z");
const redisUrl = process.env.PULSE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const LIMITS = {
  perIp: 100_000,
  perSecretKey: 100_000,
  perPublishableIp: 1000,
  perPublishableVisitor: 1000,
  perPublishableKey: 1000,
  trustProxy: false,
};

async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function post(server: StartedServer, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] },
  };
}

const DASHBOARD = `{ accounts(first: 20) { totalCount edges { node {
  externalId name health { score band trend components { key value used } }
  risk { atRisk reasons { code } } nps { score responses } usage { activeUsers stickiness }
  mrr { amount } nextRenewal { endsAt } healthHistory { day score }
} } } }`;

const CONFIG = `{ workspace { healthScoreConfig { greenThreshold components { key weight } } } }`;
const UPDATE_CONFIG = `mutation($input: UpdateHealthScoreConfigInput!) {
  updateHealthScoreConfig(input: $input) {
    __typename
    ... on MutationUpdateHealthScoreConfigSuccess { data { greenThreshold components { key weight } } }
    ... on ValidationError { message }
  }
}`;

interface ConfigAnswer {
  greenThreshold: number;
  components: { key: string; weight: number }[];
}

function usageWeight(config: ConfigAnswer | undefined): number | undefined {
  return config?.components.find((component) => component.key === "usage")?.weight;
}

describe("three servers behind PgBouncer, with a streaming replica and Redis", () => {
  const primary = new PrivatePostgres();
  let replica: PrivatePostgres;
  let bouncer: PrivatePgBouncer;
  const databases: Database[] = [];
  const servers: StartedServer[] = [];
  let key: string;

  /** The replica has replayed everything the primary has written so far. */
  async function replicaCaughtUp(): Promise<void> {
    const target = primary.psql("SELECT pg_current_wal_lsn()");
    await waitFor(
      () => replica.psql(`SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn`) === "t",
      "the replica to replay the primary's writes",
    );
  }

  beforeAll(async () => {
    primary.start();
    replica = new PrivatePostgres(undefined, { replicaOf: primary });
    replica.start();
    bouncer = new PrivatePgBouncer(primary);
    bouncer.start();
    primary.psql("CREATE DATABASE pulse");
    const direct = primary.url.replace(/\/postgres$/, "/pulse");
    const readUrl = replica.url.replace(/\/postgres$/, "/pulse");
    for (let index = 0; index < 3; index += 1) {
      const database = await openDatabase({
        url: bouncer.url("pulse"),
        directUrl: direct,
        readUrl,
        preparedStatements: false,
        poolSize: 4,
      });
      databases.push(database);
      servers.push(
        await startHttpServer({ database, port: 0, clock: () => NOW, rateLimits: LIMITS, redisUrl }),
      );
    }
    const seeded = await seedDemoWorkspace((databases[0] as Database).prisma, { accounts: 40, today: TODAY });
    key = seeded.secretKey;
    await replicaCaughtUp();
  }, 240_000);

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const database of databases) await database.close();
    bouncer?.destroy();
    replica?.destroy();
    primary.destroy();
  });

  it("migrated once through the primary and refuses to write on the replica", () => {
    expect(databases[0]?.migration.applied.length).toBeGreaterThan(0);
    expect(databases[1]?.migration.applied).toEqual([]);
    expect(replica.psql("SELECT pg_is_in_recovery()")).toBe("t");
  });

  it("answers the same dashboard page on every server, through PgBouncer and the replica", async () => {
    const answers = [];
    for (const server of servers) {
      // Several rounds, so each server's pools hand statements to several pooled connections.
      for (let round = 0; round < 3; round += 1) {
        const answer = await post(server, key, DASHBOARD);
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
        answers.push(JSON.stringify(answer.body.data));
      }
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('"totalCount":40');
  });

  it("reads a mutation's own writes from the primary while queries read the (paused) replica", async () => {
    const [first, second, third] = servers as [StartedServer, StartedServer, StartedServer];
    const before = await post(second, key, CONFIG);
    const initial = (before.body.data?.workspace as { healthScoreConfig: ConfigAnswer } | undefined)
      ?.healthScoreConfig;
    expect(usageWeight(initial)).toBe(40);

    replica.psql("SELECT pg_wal_replay_pause()");
    try {
      const raised = await post(first, key, UPDATE_CONFIG, {
        input: { components: [{ key: "usage", weight: 55 }] },
      });
      const raisedConfig = (raised.body.data?.updateHealthScoreConfig as { data?: ConfigAnswer } | undefined)
        ?.data;
      expect(usageWeight(raisedConfig)).toBe(55);

      // A plain query reads the replica, which has not replayed the change yet.
      const stale = await post(second, key, CONFIG);
      expect(
        usageWeight(
          (stale.body.data?.workspace as { healthScoreConfig: ConfigAnswer } | undefined)?.healthScoreConfig,
        ),
      ).toBe(40);

      // A second change on a third server merges into the current configuration (read from the
      // primary): read from the replica, it would silently undo the first change.
      const green = await post(third, key, UPDATE_CONFIG, { input: { greenThreshold: 75 } });
      const greenConfig = (green.body.data?.updateHealthScoreConfig as { data?: ConfigAnswer } | undefined)
        ?.data;
      expect(greenConfig?.greenThreshold).toBe(75);
      expect(usageWeight(greenConfig)).toBe(55);
    } finally {
      replica.psql("SELECT pg_wal_replay_resume()");
    }
    await replicaCaughtUp();
    const after = await post(second, key, CONFIG);
    const final = (after.body.data?.workspace as { healthScoreConfig: ConfigAnswer } | undefined)
      ?.healthScoreConfig;
    expect(final?.greenThreshold).toBe(75);
    expect(usageWeight(final)).toBe(55);
  });
});
