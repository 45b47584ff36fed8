import type { Database } from "@pulse/schema/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoWorkspace } from "../src/seed/demo.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { DATABASE_KINDS, graphql, openTestDatabase } from "./helpers.ts";

const NOW = new Date("2026-06-15T12:00:00Z");

const UPDATE = `mutation($input: UpdateHealthScoreConfigInput!) {
  updateHealthScoreConfig(input: $input) {
    __typename
    ... on MutationUpdateHealthScoreConfigSuccess { data { greenThreshold yellowThreshold components { key enabled weight } } }
    ... on ValidationError { code message fields { path message } }
  }
}`;

interface UpdateResult {
  updateHealthScoreConfig: {
    __typename: string;
    data?: {
      greenThreshold: number;
      yellowThreshold: number;
      components: { key: string; enabled: boolean; weight: number }[];
    };
    fields?: { path: string }[];
  };
}

describe.each(DATABASE_KINDS)("health-score configuration on %s", (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let key: string;

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase(kind, "healthcfg"));
    key = (await seedDemoWorkspace(database.prisma, { accounts: 8, today: NOW })).secretKey;
    yoga = createPulseYoga({ database, clock: () => NOW });
  });
  afterAll(async () => {
    await drop?.();
  });

  it("starts from the defaults of PRODUCT.md", async () => {
    const result = await graphql<{
      workspace: {
        healthScoreConfig: {
          greenThreshold: number;
          yellowThreshold: number;
          components: { key: string; enabled: boolean; weight: number }[];
        };
      };
    }>(
      yoga,
      key,
      `{ workspace { healthScoreConfig { greenThreshold yellowThreshold components { key enabled weight } } } }`,
    );
    const config = result.data?.workspace.healthScoreConfig;
    expect(config?.greenThreshold).toBe(70);
    expect(config?.yellowThreshold).toBe(40);
    expect(config?.components.filter((c) => c.enabled).map((c) => [c.key, c.weight])).toEqual([
      ["usage", 40],
      ["feedback", 30],
      ["support", 20],
      ["payment", 10],
    ]);
  });

  it("enables sentiment, disables payment, moves thresholds, and health follows", async () => {
    const result = await graphql<UpdateResult>(yoga, key, UPDATE, {
      input: {
        components: [
          { key: "sentiment", enabled: true, weight: 25 },
          { key: "payment", enabled: false },
        ],
        greenThreshold: 75,
      },
    });
    expect(result.data?.updateHealthScoreConfig.__typename).toBe("MutationUpdateHealthScoreConfigSuccess");
    expect(result.data?.updateHealthScoreConfig.data?.greenThreshold).toBe(75);
    const health = await graphql<{
      accounts: {
        edges: {
          node: { health: { components: { key: string }[]; score: number | null; band: string | null } };
        }[];
      };
    }>(yoga, key, `{ accounts(first: 8) { edges { node { health { score band components { key } } } } } }`);
    for (const edge of health.data?.accounts.edges ?? []) {
      const keys = edge.node.health.components.map((c) => c.key);
      expect(keys).toContain("sentiment");
      expect(keys).not.toContain("payment");
      const { score, band } = edge.node.health;
      if (score !== null) expect(band).toBe(score >= 75 ? "GREEN" : score >= 40 ? "YELLOW" : "RED");
    }
  });

  it("refuses an invalid configuration with the offending fields and keeps the old one", async () => {
    const inverted = await graphql<UpdateResult>(yoga, key, UPDATE, { input: { yellowThreshold: 90 } });
    expect(inverted.data?.updateHealthScoreConfig.__typename).toBe("ValidationError");
    const zero = await graphql<UpdateResult>(yoga, key, UPDATE, {
      input: { components: [{ key: "usage", weight: 0 }] },
    });
    expect(zero.data?.updateHealthScoreConfig.__typename).toBe("ValidationError");
    expect(zero.data?.updateHealthScoreConfig.fields?.map((f) => f.path).join()).toMatch(/usage/);
    const twice = await graphql<UpdateResult>(yoga, key, UPDATE, {
      input: {
        components: [
          { key: "usage", weight: 5 },
          { key: "usage", weight: 6 },
        ],
      },
    });
    expect(twice.data?.updateHealthScoreConfig.__typename).toBe("ValidationError");
    const after = await graphql<{
      workspace: { healthScoreConfig: { greenThreshold: number; yellowThreshold: number } };
    }>(yoga, key, `{ workspace { healthScoreConfig { greenThreshold yellowThreshold } } }`);
    expect(after.data?.workspace.healthScoreConfig).toEqual({ greenThreshold: 75, yellowThreshold: 40 });
  });
});
