// Ingestion of survey responses from your backend or another survey tool, idempotent on the
// idempotency key: sending a response again returns the stored one, and only its comment
// may change (a follow-up answer arriving after the score).
import { SURVEY_SCALES } from "@pulse/schema/metrics";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { surveyResponseReceived } from "../../events/domain-events.ts";
import { externalId, instant, text } from "../../ingest/fields.ts";
import { changedFields, findByKeys, upsertRows } from "../../ingest/upsert.ts";
import { addIngestionMutations } from "./ingestion.ts";

/** Input names of the stored answer's fields, for saying which ones a reused key changed. */
const INPUT_FIELD_OF = {
  surveyId: "survey",
  kind: "survey",
  accountId: "accountExternalId",
  contactId: "contactExternalId",
  score: "score",
  createdAt: "respondedAt",
} as const;

const SurveyResponseInput = builder.inputType("SurveyResponseInput", {
  description: "One answer to a survey.",
  fields: (t) => ({
    idempotencyKey: t.string({
      required: true,
      description:
        "Your key of this answer: sending it again returns the stored response instead of adding one.",
    }),
    survey: t.string({ required: true, description: "The survey's key." }),
    accountExternalId: t.string({ required: true }),
    contactExternalId: t.string({ required: false, description: "Who answered; a contact of the account." }),
    score: t.int({ required: true, description: "On the survey's scale: NPS 0–10, CSAT 1–5, CES 1–7." }),
    comment: t.string({
      required: false,
      description: "The answer to the follow-up question; null removes it.",
    }),
    respondedAt: t.field({ type: "DateTime", required: false, description: "Now when new." }),
  }),
});

const surveyResponseSchema = z.object({
  idempotencyKey: externalId,
  // Only a reference: whether such a survey exists is what the resolver reports.
  survey: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  accountExternalId: externalId,
  contactExternalId: externalId.optional(),
  score: z.number().int("must be a whole number"),
  comment: text(5000).nullish(),
  respondedAt: instant.optional(),
});

addIngestionMutations({
  single: "upsertSurveyResponse",
  batch: "upsertSurveyResponses",
  item: SurveyResponseInput,
  batchInput: "UpsertSurveyResponsesInput",
  description:
    "Stores a survey response once per idempotency key; sent again, it returns the stored response and updates only its comment.",
  spec: {
    typename: "SurveyResponse",
    schema: surveyResponseSchema,
    batchKey: (response) => ({ field: "idempotencyKey", value: response.idempotencyKey }),
    check({ input, refs, at }, problems) {
      const scale = SURVEY_SCALES[refs.survey.kind];
      if (input.score < scale.min || input.score > scale.max) {
        problems.add(
          at("score"),
          `must be from ${scale.min} to ${scale.max} for the ${scale.name} survey "${refs.survey.key}"`,
        );
      }
    },
    async write({ tx, workspaceId, now, problems, events }, items) {
      const stored = await findByKeys(
        items.map((item) => item.input.idempotencyKey),
        (keys) => tx.surveyResponse.findMany({ where: { workspaceId, idempotencyKey: { in: keys } } }),
        (response) => response.idempotencyKey,
      );
      const answerOf = ({ input, refs }: (typeof items)[number], isStored: boolean) => ({
        surveyId: refs.survey.id,
        kind: refs.survey.kind,
        accountId: refs.account.id,
        contactId: refs.contact?.id ?? null,
        score: input.score,
        // A retry without respondedAt keeps the stored time rather than moving it to now.
        createdAt: input.respondedAt ?? (isStored ? undefined : now),
      });
      for (const item of items) {
        const current = stored.get(item.input.idempotencyKey);
        const reused = current && changedFields(current, answerOf(item, true));
        if (reused) {
          const fields = [
            ...new Set(
              Object.keys(reused).map((field) => INPUT_FIELD_OF[field as keyof typeof INPUT_FIELD_OF]),
            ),
          ];
          problems.add(
            item.at("idempotencyKey"),
            `was already used for a response with another ${fields.join(", ")}; only the comment of a stored response can change`,
          );
        }
      }
      problems.throwIfAny();
      const rows = await upsertRows(tx.surveyResponse, items, {
        existing: ({ input }) => stored.get(input.idempotencyKey),
        data: (item, current) => ({
          ...answerOf(item, current !== undefined),
          workspaceId,
          idempotencyKey: item.input.idempotencyKey,
          comment: item.input.comment,
        }),
        accountOf: (response) => response.accountId,
      });
      // Only a new response is received; a retry (at most a changed comment) is not.
      for (const [index, row] of rows.entries()) {
        const item = items[index];
        if (row.outcome !== "CREATED" || !item) continue;
        events.push(
          surveyResponseReceived({
            workspaceId,
            accountId: item.refs.account.id,
            responseId: row.id,
            surveyId: item.refs.survey.id,
            kind: item.refs.survey.kind,
            score: item.input.score,
            contactId: item.refs.contact?.id ?? null,
            respondedAt: item.input.respondedAt ?? now,
          }),
        );
      }
      return rows;
    },
  },
});
