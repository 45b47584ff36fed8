import type { Catalog, Language } from "../internal/i18n";

const en = {
  label: "Health",
  /** The badge's accessible name, e.g. "Health 82, green". */
  name: "Health {score}, {band}",
  bandGreen: "green",
  bandYellow: "yellow",
  bandRed: "red",
  noData: "No health data yet",
  loading: "Loading health…",
  unavailable: "Health unavailable",
  trend: "{delta} in 30 days",
  history: "Last 90 days: {first} to {last}",
  topComponents: "Top components",
};

export type BadgeMessages = typeof en;

/**
 * The health components the server reports, by key, in the order of their names below. The
 * server names them in English (`label`), which English pages show; other languages show their
 * own name, and the server's label only for a key not listed here.
 */
export const componentKeys = ["usage", "feedback", "support", "payment", "sentiment", "milestones", "ebr"];

/**
 * Every other language's texts live in ./locales/<language>.ts, one string each, `|` between
 * texts: first those of the English keys, in their order, then the component names in the order
 * of {@link componentKeys}. A page fetches only its own language, from where the badge script
 * came (a module next to it: offline and under a strict CSP alike), so adding a language costs
 * other pages nothing; the badge shows no text until its language is there, never English on a
 * German page. Arabic and Hebrew isolate the signed delta (U+2066 … U+2069), so "+4" does not
 * turn into "4+". The i18n test checks every language has every text.
 */
const languageModules: Record<Exclude<Language, "en">, () => Promise<{ default: string }>> = {
  de: () => import("./locales/de"),
  fr: () => import("./locales/fr"),
  es: () => import("./locales/es"),
  pt: () => import("./locales/pt"),
  ja: () => import("./locales/ja"),
  ar: () => import("./locales/ar"),
  he: () => import("./locales/he"),
};

/** The texts of the languages fetched so far (English always). */
export const badgeMessages: Partial<Catalog<BadgeMessages>> & Catalog<BadgeMessages, "en"> = { en };

/** Component names of the languages fetched so far, in the order of {@link componentKeys}; none for English (the server's labels). */
export const componentNames: Partial<Record<Language, string[]>> = {};

/**
 * Fetches a language's texts (the module loader fetches each module once per page). Should the
 * module not load, that language gets the English texts rather than none.
 */
export async function loadBadgeLanguage(language: Language): Promise<void> {
  if (badgeMessages[language]) return;
  const keys = Object.keys(en);
  try {
    const texts = (await languageModules[language as Exclude<Language, "en">]()).default.split("|");
    badgeMessages[language] = Object.fromEntries(
      keys.map((key, index) => [key, texts[index]]),
    ) as BadgeMessages;
    componentNames[language] = texts.slice(keys.length);
  } catch {
    badgeMessages[language] = en;
  }
}
