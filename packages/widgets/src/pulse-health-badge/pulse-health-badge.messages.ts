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
 * The badge's languages: not Arabic and Hebrew, which get the English texts (the badge's gzip
 * budget, 10 KB with Lit, has no room for them); its layout is mirrored all the same.
 */
export type BadgeLanguage = Exclude<Language, "ar" | "he">;

/**
 * The other languages' texts in the order of the English keys (arrays, not objects: the keys
 * repeated in every language cost the badge bytes its budget does not have). The i18n test checks
 * that every language has every text.
 */
const translations: Record<Exclude<BadgeLanguage, "en">, string[]> = {
  de: [
    "Gesundheit",
    "Gesundheit {score}, {band}",
    "grün",
    "gelb",
    "rot",
    "Noch keine Gesundheitsdaten",
    "Gesundheit wird geladen…",
    "Gesundheit nicht verfügbar",
    "{delta} in 30 Tagen",
    "Letzte 90 Tage: {first} bis {last}",
    "Wichtigste Faktoren",
  ],
  fr: [
    "Santé",
    "Santé {score}, {band}",
    "vert",
    "jaune",
    "rouge",
    "Pas encore de données de santé",
    "Chargement de la santé…",
    "Santé indisponible",
    "{delta} en 30 jours",
    "90 derniers jours\u00a0: de {first} à {last}",
    "Principaux facteurs",
  ],
  es: [
    "Salud",
    "Salud {score}, {band}",
    "verde",
    "amarillo",
    "rojo",
    "Aún no hay datos de salud",
    "Cargando la salud…",
    "Salud no disponible",
    "{delta} en 30 días",
    "Últimos 90 días: de {first} a {last}",
    "Factores principales",
  ],
  pt: [
    "Saúde",
    "Saúde {score}, {band}",
    "verde",
    "amarelo",
    "vermelho",
    "Ainda não há dados de saúde",
    "Carregando a saúde…",
    "Saúde indisponível",
    "{delta} em 30 dias",
    "Últimos 90 dias: de {first} a {last}",
    "Principais fatores",
  ],
  ja: [
    "ヘルス",
    "ヘルス {score}、{band}",
    "緑",
    "黄",
    "赤",
    "ヘルスデータはまだありません",
    "ヘルスを読み込み中…",
    "ヘルスを取得できません",
    "30日間で{delta}",
    "過去90日間：{first}から{last}",
    "主な要素",
  ],
};

export const badgeMessages = {
  en,
  ...Object.fromEntries(
    Object.entries(translations).map(([language, texts]) => [
      language,
      Object.fromEntries(Object.keys(en).map((key, index) => [key, texts[index]])),
    ]),
  ),
} as Catalog<BadgeMessages, BadgeLanguage>;
