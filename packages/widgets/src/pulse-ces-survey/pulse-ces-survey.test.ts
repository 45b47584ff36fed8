import { describe, expect, test } from "vitest";
import { page, userEvent } from "vitest/browser";
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
import "./pulse-ces-survey";
import type { PulseCesSurvey } from "./pulse-ces-survey";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({
    key: "ces-support",
    kind: "CES",
    question: "How easy was it to resolve your issue today?",
  });
});

function mountAsking(extra: Record<string, string> = {}, token = "tok_alice"): Promise<PulseCesSurvey> {
  return mountAskingSurvey("pulse-ces-survey", { ...surveyAttributes("ces-support", token), ...extra });
}

describe("<pulse-ces-survey>", () => {
  test("has no axe-core violations, light and dark", async () => {
    const survey = await mountAsking();
    await expectNoAxeViolations(survey);
    const dark = await mountAsking({ theme: "dark" }, "tok_bob");
    await expectNoAxeViolations(dark);
  });

  test("offers 1 to 7 with both ends named", async () => {
    const survey = await mountAsking();
    const values = [...(survey.shadowRoot?.querySelectorAll("input") ?? [])].map((input) => input.value);
    expect(values).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    await expect
      .element(page.getByRole("radiogroup", { name: "How easy was it to resolve your issue today?" }))
      .toBeVisible();
    await expect.element(page.getByRole("radio", { name: "1, Very difficult" })).toBeVisible();
    await expect.element(page.getByRole("radio", { name: "7, Very easy" })).toBeVisible();
    await screenshot("ces-survey-rating", survey.parentElement ?? survey);
  });

  test("keyboard: arrows move through the group and wrap around", async () => {
    const survey = await mountAsking();
    shadow(survey, "input[value='1']").focus();
    await userEvent.keyboard("{ArrowLeft}");
    const focused = () => survey.shadowRoot?.activeElement as HTMLInputElement;
    expect(focused().value).toBe("7");
    await userEvent.keyboard("{ArrowUp}{ArrowUp}");
    expect(focused().value).toBe("5");
    expect(focused().checked).toBe(true);
    await survey.updateComplete;
    await screenshot("ces-survey-selected", survey.parentElement ?? survey);
  });

  test("sends the score with the CES kind and picks the prompt for 1–3, 4 and 5–7", async () => {
    const submitted = events("pulse-submit");
    expect([
      await promptAfterScore("pulse-ces-survey", "ces-support", 2, "tok_a"),
      await promptAfterScore("pulse-ces-survey", "ces-support", 4, "tok_b"),
      await promptAfterScore("pulse-ces-survey", "ces-support", 5, "tok_c"),
    ]).toEqual(["What could we do better?", "What would make it even better?", "What do you like most?"]);
    expect(submitted.map(({ kind, score }) => ({ kind, score }))).toEqual([
      { kind: "CES", score: 2 },
      { kind: "CES", score: 4 },
      { kind: "CES", score: 5 },
    ]);
    expect([...server.responses.values()].map((response) => response.score)).toEqual([2, 4, 5]);
  });

  test("Spanish built-in texts from the lang attribute", async () => {
    server.addSurvey({ key: "ces-support", kind: "CES", question: "" });
    const survey = await mountAsking({ lang: "es" });
    expect(shadow(survey, "[part~=question]").textContent).toBe(
      "¿Qué tan fácil le resultó conseguir lo que necesitaba hoy?",
    );
    expect(shadow(survey, "[part~=scale-labels]").textContent).toMatch(/Muy difícil\s*Muy fácil/);
    await screenshot("ces-survey-es", survey.parentElement ?? survey);
  });
});
