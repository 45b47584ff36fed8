import { describe, expect, test } from "vitest";
import { page } from "vitest/browser";
import { expectNoAxeViolations } from "../test-support/axe";
import {
  events,
  fakePulseForEachTest,
  mountAskingSurvey,
  promptAfterScore,
  screenshot,
  shadow,
  surveyAttributes,
} from "../test-support/fixtures";
import "./pulse-csat-survey";
import type { PulseCsatSurvey } from "./pulse-csat-survey";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({
    key: "csat-support",
    kind: "CSAT",
    question: "How satisfied are you with our support?",
  });
});

function mountAsking(
  extra: Record<string, string> = {},
  token = "tok_alice",
  frame?: string,
): Promise<PulseCsatSurvey> {
  return mountAskingSurvey(
    "pulse-csat-survey",
    { ...surveyAttributes("csat-support", token), ...extra },
    frame,
  );
}

describe("<pulse-csat-survey>", () => {
  test("has no axe-core violations with numbers and with faces, light and dark", async () => {
    await expectNoAxeViolations(await mountAsking());
    await expectNoAxeViolations(await mountAsking({ faces: "" }, "tok_b"));
    await expectNoAxeViolations(
      await mountAsking({ faces: "", theme: "dark" }, "tok_c", "padding: 16px; background: #000"),
    );
  });

  test("numbers: 1 to 5 with both ends named", async () => {
    const survey = await mountAsking();
    expect(survey.shadowRoot?.querySelectorAll("input")).toHaveLength(5);
    await expect.element(page.getByRole("radio", { name: "1, Very dissatisfied" })).toBeVisible();
    await expect.element(page.getByRole("radio", { name: "5, Very satisfied" })).toBeVisible();
    await page.getByRole("radio", { name: "4", exact: true }).click();
    await screenshot("csat-survey-numbers", survey.parentElement ?? survey);
  });

  test("faces: each face is a radio named for screen readers, the drawing is hidden from them", async () => {
    const survey = await mountAsking({ faces: "" });
    const names = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"];
    for (const name of names)
      await expect.element(page.getByRole("radio", { name, exact: true })).toBeVisible();
    expect(survey.shadowRoot?.querySelectorAll(".choice svg[aria-hidden=true] path")).toHaveLength(5);
    await page.getByRole("radio", { name: "Satisfied", exact: true }).click();
    await screenshot("csat-survey-faces", survey.parentElement ?? survey);
  });

  test("faces in Japanese and in the dark theme", async () => {
    server.addSurvey({ key: "csat-support", kind: "CSAT", question: "" });
    const survey = await mountAsking(
      { faces: "", lang: "ja", theme: "dark" },
      "tok_ja",
      "padding: 16px; width: 560px; background: #030712",
    );
    await expect.element(page.getByRole("radio", { name: "どちらでもない" })).toBeVisible();
    expect(shadow(survey, "[part~=submit-button]").textContent).toBe("送信");
    await page.getByRole("radio", { name: "非常に満足" }).click();
    await screenshot("csat-survey-faces-dark-ja", survey.parentElement ?? survey);
  });

  test("submits a face as its score, with the prompt for 1–2, 3 and 4–5", async () => {
    const submitted = events("pulse-submit");
    const survey = await mountAsking({ faces: "" });
    await page.getByRole("radio", { name: "Dissatisfied", exact: true }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect.poll(() => survey.status).toBe("comment");
    await survey.updateComplete;
    expect(shadow(survey, "label[for=comment]").textContent).toBe("What could we do better?");
    expect(submitted).toMatchObject([{ kind: "CSAT", score: 2, survey: "csat-support" }]);
    expect([...server.responses.values()]).toMatchObject([{ score: 2, survey: "csat-support" }]);
    expect([
      await promptAfterScore("pulse-csat-survey", "csat-support", 3, "tok_b"),
      await promptAfterScore("pulse-csat-survey", "csat-support", 4, "tok_c"),
    ]).toEqual(["What would make it even better?", "What do you like most?"]);
  });

  test("floating in the bottom-left corner", async () => {
    const survey = await mountAsking({ faces: "", placement: "bottom-left" }, "tok_float", "");
    const card = shadow(survey, "[part~=base]").getBoundingClientRect();
    expect([Math.round(card.left), Math.round(window.innerHeight - card.bottom)]).toEqual([16, 16]);
    await screenshot("csat-survey-floating-bottom-left", document.body);
  });
});
