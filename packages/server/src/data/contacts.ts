// A widget token's contact: found by its external id, or created on first sight for the token's
// account (one statement either way), with whether the re-ask rule holds a survey back; and the
// survey dismissal, written in the same statement for a contact of the token's account.
import { type SqlStatement, type SqlWriter, sql } from "@pulse/schema/database";

export interface TokenContact {
  /** The token's account, or null when the workspace does not know it. */
  accountId: string | null;
  /** The token's contact (created on first sight), or null when the account is unknown. */
  contactId: string | null;
  contactAccountId: string | null;
  askedRecently: boolean;
}

export interface ContactQuery {
  workspaceId: string;
  accountExternalId: string;
  contactExternalId: string;
  surveyId: string;
  /** Responses and dismissals since this instant count as "asked recently". */
  since: Date;
}

function contactCtes(query: ContactQuery): SqlStatement {
  return sql`
WITH account AS (
  SELECT id FROM "Account" WHERE "workspaceId" = ${query.workspaceId}::uuid AND "externalId" = ${query.accountExternalId}
), existing AS (
  SELECT id, "accountId" FROM "Contact" WHERE "workspaceId" = ${query.workspaceId}::uuid AND "externalId" = ${query.contactExternalId}
), created AS (
  INSERT INTO "Contact" (id, "workspaceId", "accountId", "externalId")
  SELECT gen_random_uuid(), ${query.workspaceId}::uuid, account.id, ${query.contactExternalId} FROM account WHERE NOT EXISTS (SELECT 1 FROM existing)
  ON CONFLICT ("workspaceId", "externalId") DO UPDATE SET "externalId" = EXCLUDED."externalId"
  RETURNING id, "accountId"
), contact AS (
  SELECT * FROM existing UNION ALL SELECT * FROM created
)`;
}

function contactSelect(query: ContactQuery): SqlStatement {
  return sql`
SELECT (SELECT id::text FROM account) AS "accountId", contact.id::text AS "contactId",
  contact."accountId"::text AS "contactAccountId",
  COALESCE(EXISTS (SELECT 1 FROM "SurveyResponse" s WHERE s."surveyId" = ${query.surveyId}::uuid AND s."contactId" = contact.id
                     AND s."createdAt" >= ${query.since}::timestamp)
    OR EXISTS (SELECT 1 FROM "SurveyDismissal" d WHERE d."surveyId" = ${query.surveyId}::uuid AND d."contactId" = contact.id
                 AND d."createdAt" >= ${query.since}::timestamp), false) AS "askedRecently"
FROM (SELECT 1) AS one LEFT JOIN contact ON true`;
}

async function one(writer: SqlWriter, statement: SqlStatement): Promise<TokenContact> {
  const [row] = await writer.returning<TokenContact>(statement);
  if (!row) throw new Error("token contact: no row");
  return row;
}

/** The token's contact, created on first sight, and whether the re-ask rule holds the survey back. */
export function tokenContact(writer: SqlWriter, query: ContactQuery): Promise<TokenContact> {
  return one(writer, sql`${contactCtes(query)}${contactSelect(query)}`);
}

/**
 * As tokenContact, and records the dismissal (at `at`) when the contact belongs to the token's
 * account (the dismissal is stored only for a contact of that account).
 */
export function dismissForContact(
  writer: SqlWriter,
  query: ContactQuery & { at: Date },
): Promise<TokenContact> {
  return one(
    writer,
    sql`${contactCtes(query)}, dismissed AS (
  INSERT INTO "SurveyDismissal" (id, "workspaceId", "surveyId", "accountId", "contactId", "createdAt")
  SELECT gen_random_uuid(), ${query.workspaceId}::uuid, ${query.surveyId}::uuid, account.id, contact.id, ${query.at}::timestamp
  FROM account JOIN contact ON contact."accountId" = account.id
  RETURNING id
)${contactSelect(query)}`,
  );
}
