// A survey's texts per locale: its own question and follow-up are in its default locale, and it
// may carry translations. A widget sends the page's language; the server answers with the best
// match, so a German page gets the German question.
import { z } from "zod";

/** A survey's question and follow-up in one locale. */
export interface SurveyTexts {
  locale: string;
  question: string;
  followUpQuestion: string | null;
}

/** At most this many translations per survey. */
export const MAX_TRANSLATIONS = 50;

/**
 * A BCP 47 language tag in its canonical form (`de-at` → `de-AT`, `ZH-hant-tw` → `zh-Hant-TW`),
 * or undefined when it is not one. Intl knows the syntax; nothing is looked up.
 */
export function canonicalLocale(tag: string): string | undefined {
  if (tag.length === 0 || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** The locale rule of every input that names one: a language tag, stored canonical. */
export const localeTag = z.string().transform((value, issues) => {
  const canonical = canonicalLocale(value.trim());
  if (!canonical) {
    issues.addIssue({ code: "custom", message: 'must be a language tag such as "en", "de" or "pt-BR"' });
    return z.NEVER;
  }
  return canonical;
});

const language = (locale: string) => locale.toLowerCase().split("-")[0];

/**
 * The texts for `requested` (a page's language tag, as the widget read it): the exact locale,
 * then the language without its region (`de-AT` → `de`), then another region of that language
 * (`de` → `de-CH`), then the survey's default locale. Tags compare case-insensitively; an
 * unreadable or missing tag gets the default.
 */
export function bestSurveyTexts(
  defaults: SurveyTexts,
  translations: readonly SurveyTexts[],
  requested: string | null | undefined,
): SurveyTexts {
  const wanted = requested ? canonicalLocale(requested.trim())?.toLowerCase() : undefined;
  if (!wanted) return defaults;
  const all = [defaults, ...translations];
  const wantedLanguage = language(wanted);
  return (
    all.find((texts) => texts.locale.toLowerCase() === wanted) ??
    all.find((texts) => texts.locale.toLowerCase() === wantedLanguage) ??
    all.find((texts) => language(texts.locale) === wantedLanguage) ??
    defaults
  );
}

/** The stored translations column, read defensively (it is JSON): only well-formed entries. */
export function storedTranslations(value: unknown): SurveyTexts[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (!entry || typeof entry !== "object") return [];
    const { locale, question, followUpQuestion } = entry as Record<string, unknown>;
    if (typeof locale !== "string" || typeof question !== "string") return [];
    return [
      { locale, question, followUpQuestion: typeof followUpQuestion === "string" ? followUpQuestion : null },
    ];
  });
}
