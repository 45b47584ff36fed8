import { afterEach, describe, expect, test } from "vitest";
import { PulseCesSurvey } from "../pulse-ces-survey/pulse-ces-survey";
import { PulseCsatSurvey } from "../pulse-csat-survey/pulse-csat-survey";
import { badgeMessages } from "../pulse-health-badge/pulse-health-badge.messages";
import { PulseNpsSurvey } from "../pulse-nps-survey/pulse-nps-survey";
import { type Catalog, format, languages, type Messages, resolveLanguage, textAttribute } from "./i18n";

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
  });

  test("placeholders and attribute names", () => {
    expect(format("Health {score}, {band}", { score: 82, band: "green" })).toBe("Health 82, green");
    expect(format("{missing} stays", {})).toBe("{missing} stays");
    expect(textAttribute("thanksTitle")).toBe("text-thanks-title");
    expect(textAttribute("followUpLow")).toBe("text-follow-up-low");
  });

  test("every widget has every text in en, de, fr, es, pt and ja, none empty", () => {
    const catalogs: [string, Catalog<Messages>][] = [
      ["badge", badgeMessages],
      ["nps", PulseNpsSurvey.catalog],
      ["ces", PulseCesSurvey.catalog],
      ["csat", PulseCsatSurvey.catalog],
    ];
    expect(languages).toEqual(["en", "de", "fr", "es", "pt", "ja"]);
    for (const [widget, catalog] of catalogs) {
      const keys = Object.keys(catalog.en).sort();
      for (const language of languages) {
        expect(Object.keys(catalog[language]).sort(), `${widget} ${language}`).toEqual(keys);
        for (const key of keys)
          expect(catalog[language][key].trim(), `${widget} ${language} ${key}`).not.toBe("");
      }
    }
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
