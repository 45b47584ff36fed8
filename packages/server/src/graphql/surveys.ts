// Surveys a workspace runs (NPS, CSAT, CES): what each asks and how long before a contact is
// asked again. A survey is named by its key in ingestion and in the widgets.
import { SurveyKind } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../builder.ts";
import { nodeWhere } from "../ids.ts";
import { configKey, count, text } from "../ingest/fields.ts";
import { Problems } from "../ingest/problems.ts";
import { localeTag, MAX_TRANSLATIONS, type SurveyTexts, storedTranslations } from "../widget/survey-texts.ts";
import { parseInput, plannedQuery, ValidationError } from "./errors.ts";
import { SurveyKindEnum } from "./facts.ts";

const SurveyTranslationRef = builder.objectRef<SurveyTexts>("SurveyTranslation").implement({
  description: "The survey's texts in one more locale.",
  fields: (t) => ({
    locale: t.exposeString("locale"),
    question: t.exposeString("question"),
    followUpQuestion: t.exposeString("followUpQuestion", { nullable: true }),
  }),
});

export const SurveyRef = builder.prismaNode("Survey", {
  id: { field: "id" },
  findUnique: (id, ctx) => nodeWhere(id, ctx),
  fields: (t) => ({
    key: t.exposeString("key"),
    kind: t.expose("kind", { type: SurveyKindEnum }),
    question: t.exposeString("question"),
    followUpQuestion: t.exposeString("followUpQuestion", { nullable: true }),
    defaultLocale: t.exposeString("defaultLocale", {
      description: "The locale of question and followUpQuestion, and the widgets' fallback.",
    }),
    translations: t.field({
      type: [SurveyTranslationRef],
      description: "Texts in other locales; widgets get the best match for their page's language.",
      select: { translations: true },
      resolve: (survey) => storedTranslations(survey.translations),
    }),
    reaskIntervalDays: t.exposeInt("reaskIntervalDays", {
      description: "Days before a contact who answered or dismissed is asked again.",
    }),
    active: t.exposeBoolean("active"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectField("Workspace", "surveys", (t) =>
  t.relation("surveys", {
    description: "The workspace's surveys, by key.",
    query: { orderBy: { key: "asc" } },
  }),
);

const SurveyTranslationInput = builder.inputType("SurveyTranslationInput", {
  fields: (t) => ({
    locale: t.string({ required: true, description: "A language tag, e.g. de or pt-BR (stored canonical)." }),
    question: t.string({ required: true }),
    followUpQuestion: t.string({
      required: false,
      description: "Without one, widgets ask their built-in follow-up.",
    }),
  }),
});

const SurveyInput = builder.inputType("SurveyInput", {
  description:
    "A survey, created or updated by key. kind and question are required to create one; an omitted field keeps its stored value.",
  fields: (t) => ({
    key: t.string({
      required: true,
      description: "Lowercase letters, digits, '-' and '_', e.g. quarterly-nps.",
    }),
    kind: t.field({
      type: SurveyKindEnum,
      required: false,
      description: "Cannot change once the survey has responses.",
    }),
    question: t.string({ required: false, description: "In the default locale." }),
    followUpQuestion: t.string({
      required: false,
      description: "Asked after the score, in the default locale; null removes it.",
    }),
    defaultLocale: t.string({
      required: false,
      description: "The locale of question and followUpQuestion (en when new); widgets fall back to it.",
    }),
    translations: t.field({
      type: [SurveyTranslationInput],
      required: false,
      description: "The texts in other locales: the complete list, it replaces the stored one.",
    }),
    reaskIntervalDays: t.int({ required: false, description: "90 when new." }),
    active: t.boolean({
      required: false,
      description: "Inactive surveys are not shown by the widgets (true when new).",
    }),
  }),
});

const translationSchema = z.object({
  locale: localeTag,
  question: text(500),
  followUpQuestion: text(500)
    .nullish()
    .transform((followUp) => followUp ?? null),
});

const surveySchema = z.object({
  key: configKey,
  kind: z.enum(SurveyKind).optional(),
  question: text(500).optional(),
  followUpQuestion: text(500).nullish(),
  defaultLocale: localeTag.optional(),
  translations: z
    .array(translationSchema)
    .max(MAX_TRANSLATIONS, `must hold at most ${MAX_TRANSLATIONS} locales`)
    .superRefine((translations, issues) => {
      const seen = new Set<string>();
      translations.forEach((translation, index) => {
        const locale = translation.locale.toLowerCase();
        if (seen.has(locale)) {
          issues.addIssue({
            code: "custom",
            path: [index, "locale"],
            message: `${translation.locale} is listed twice`,
          });
        }
        seen.add(locale);
      });
    })
    .optional(),
  reaskIntervalDays: count(3650).optional(),
  active: z.boolean().optional(),
});

/** A translation in the default locale would compete with the survey's own texts. */
function checkDefaultLocale(problems: Problems, defaultLocale: string, translations: SurveyTexts[]): void {
  const index = translations.findIndex(
    (translation) => translation.locale.toLowerCase() === defaultLocale.toLowerCase(),
  );
  if (index >= 0) {
    problems.add(
      `translations.${index}.locale`,
      `${translations[index]?.locale} is the default locale: its texts are question and followUpQuestion`,
    );
  }
}

/** As stored: exactly these three fields per locale. */
function translationRows(translations: SurveyTexts[] | undefined) {
  return translations?.map(({ locale, question, followUpQuestion }) => ({
    locale,
    question,
    followUpQuestion,
  }));
}

builder.mutationField("upsertSurvey", (t) =>
  t.prismaField({
    type: "Survey",
    description: "Creates or updates a survey by its key.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: SurveyInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const input = parseInput(surveySchema, args.input);
      const survey = await ctx.prisma.$transaction(async (tx) => {
        const stored = await tx.survey.findUnique({
          where: { workspaceId_key: { workspaceId: ctx.workspaceId, key: input.key } },
        });
        const problems = new Problems();
        if (!stored) {
          const { kind, question } = input;
          if (!kind || !question) {
            if (!kind) problems.add("kind", "is required to create a survey");
            if (!question) problems.add("question", "is required to create a survey");
            return problems.fail();
          }
          checkDefaultLocale(problems, input.defaultLocale ?? "en", input.translations ?? []);
          problems.throwIfAny();
          return tx.survey.create({
            ...plannedQuery(query),
            data: {
              workspaceId: ctx.workspaceId,
              key: input.key,
              kind,
              question,
              followUpQuestion: input.followUpQuestion,
              defaultLocale: input.defaultLocale,
              translations: translationRows(input.translations),
              reaskIntervalDays: input.reaskIntervalDays,
              active: input.active,
            },
          });
        }
        // Stored scores are on the old kind's scale (and their kind is copied onto each response).
        if (input.kind && input.kind !== stored.kind) {
          const answered = await tx.surveyResponse.findFirst({
            where: { surveyId: stored.id },
            select: { id: true },
          });
          if (answered) {
            problems.add(
              "kind",
              `cannot change from ${stored.kind} once the survey has responses; create a survey with another key`,
            );
          }
        }
        checkDefaultLocale(
          problems,
          input.defaultLocale ?? stored.defaultLocale,
          input.translations ?? storedTranslations(stored.translations),
        );
        problems.throwIfAny();
        return tx.survey.update({
          ...plannedQuery(query),
          where: { id: stored.id },
          data: {
            kind: input.kind,
            question: input.question,
            followUpQuestion: input.followUpQuestion,
            defaultLocale: input.defaultLocale,
            translations: translationRows(input.translations),
            reaskIntervalDays: input.reaskIntervalDays,
            active: input.active,
          },
        });
      });
      // Widgets see the change at once on this server (other servers within the cache's TTL).
      ctx.lookups.evictSurvey(ctx.workspaceId, input.key);
      return survey;
    },
  }),
);
