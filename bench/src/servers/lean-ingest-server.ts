// Prototype for I (not Pulse): survey submissions with the same request, checks and answer as
// Pulse's `submitSurveyResponse`, on a lean path, to see what the target needs. Per submission:
// the publishable key, the workspace's signing secret and the survey come from a 30-second cache;
// the token is verified with Pulse's own verifyWidgetToken; then ONE SQL statement finds the
// account, creates the contact on first sight, applies the re-ask rule and upserts the response
// on its idempotency key. No GraphQL execution and no snapshot refresh (Pulse debounces that).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { claimedWorkspace, verifyWidgetToken } from "@pulse/server/token";
import pg from "pg";
import { serveChild } from "./child.ts";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const CACHE_MS = 30_000;
const SCALES = { NPS: [0, 10], CSAT: [1, 5], CES: [1, 7] } as const;

const SUBMIT_SQL = `
WITH account AS (
  SELECT id FROM "Account" WHERE "workspaceId" = $1 AND "externalId" = $2
), contact AS (
  INSERT INTO "Contact" (id, "workspaceId", "accountId", "externalId")
  SELECT gen_random_uuid(), $1, account.id, $3 FROM account
  ON CONFLICT ("workspaceId", "externalId") DO UPDATE SET "externalId" = EXCLUDED."externalId"
    WHERE "Contact"."accountId" = EXCLUDED."accountId"
  RETURNING id, "accountId"
), asked AS (
  SELECT (SELECT count(*) FROM "SurveyResponse" r, contact c
          WHERE r."surveyId" = $4 AND r."contactId" = c.id AND r."createdAt" >= $5::timestamp
            AND r."idempotencyKey" <> $6)
       + (SELECT count(*) FROM "SurveyDismissal" d, contact c
          WHERE d."surveyId" = $4 AND d."contactId" = c.id AND d."createdAt" >= $5::timestamp) AS n
)
INSERT INTO "SurveyResponse" (id, "workspaceId", "surveyId", "accountId", "contactId", kind, score, comment,
                              "idempotencyKey", "createdAt", "updatedAt")
SELECT gen_random_uuid(), $1, $4, contact."accountId", contact.id, $7::"SurveyKind", $8, $9, $6, now(), now()
FROM contact, asked
WHERE asked.n = 0 OR EXISTS (SELECT 1 FROM "SurveyResponse" WHERE "workspaceId" = $1 AND "idempotencyKey" = $6)
ON CONFLICT ("workspaceId", "idempotencyKey") DO UPDATE
  SET score = EXCLUDED.score, comment = COALESCE(EXCLUDED.comment, "SurveyResponse".comment), "updatedAt" = EXCLUDED."updatedAt"
  WHERE "SurveyResponse"."surveyId" = EXCLUDED."surveyId" AND "SurveyResponse"."contactId" = EXCLUDED."contactId"
RETURNING score`;

// BENCH_LEAN_BATCH=1: submissions wait up to 2 ms to be written together (group commit), each
// answered only after the statement that stored it has committed.
const BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::timestamp[], $6::text[], $7::text[], $8::int[], $9::text[])
    WITH ORDINALITY AS i(account_ext, contact_ext, survey_id, since, key, kind, score, comment, n)
), resolved AS (
  SELECT i.*, a.id AS account_id FROM input i JOIN "Account" a ON a."workspaceId" = $1 AND a."externalId" = i.account_ext
), contacts AS (
  INSERT INTO "Contact" (id, "workspaceId", "accountId", "externalId")
  SELECT DISTINCT ON (contact_ext) gen_random_uuid(), $1, account_id, contact_ext FROM resolved ORDER BY contact_ext
  ON CONFLICT ("workspaceId", "externalId") DO UPDATE SET "externalId" = EXCLUDED."externalId"
    WHERE "Contact"."accountId" = EXCLUDED."accountId"
  RETURNING id, "accountId", "externalId"
), candidates AS (
  SELECT r.*, c.id AS contact_id FROM resolved r
  JOIN contacts c ON c."externalId" = r.contact_ext AND c."accountId" = r.account_id
  WHERE NOT EXISTS (SELECT 1 FROM "SurveyResponse" s WHERE s."surveyId" = r.survey_id AND s."contactId" = c.id
                      AND s."createdAt" >= r.since AND s."idempotencyKey" <> r.key)
    AND NOT EXISTS (SELECT 1 FROM "SurveyDismissal" d WHERE d."surveyId" = r.survey_id AND d."contactId" = c.id
                      AND d."createdAt" >= r.since)
), last_per_key AS (
  SELECT DISTINCT ON (key) * FROM candidates ORDER BY key, n DESC
)
INSERT INTO "SurveyResponse" (id, "workspaceId", "surveyId", "accountId", "contactId", kind, score, comment,
                              "idempotencyKey", "createdAt", "updatedAt")
