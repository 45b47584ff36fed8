/** Languages with built-in texts. Any other language falls back to English. */
export const languages = ["en", "de", "fr", "es", "pt", "ja"] as const;
export type Language = (typeof languages)[number];

export type Messages = Record<string, string>;

/** One complete table of texts per built-in language; the compiler checks none is missing. */
export type Catalog<M extends Messages> = Record<Language, M>;

/**
 * The widget's language: its own `lang` attribute, else the nearest ancestor's, else the
 * page's, else the browser's. Only the primary subtag counts (`pt-BR` → `pt`).
 */
export function resolveLanguage(element: Element): Language {
  const tag =
    element.closest("[lang]")?.getAttribute("lang") ||
    document.documentElement.lang ||
    navigator.language ||
    "en";
  const primary = tag.toLowerCase().split("-")[0];
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
