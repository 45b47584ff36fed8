import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { commands, page, userEvent } from "vitest/browser";
import "../pulse-nps-survey/pulse-nps-survey";
import {
  events,
  fakePulseForEachTest,
  mount,
  mountAskingSurvey,
  screenshot,
  shadow,
  surveyAttributes,
} from "../test-support/fixtures";

fakePulseForEachTest((fake) => {
  fake.addSurvey({
    key: "nps-main",
    kind: "NPS",
    question: "How likely are you to recommend Acme to a friend or colleague?",
  });
});

const phone = { width: 360, height: 640 };

beforeEach(async () => {
  await page.viewport(phone.width, phone.height);
});
afterEach(async () => {
  await page.viewport(900, 700);
});

function boxes(survey: HTMLElement, selector: string): DOMRect[] {
  return [...(survey.shadowRoot?.querySelectorAll(selector) ?? [])].map((element) =>
    element.getBoundingClientRect(),
  );
}

describe("on a 360 px phone", () => {
  test("the floating card is a compact sheet with 0–10 in one row of 24 px targets, the labels under the ends", async () => {
    const survey = await mountAskingSurvey(
      "pulse-nps-survey",
      { ...surveyAttributes("nps-main"), placement: "bottom-right" },
      "",
    );
    const faces = boxes(survey, ".choice-face");
    expect(new Set(faces.map((face) => Math.round(face.top))).size).toBe(1);
    for (const face of faces) expect(Math.min(face.width, face.height)).toBeGreaterThanOrEqual(24);
    const [low, high] = boxes(survey, "[part~=scale-labels] > span");
    expect(low.left).toBeCloseTo(faces[0].left, 0);
    expect(high.right).toBeCloseTo(faces[10].right, 0);
    const card = shadow(survey, "[part~=base]").getBoundingClientRect();
    expect([Math.round(card.left), Math.round(phone.width - card.right)]).toEqual([8, 8]);
    const share = (card.width * card.height) / (phone.width * phone.height);
    expect(share).toBeLessThan(0.34);
    await screenshot("nps-survey-phone-360", document.body);

    survey.submitOnPick = true;
    await survey.updateComplete;
    const compact = shadow(survey, "[part~=base]").getBoundingClientRect();
    expect((compact.width * compact.height) / (phone.width * phone.height)).toBeLessThan(0.26);
    await screenshot("nps-survey-phone-360-submit-on-pick", document.body);
  });

  test("narrower than 11 targets: a deliberate two-row grid, 6–10 ending under 5, the labels at the ends", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"), "width: 260px");
    const faces = boxes(survey, ".choice-face");
    const rows = new Set(faces.map((face) => Math.round(face.top)));
    expect(rows.size).toBe(2);
    for (const face of faces) expect(Math.min(face.width, face.height)).toBeGreaterThanOrEqual(24);
    // 0–5 above; 6–10 below, right-aligned so 10 sits under 5 and no hole is left after 10.
    expect(faces[10].right).toBeCloseTo(faces[5].right, 0);
    expect(faces[6].left).toBeCloseTo(faces[1].left, 0);
    const [low, high] = boxes(survey, "[part~=scale-labels] > span");
    expect(low.left).toBeCloseTo(faces[0].left, 0);
    expect(high.right).toBeCloseTo(faces[10].right, 0);
    await screenshot("nps-survey-two-rows-260", survey.parentElement ?? survey);
  });
});

describe("submit-on-pick and the entrance", () => {
  beforeEach(async () => {
    await page.viewport(900, 700);
  });

  test("a click or tap sends the score at once; arrow keys only move, Enter sends", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main"),
      "submit-on-pick": "",
    });
    expect(survey.shadowRoot?.querySelector("[part~=submit-button]")).toBeNull();
    const submitted = events("pulse-submit");
    await page.getByRole("radio", { name: /^8\b/ }).click();
    await expect.poll(() => submitted.map((detail) => detail.score)).toEqual([8]);
    await expect.poll(() => survey.status).toBe("comment");

    const keyboard = await mountAskingSurvey("pulse-nps-survey", {
      ...surveyAttributes("nps-main", "tok_bob"),
      "submit-on-pick": "",
    });
    shadow(keyboard, 'input[value="0"]').focus();
    await userEvent.keyboard("{ArrowRight}{ArrowRight}{ArrowRight}");
    expect(keyboard.status).toBe("rating");
    expect(submitted).toHaveLength(1);
    await userEvent.keyboard("{Enter}");
    await expect.poll(() => submitted.map((detail) => detail.score)).toEqual([8, 3]);
  });

  test("the card slides in, unless the person asked for reduced motion", async () => {
    const moving = await mount("pulse-nps-survey", surveyAttributes("nps-main"));
    await expect.poll(() => moving.status).toBe("rating");
    await moving.updateComplete;
    const [entrance] = shadow(moving, "[part~=base]").getAnimations();
    expect((entrance as CSSAnimation | undefined)?.animationName).toBe("enter");

    await commands.emulateMedia({ reducedMotion: "reduce" });
    const still = await mount("pulse-nps-survey", surveyAttributes("nps-main", "tok_bob"));
    await expect.poll(() => still.status).toBe("rating");
    await still.updateComplete;
    expect(shadow(still, "[part~=base]").getAnimations()).toEqual([]);
  });
});
