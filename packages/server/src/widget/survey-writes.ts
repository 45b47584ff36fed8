// The widget's writes, one SQL statement each: the token's contact (created on first sight),
// the re-ask rule, and the response (stored once per responseId) or the dismissal.
// Submissions go through a group commit per server: many submissions, one statement.
import type { Database } from "@pulse/schema/database";
import type { SurveyKind } from "@pulse/schema/prisma";
import { isDatabaseUnavailable } from "../errors.ts";
import { surveyAnswerFacts, surveyResponseDedupeKey } from "../events/domain-events.ts";
import { GroupCommit, type GroupCommitOptions } from "./group-commit.ts";

export interface SurveySubmission {
  workspaceId: string;
  accountExternalId: string;
  contactExternalId: string;
  surveyId: string;
  kind: SurveyKind;
  /** The request's clock: the response's createdAt/updatedAt. */
  at: Date;
  /** Answers and dismissals since then count for the re-ask rule. */
  since: Date;
  responseKey: string;
  score: number;
  comment: string | null;
}

/** Why a submission stored nothing, in the order they are checked (the API's error codes). */
export type SubmissionRefusal =
  | "ACCOUNT_NOT_FOUND"
  | "CONTACT_OF_ANOTHER_ACCOUNT"
  | "ALREADY_ANSWERED"
  | "RESPONSE_OF_ANOTHER";

export type SubmissionOutcome =
  | { status: "STORED"; accountId: string; score: number; comment: string | null; createdAt: Date }
  | { status: SubmissionRefusal };

/** `timestamp` columns hold UTC wall-clock time. */
function utc(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

// The contact of each row: read, or created when missing (only for a known account). The
// upsert's DO UPDATE (not DO NOTHING) returns a contact another transaction created meanwhile.
// Each contact appears once per batch (GroupCommit keys), so no row is affected twice.
const SUBMIT_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
    n int, workspace_id uuid, account_ext text, contact_ext text, survey_id uuid, kind text,
    stamp timestamp, since timestamp, key text, score int, comment text, answer jsonb)
), resolved AS (
  -- A lookup per row (the planner would otherwise expect 100 rows and scan every account).
  SELECT i.*, (SELECT a.id FROM "Account" a WHERE a."workspaceId" = i.workspace_id AND a."externalId" = i.account_ext) AS account_id
  FROM input i
), existing AS (
  SELECT c.id, c."workspaceId", c."accountId", c."externalId" FROM "Contact" c
  JOIN input i ON c."workspaceId" = i.workspace_id AND c."externalId" = i.contact_ext
), created AS (
  INSERT INTO "Contact" (id, "workspaceId", "accountId", "externalId")
  SELECT gen_random_uuid(), r.workspace_id, r.account_id, r.contact_ext FROM resolved r
  WHERE r.account_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM existing e WHERE e."workspaceId" = r.workspace_id AND e."externalId" = r.contact_ext)
  ORDER BY r.workspace_id, r.contact_ext
  ON CONFLICT ("workspaceId", "externalId") DO UPDATE SET "externalId" = EXCLUDED."externalId"
  RETURNING id, "workspaceId", "accountId", "externalId"
), contacts AS (
  SELECT * FROM existing UNION ALL SELECT * FROM created
), checked AS (
  SELECT r.*, c.id AS contact_id, c."accountId" AS contact_account_id,
    EXISTS (SELECT 1 FROM "SurveyResponse" s WHERE s."surveyId" = r.survey_id AND s."contactId" = c.id
              AND s."createdAt" >= r.since AND s."idempotencyKey" <> r.key)
    OR EXISTS (SELECT 1 FROM "SurveyDismissal" d WHERE d."surveyId" = r.survey_id AND d."contactId" = c.id
              AND d."createdAt" >= r.since) AS asked_recently,
    EXISTS (SELECT 1 FROM "SurveyResponse" s WHERE s."workspaceId" = r.workspace_id AND s."idempotencyKey" = r.key) AS response_exists
  FROM resolved r
  LEFT JOIN contacts c ON c."workspaceId" = r.workspace_id AND c."externalId" = r.contact_ext
), written AS (
  INSERT INTO "SurveyResponse" (id, "workspaceId", "surveyId", "accountId", "contactId", kind, score, comment,
                                "idempotencyKey", "createdAt", "updatedAt")
  SELECT gen_random_uuid(), workspace_id, survey_id, account_id, contact_id, kind::"SurveyKind", score, comment, key, stamp, stamp
  FROM checked
  WHERE contact_account_id = account_id AND (response_exists OR NOT asked_recently)
  ORDER BY workspace_id, key
  ON CONFLICT ("workspaceId", "idempotencyKey") DO UPDATE
    SET score = EXCLUDED.score, comment = COALESCE(EXCLUDED.comment, "SurveyResponse".comment), "updatedAt" = EXCLUDED."updatedAt"
    WHERE "SurveyResponse"."surveyId" = EXCLUDED."surveyId" AND "SurveyResponse"."contactId" = EXCLUDED."contactId"
  RETURNING id, "workspaceId", "accountId", "surveyId", "contactId", "idempotencyKey", score, comment, "createdAt" AS stamp,
    to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt", (xmax = 0) AS inserted
), events AS (
  -- The domain event of each new response (a retry updates and writes none), in this statement's
  -- transaction: one multi-row insert for the whole group (see events/outbox.ts).
  INSERT INTO "DomainEvent" ("workspaceId", "accountId", type, "occurredAt", payload, "dedupeKey")
  SELECT w."workspaceId", w."accountId", 'SURVEY_RESPONSE_RECEIVED', w.stamp,
    jsonb_build_object('responseId', w.id, 'surveyId', w."surveyId", 'contactId', w."contactId") || c.answer,
    $2 || w.id
  FROM written w JOIN checked c ON c.workspace_id = w."workspaceId" AND c.key = w."idempotencyKey"
  WHERE w.inserted
  ORDER BY w."workspaceId", w."idempotencyKey"
  ON CONFLICT ("workspaceId", "dedupeKey") DO NOTHING
)
SELECT c.n, c.account_id::text AS "accountId",
  CASE WHEN c.account_id IS NULL THEN 'ACCOUNT_NOT_FOUND'
       WHEN c.contact_account_id IS DISTINCT FROM c.account_id THEN 'CONTACT_OF_ANOTHER_ACCOUNT'
       WHEN NOT c.response_exists AND c.asked_recently THEN 'ALREADY_ANSWERED'
       WHEN w."idempotencyKey" IS NULL THEN 'RESPONSE_OF_ANOTHER'
       ELSE 'STORED' END AS status,
  w.score, w.comment, w."createdAt"