SELECT gen_random_uuid(), $1, survey_id, account_id, contact_id, kind::"SurveyKind", score, comment, key, now(), now()
FROM last_per_key
ON CONFLICT ("workspaceId", "idempotencyKey") DO UPDATE
  SET score = EXCLUDED.score, comment = COALESCE(EXCLUDED.comment, "SurveyResponse".comment), "updatedAt" = EXCLUDED."updatedAt"
  WHERE "SurveyResponse"."surveyId" = EXCLUDED."surveyId" AND "SurveyResponse"."contactId" = EXCLUDED."contactId"
RETURNING "idempotencyKey" AS key, score`;

interface Pending {
  params: unknown[];
  resolve(score: number | null): void;
  reject(error: unknown): void;
}

/** Collects submissions per workspace and writes each collection in one statement. */
class GroupCommit {
  private readonly queues = new Map<string, Pending[]>();
  constructor(
    private readonly run: (sql: string, params: unknown[]) => Promise<{ key: string; score: number }[]>,
  ) {}

  submit(workspaceId: string, params: unknown[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(workspaceId);
      if (!queue) {
        queue = [];
        this.queues.set(workspaceId, queue);
        setTimeout(() => this.flush(workspaceId), 2);
      }
      queue.push({ params, resolve, reject });
      if (queue.length >= 500) this.flush(workspaceId);
    });
  }

  private flush(workspaceId: string): void {
    const batch = this.queues.get(workspaceId);
    if (!batch) return;
    this.queues.delete(workspaceId);
    const column = (index: number) => batch.map((pending) => pending.params[index]);
    this.run(BATCH_SQL, [
      workspaceId,
      column(1),
      column(2),
      column(3),
      column(4),
      column(5),
      column(6),
      column(7),
      column(8),
    ]).then(
      (rows) => {
        const scores = new Map(rows.map((row) => [row.key, row.score]));
        for (const pending of batch) pending.resolve(scores.get(pending.params[5] as string) ?? null);
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }
}

function cached<Value>(load: (key: string) => Promise<Value>): (key: string) => Promise<Value> {
  const entries = new Map<string, { at: number; value: Promise<Value> }>();
  return (key) => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = load(key);
    entries.set(key, { at: Date.now(), value });
    value.catch(() => entries.delete(key));
    return value;
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

await serveChild(async () => {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.BENCH_POOL_SIZE ?? 10),
    // An experiment knob (not used by `pnpm bench`): is the lean path bound by commit flushes?
    ...(process.env.BENCH_LEAN_SYNCHRONOUS_COMMIT
      ? { options: `-c synchronous_commit=${process.env.BENCH_LEAN_SYNCHRONOUS_COMMIT}` }
      : {}),
  });
  let statements = 0;
  const query = async <Row extends pg.QueryResultRow>(sql: string, params: unknown[]) => {
    statements += 1;
    return (await pool.query<Row>(sql, params)).rows;
  };
  const keyWorkspace = cached(async (hash) => {
    const [row] = await query<{ workspaceId: string }>(
      `SELECT "workspaceId"::text AS "workspaceId" FROM "ApiKey" WHERE hash = $1 AND "revokedAt" IS NULL`,
      [hash],
    );
    return row?.workspaceId ?? null;
  });
  const signingSecret = cached(async (workspaceId) => {
    const [row] = await query<{ signingSecret: string }>(
      `SELECT "signingSecret" FROM "Workspace" WHERE id = $1`,
      [workspaceId],
    );
    return row?.signingSecret ?? null;
  });
  const survey = cached(async (workspaceAndKey) => {
    const [workspaceId, key] = workspaceAndKey.split("|");
    const [row] = await query<{
      id: string;
      kind: keyof typeof SCALES;
      reaskIntervalDays: number;
      active: boolean;
    }>(
      `SELECT id::text AS id, kind::text AS kind, "reaskIntervalDays", active FROM "Survey" WHERE "workspaceId" = $1 AND key = $2`,
      [workspaceId, key],
    );
    return row ?? null;
  });

  const groupCommit = process.env.BENCH_LEAN_BATCH
    ? new GroupCommit((sql, params) => query(sql, params))
    : null;

  async function submit(authorization: string, body: string) {
    const { variables } = JSON.parse(body) as {
      variables: {
        input: { survey: string; token: string; responseId: string; score: number; comment?: string };
      };
    };
    const input = variables.input;
    const workspaceId = await keyWorkspace(
      createHash("sha256")
        .update(authorization.replace(/^Bearer\s+/i, ""))
        .digest("hex"),
    );
    if (!workspaceId) throw new Refusal("UNAUTHENTICATED", "Invalid or revoked API key.");
    if (!/^[A-Za-z0-9_-]{8,100}$/.test(input.responseId))
      throw new Refusal("BAD_USER_INPUT", "bad responseId");
    if (claimedWorkspace(input.token) !== workspaceId) throw new Refusal("INVALID_TOKEN", "wrong workspace");
    const secret = await signingSecret(workspaceId);
    if (!secret) throw new Refusal("INVALID_TOKEN", "unknown workspace");
    const identity = await verifyWidgetToken(input.token, secret);
    if (!identity.contactExternalId) throw new Refusal("INVALID_TOKEN", "no contact");
    const found = await survey(`${workspaceId}|${input.survey}`);
    if (!found?.active) throw new Refusal("NOT_FOUND", "no such survey");
    const [min, max] = SCALES[found.kind];
    if (!Number.isInteger(input.score) || input.score < min || input.score > max) {
      throw new Refusal("BAD_USER_INPUT", "score out of range");
    }
    const since = new Date(Date.now() - found.reaskIntervalDays * 86_400_000)
      .toISOString()
      .replace("T", " ")
      .slice(0, -1);
    const comment = input.comment?.trim() || null;
    const params = [
      workspaceId,
      identity.accountExternalId,
      identity.contactExternalId,
      found.id,
      since,
      input.responseId,
      found.kind,
      input.score,
      comment,
    ];
    const score = groupCommit
      ? await groupCommit.submit(workspaceId, params)
      : ((await query<{ score: number }>(SUBMIT_SQL, params))[0]?.score ?? null);
    if (score === null) {
      throw new Refusal("ALREADY_ANSWERED", "unknown account, answered recently, or another survey's id");
    }
    return { data: { submitSurveyResponse: { responseId: input.responseId, score } } };
  }

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => submit(request.headers.authorization ?? "", body))
      .catch((error: unknown) => {
        if (error instanceof Refusal)
          return { errors: [{ message: error.message, extensions: { code: error.code } }] };
        if (error instanceof Error && error.name === "WidgetTokenError") {
          return { errors: [{ message: error.message, extensions: { code: "INVALID_TOKEN" } }] };
        }
        console.error("[lean]", error);
        return { errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] };
      })
      .then((answer) => {
        const json = JSON.stringify(answer);
        response.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(json),
        });
        response.end(json);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    statements: () => statements,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
});
