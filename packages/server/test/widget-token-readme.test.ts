// Widget tokens signed with a plain JWT library from what the README says alone: its claim table
// (read from README.md at test time), its algorithm and its secret. Both the short claim names
// and the long ones the README's helper takes must be accepted; a claim the table marks required
// must really be required.
import { readFileSync } from "node:fs";
import type { Database } from "@pulse/schema/database";
import { SignJWT } from "jose";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreatedWorkspace } from "../src/workspaces.ts";
import { createPulseYoga, type PulseYoga } from "../src/yoga.ts";
import { graphql, newWorkspace, openTestDatabase } from "./helpers.ts";

interface ClaimRow {
  claim: string;
  alias: string | null;
  required: string;
  meaning: string;
}

const README = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

/** The rows of the README table whose header is `| claim | also accepted as | required | meaning |`. */
function readmeClaimTable(): ClaimRow[] {
  const lines = README.split("\n").map((line) => line.trim());
  const header = lines.findIndex((line) =>
    /^\|\s*claim\s*\|\s*also accepted as\s*\|\s*required\s*\|\s*meaning\s*\|$/.test(line),
  );
  if (header < 0) throw new Error("README.md has no widget-token claim table");
  const rows: ClaimRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
    const code = (cell: string | undefined) => /^`([^`]+)`$/.exec(cell ?? "")?.[1] ?? null;
    const claim = code(cells[0]);
    if (!claim) throw new Error(`README claim table row without a claim: ${line}`);
    rows.push({ claim, alias: code(cells[1]), required: cells[2] ?? "", meaning: cells[3] ?? "" });
  }
  return rows;
}

const SURVEY = `query($token: String!) { widgetSurvey(survey: "nps", token: $token) { key kind shouldAsk } }`;

describe("widget tokens signed from the README alone", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let yoga: PulseYoga;
  let acme: CreatedWorkspace;
  const rows = readmeClaimTable();
  const section = README.slice(README.indexOf("## Embedding the widgets"));
  const algorithm = /\*\*(HS\d{3})\*\*/.exec(section)?.[1];

  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase("pglite", "token-readme"));
    acme = await newWorkspace(database, "acme");
    await database.prisma.account.create({
      data: {
        workspaceId: acme.workspaceId,
        externalId: "acct-1",
        name: "Acme",
        seats: 5,
        signedUpAt: new Date("2026-01-01"),
      },
    });
    await database.prisma.survey.create({
      data: { workspaceId: acme.workspaceId, key: "nps", kind: "NPS", question: "How likely…?" },
    });
    yoga = createPulseYoga({ database });
  });
  afterAll(async () => {
    await drop?.();
  });

  /** A value for each claim, from what its row says it means. */
  function claimValue(row: ClaimRow): string | number {
    if (row.claim === "iss") {
      const literal = /`"([^"]+)"`/.exec(row.meaning)?.[1];
      if (!literal) throw new Error("the README names no value for iss");
      return literal;
    }
    if (row.claim === "exp") return Math.floor(Date.now() / 1000) + 3600;
    if (row.meaning.includes("workspace")) return acme.workspaceId;
    if (row.meaning.includes("account")) return "acct-1";
    if (row.meaning.includes("person")) return "jane";
    throw new Error(`no test value for the README's claim ${row.claim}`);
  }

  function payload(names: "short" | "long", omit?: string): Record<string, string | number> {
    return Object.fromEntries(
      rows
        .filter((row) => row.claim !== omit)
        .map((row) => [names === "long" ? (row.alias ?? row.claim) : row.claim, claimValue(row)]),
    );
  }

  async function survey(token: string) {
    return graphql<{ widgetSurvey: { kind: string; shouldAsk: boolean } }>(
      yoga,
      acme.publishableKey,
      SURVEY,
      { token },
    );
  }

  it("documents the claims, the algorithm and the secret", () => {
    expect(rows.map((row) => row.claim)).toEqual(expect.arrayContaining(["iss", "wid", "acc", "cnt", "exp"]));
    expect(algorithm).toBe("HS256");
    expect(section).toContain("workspace { signingSecret }");
  });

  it("accepts a token signed with jsonwebtoken from the short claim names", async () => {
    const token = jwt.sign(payload("short"), acme.signingSecret, { algorithm: "HS256" });
    const result = await survey(token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.widgetSurvey).toMatchObject({ kind: "NPS", shouldAsk: true });
    expect(
      await database.prisma.contact.count({ where: { workspaceId: acme.workspaceId, externalId: "jane" } }),
    ).toBe(1);
  });

  it("accepts a token signed with jose from the long names the README's helper takes", async () => {
    const long = payload("long");
    expect(Object.keys(long)).toEqual(expect.arrayContaining(["workspaceId", "account", "contact"]));
    const token = await new SignJWT(long)
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(acme.signingSecret));
    const result = await survey(token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.widgetSurvey.kind).toBe("NPS");
  });

  it("refuses a token without a claim the README marks required, or with two different values for one claim", async () => {
    for (const row of rows.filter((r) => r.required === "yes")) {
      const token = jwt.sign(payload("short", row.claim), acme.signingSecret, { algorithm: "HS256" });
      const result = await survey(token);
      expect(result.errors?.[0]?.extensions?.code, row.claim).toBe("INVALID_TOKEN");
    }
    const conflicting = jwt.sign({ ...payload("short"), account: "acct-other" }, acme.signingSecret, {
      algorithm: "HS256",
    });
    const refused = await survey(conflicting);
    expect(refused.errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    expect(refused.errors?.[0]?.message).toContain("different values");
  });

  it("refuses the documented claims signed with another secret or algorithm", async () => {
    const wrongSecret = jwt.sign(payload("short"), "not-the-signing-secret", { algorithm: "HS256" });
    expect((await survey(wrongSecret)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    const wrongAlgorithm = jwt.sign(payload("short"), acme.signingSecret, { algorithm: "HS512" });
    expect((await survey(wrongAlgorithm)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
  });
});