FROM checked c
LEFT JOIN written w ON w."workspaceId" = c.workspace_id AND w."idempotencyKey" = c.key
ORDER BY c.n`;

interface SubmitRow {
  n: number;
  accountId: string | null;
  status: "STORED" | SubmissionRefusal;
  score: number | null;
  comment: string | null;
  createdAt: string | null;
}

/**
 * Writes submissions with one statement (one transaction), through the database's writer; one
 * outcome per submission, in order. Signals the outbox's readers when one was stored.
 */
export async function writeSubmissions(
  database: Pick<Database, "writer" | "outboxSignal">,
  submissions: SurveySubmission[],
): Promise<SubmissionOutcome[]> {
  const input = submissions.map((submission, n) => ({
    n,
    workspace_id: submission.workspaceId,
    account_ext: submission.accountExternalId,
    contact_ext: submission.contactExternalId,
    survey_id: submission.surveyId,
    kind: submission.kind,
    stamp: utc(submission.at),
    since: utc(submission.since),
    key: submission.responseKey,
    score: submission.score,
    comment: submission.comment,
    answer: surveyAnswerFacts(submission.kind, submission.score),
  }));
  // Through the driver (outside a transaction): Prisma's raw query costs about 0.75 ms of CPU
  // more per statement (see sql-reader.ts). The statement commits on its own.
  const rows = await database.writer.returning<SubmitRow>({
    text: SUBMIT_SQL,
    values: [JSON.stringify(input), surveyResponseDedupeKey("")],
  });
  if (rows.some((row) => row.status === "STORED")) database.outboxSignal.written();
  return submissions.map((_, n) => {
    const row = rows[n];
    if (row?.n !== n) throw new Error(`survey submissions: no outcome for row ${n}`);
    if (row.status !== "STORED") return { status: row.status };
    if (row.accountId === null || row.score === null || row.createdAt === null)
      throw new Error("survey submissions: incomplete row");
    return {
      status: "STORED",
      accountId: row.accountId,
      score: Number(row.score),
      comment: row.comment,
      createdAt: new Date(row.createdAt),
    };
  });
}

/** Submissions of one server, written in groups (see GroupCommit); made with the server (domain/context.ts). */
export class SurveySubmissions {
  private readonly commit: GroupCommit<SurveySubmission, SubmissionOutcome>;

  constructor(database: Pick<Database, "writer" | "outboxSignal">, options: GroupCommitOptions = {}) {
    this.commit = new GroupCommit((batch) => writeSubmissions(database, batch), submissionKeys, {
      retryAlone: (error) => !isDatabaseUnavailable(error),
      ...options,
    });
  }

  submit(submission: SurveySubmission): Promise<SubmissionOutcome> {
    return this.commit.submit(submission);
  }

  /** Resolves once every submission handed over so far has been written (before the database closes). */
  drain(): Promise<void> {
    return this.commit.drain();
  }
}

/** Two submissions of one response or one contact are written one after the other, never together. */
export function submissionKeys(submission: SurveySubmission): string[] {
  return [
    `r|${submission.workspaceId}|${submission.responseKey}`,
    `c|${submission.workspaceId}|${submission.contactExternalId}`,
  ];
}
