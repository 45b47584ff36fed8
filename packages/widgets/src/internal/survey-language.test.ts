import { describe, expect, test } from "vitest";
import "../pulse-csat-survey/pulse-csat-survey";
import "../pulse-nps-survey/pulse-nps-survey";
import {
  fakePulseForEachTest,
  mountAskingSurvey,
  screenshot,
  shadow,
  surveyAttributes,
} from "../test-support/fixtures";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({
    key: "nps-main",
    kind: "NPS",
    question: "How likely are you to recommend Acme to a friend or colleague?",
    followUpQuestion: "What is the main reason for your score?",
    translations: [
      {
        locale: "de",
        question: "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen empfehlen?",
        followUpQuestion: "Was ist der wichtigste Grund für Ihre Bewertung?",
      },
      { locale: "ar", question: "ما مدى احتمال أن توصي بـ Acme لصديق أو زميل؟", followUpQuestion: null },
      {
        locale: "it",
        question: "Quanto è probabile che consiglieresti Acme a un amico?",
        followUpQuestion: null,
      },
    ],
  });
  fake.addSurvey({ key: "english-only", kind: "NPS", question: "How likely are you to recommend Acme?" });
  fake.addSurvey({ key: "csat-main", kind: "CSAT", question: "How satisfied are you with Acme?" });
});

function text(survey: HTMLElement, selector: string): string {
  return shadow(survey, selector).textContent?.replace(/\s+/g, " ").trim() ?? "";
}

async function toComment(survey: HTMLElement & { status: string }, score: number): Promise<void> {
  shadow(survey, `input[value="${score}"]`).click();
  shadow(survey, "[part~=submit-button]").click();
  await expect.poll(() => survey.status).toBe("comment");
}

describe("the survey speaks the page's language", () => {
  test("a German page sends de-AT and gets the German question and follow-up, with German buttons", async () => {
    document.documentElement.lang = "de-AT";
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    expect(server.operations("PulseWidgetSurvey")[0].variables.locale).toBe("de-AT");
    expect(text(survey, "[part~=question]")).toBe(
      "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen empfehlen?",
    );
    expect(text(survey, "[part~=submit-button]")).toBe("Absenden");
    expect([...shadow(survey, "[part~=scale-labels]").children].map((label) => label.textContent)).toEqual([
      "Sehr unwahrscheinlich",
      "Sehr wahrscheinlich",
    ]);
    await screenshot("nps-survey-german", survey.parentElement ?? survey);
    await toComment(survey, 9);
    expect(text(survey, "[part~=comment-label]")).toBe("Was ist der wichtigste Grund für Ihre Bewertung?");
    expect(text(survey, "[part~=submit-button]")).toBe("Senden");
  });

  test("no text in the page's language: the built-in question in it, never a mix of languages", async () => {
    const french = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("english-only"),
      lang: "fr",
    });
    expect(server.operations("PulseWidgetSurvey")[0].variables.locale).toBe("fr");
    expect(text(french, "[part~=question]")).toBe(
      "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue ?",
    );
    expect(text(french, "[part~=submit-button]")).toBe("Valider");
  });

  test("a language without built-in texts still gets the survey's own question in it", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      lang: "it-IT",
    });
    expect(text(survey, "[part~=question]")).toBe("Quanto è probabile che consiglieresti Acme a un amico?");
    expect(text(survey, "[part~=submit-button]")).toBe("Submit");
  });

  test("Arabic, right to left: mirrored layout (close button, scale and labels), Arabic texts", async () => {
    const arabic = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      lang: "ar",
      dir: "rtl",
    });
    const card = shadow(arabic, "[part~=base]").getBoundingClientRect();
    const close = shadow(arabic, "[part~=dismiss-button]").getBoundingClientRect();
    expect(close.left - card.left).toBeLessThan(16);
    const zero = shadow(arabic, 'input[value="0"]').getBoundingClientRect();
    const ten = shadow(arabic, 'input[value="10"]').getBoundingClientRect();
    expect(zero.left).toBeGreaterThan(ten.left);
    const [low, high] = [...shadow(arabic, "[part~=scale-labels]").children].map((label) =>
      label.getBoundingClientRect(),
    );
    expect(low.right).toBeCloseTo(zero.right, 0);
    expect(high.left).toBeCloseTo(ten.left, 0);
    expect(text(arabic, "[part~=question]")).toBe("ما مدى احتمال أن توصي بـ Acme لصديق أو زميل؟");
    expect(text(arabic, "[part~=submit-button]")).toBe("إرسال");
    await screenshot("nps-survey-arabic-rtl", arabic.parentElement ?? arabic);
  });

  test("Arabic comment step: the built-in prompt and buttons, Skip as Arabic interfaces write it (تخطي, not the classical تخطٍّ)", async () => {
    const arabic = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      lang: "ar",
      dir: "rtl",
    });
    await toComment(arabic, 8);
    expect(text(arabic, "[part~=comment-label]")).toBe("ما الذي قد يجعل تجربتك أفضل؟");
    expect(text(arabic, "[part~=skip-button]")).toBe("تخطي");
    expect(text(arabic, "[part~=submit-button]")).toBe("إرسال");
    await screenshot("nps-survey-arabic-rtl-comment", arabic.parentElement ?? arabic);
  });

  test("Hebrew, right to left, with faces: the built-in Hebrew texts", async () => {
    const survey = await mountAskingSurvey("pulse-csat-survey", {
      ...surveyAttributes("csat-main"),
      lang: "he",
      dir: "rtl",
      faces: "",
    });
    expect(text(survey, "[part~=question]")).toBe("עד כמה היית מרוצה מהחוויה שלך?");
    const one = shadow(survey, 'input[value="1"]').getBoundingClientRect();
    const five = shadow(survey, 'input[value="5"]').getBoundingClientRect();
    expect(one.left).toBeGreaterThan(five.left);
    await screenshot("csat-survey-hebrew-rtl", survey.parentElement ?? survey);
  });
});
