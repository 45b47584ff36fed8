import { afterEach, describe, expect, test } from "vitest";
import { PulseCesSurvey } from "../pulse-ces-survey/pulse-ces-survey";
import { PulseCsatSurvey } from "../pulse-csat-survey/pulse-csat-survey";
import {
  badgeMessages,
  componentKeys,
  componentNames,
  loadBadgeLanguage,
} from "../pulse-health-badge/pulse-health-badge.messages";
import { PulseNpsSurvey } from "../pulse-nps-survey/pulse-nps-survey";
import "../pulse-health-badge/pulse-health-badge";
import {
  type Catalog,
  format,
  type Language,
  languages,
  type Messages,
  pageLocale,
  resolveLanguage,
  textAttribute,
} from "./i18n";

afterEach(() => {
  document.documentElement.lang = "en";
  document.body.replaceChildren();
});

describe("i18n", () => {
  test("language: own lang, then the nearest ancestor's, then the page's; primary subtag; unknown → en", () => {
    const outer = document.createElement("section");
    outer.lang = "fr-CA";
    const element = document.createElement("span");
    outer.append(element);
    document.body.append(outer);
    document.documentElement.lang = "de";
    expect(resolveLanguage(element)).toBe("fr");
    element.lang = "PT-br";
    expect(resolveLanguage(element)).toBe("pt");
    element.lang = "ko";
    expect(resolveLanguage(element)).toBe("en");
    element.removeAttribute("lang");
    outer.removeAttribute("lang");
    expect(resolveLanguage(element)).toBe("de");
    // What surveys send the server: the tag as written, region included.
    outer.lang = "de-AT";
    expect(pageLocale(element)).toBe("de-AT");
    element.lang = "ar";
    expect([pageLocale(element), resolveLanguage(element)]).toEqual(["ar", "ar"]);
  });

  test("placeholders and attribute names", () => {
    expect(format("Health {score}, {band}", { score: 82, band: "green" })).toBe("Health 82, green");
    expect(format("{missing} stays", {})).toBe("{missing} stays");
    expect(textAttribute("thanksTitle")).toBe("text-thanks-title");
    expect(textAttribute("followUpLow")).toBe("text-follow-up-low");
  });

  test("every widget has every text in every language, Arabic and Hebrew included, component names too; none empty", async () => {
    // The badge fetches a language's texts when a page first needs them.
    await Promise.all(languages.map(loadBadgeLanguage));
    for (const language of languages.filter((other) => other !== "en")) {
      const names = componentNames[language] ?? [];
      expect(names, `badge components ${language}`).toHaveLength(componentKeys.length);
      for (const name of names) expect(name.trim(), `badge components ${language}`).toBeTruthy();
    }
    const catalogs: [string, Partial<Catalog<Messages>>, readonly Language[]][] = [
      ["badge", badgeMessages, languages],
      ["nps", PulseNpsSurvey.catalog, languages],
      ["ces", PulseCesSurvey.catalog, languages],
      ["csat", PulseCsatSurvey.catalog, languages],
    ];
    expect(languages).toEqual(["en", "de", "fr", "es", "pt", "ja", "ar", "he"]);
    for (const [widget, catalog, expected] of catalogs) {
      expect(Object.keys(catalog).sort(), widget).toEqual([...expected].sort());
      const keys = Object.keys(catalog.en ?? {}).sort();
      for (const language of expected) {
        const texts = catalog[language] ?? {};
        expect(Object.keys(texts).sort(), `${widget} ${language}`).toEqual(keys);
        for (const key of keys) expect(texts[key]?.trim(), `${widget} ${language} ${key}`).toBeTruthy();
      }
    }
  });

  test("a language the widgets lack gets the English texts; Hebrew gets Hebrew", async () => {
    const badge = document.createElement("pulse-health-badge");
    badge.lang = "ko";
    document.body.append(badge);
    const name = () => badge.shadowRoot?.querySelector("[part~=base]")?.getAttribute("aria-label");
    await expect.poll(name).toBe("Health unavailable");
    badge.lang = "he";
    await expect.poll(name).toBe("נתוני הבריאות אינם זמינים");
  });

  test("each text has its text-* attribute observed", () => {
    expect(PulseNpsSurvey.observedAttributes).toEqual(
      expect.arrayContaining([
        "lang",
        "text-question",
        "text-follow-up-mid",
        "text-thanks-title",
        "survey",
        "publishable-key",
      ]),
    );
    expect(PulseCsatSurvey.observedAttributes).toEqual(expect.arrayContaining(["faces", "text-neutral"]));
  });
});
