/** Languages with built-in texts. Any other language falls back to English. */
export const languages = ["en", "de", "fr", "es", "pt", "ja", "ar", "he"] as const;
export type Language = (typeof languages)[number];

export type Messages = Record<string, string>;

/**
 * One complete table of texts per language a widget has (all of {@link languages} unless it
 * names fewer; English always); the compiler checks none is missing. A language a widget lacks
 * gets its English texts.
 */
export type Catalog<M extends Messages, L extends Language = Language> = Record<L | "en", M>;

/**
 * The page's language tag for this element, as written (`de-AT`): its own `lang` attribute,
 * else the nearest ancestor's, else the page's, else the browser's. Surveys send it to the server,
 * which answers with the survey's texts in the best match.
 */
export function pageLocale(element: Element): string {
  return (
    element.closest("[lang]")?.getAttribute("lang") ||
    document.documentElement.lang ||
    navigator.language ||
    "en"
  );
}

/** The language of the built-in texts: that of {@link pageLocale} if the widgets have it, else English. */
export function resolveLanguage(element: Element): Language {
  const primary = pageLocale(element).toLowerCase().split("-")[0];
  return languages.find((language) => language === primary) ?? "en";
}

/** Fills `{name}` placeholders. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}

/** `thanksTitle` → `text-thanks-title`: the attribute that overrides one built-in text. */
export function textAttribute(key: string): string {
  return `text-${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
