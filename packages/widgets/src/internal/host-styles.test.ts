import { afterEach, describe, expect, test } from "vitest";
import "../pulse-health-badge/pulse-health-badge";
import "../pulse-nps-survey/pulse-nps-survey";
import { acmeBadge } from "../test-support/badges";
import {
  fakePulseForEachTest,
  mount,
  mountAskingSurvey,
  screenshot,
  shadow,
  surveyAttributes,
} from "../test-support/fixtures";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({ key: "nps-main", kind: "NPS", question: "How likely are you to recommend Acme?" });
  fake.badges.set("tok_acme", acmeBadge);
});

const hostStyle = document.createElement("style");
afterEach(() => hostStyle.remove());

interface Measured {
  card: DOMRect;
  choice: DOMRect;
  question: DOMRect;
  submit: DOMRect;
  badge: DOMRect;
  text: Record<string, string>;
}

/** Mounts an NPS survey and a detailed badge and measures what a page's CSS could distort. */
async function measure(): Promise<Measured> {
  const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
  const badge = await mount("pulse-health-badge", {
    ...surveyAttributes("", "tok_acme"),
    variant: "detailed",
  });
  await expect.poll(() => badge.status).toBe("ready");
  await badge.updateComplete;
  const question = shadow(survey, "[part~=question]");
  const submit = shadow(survey, "[part~=submit-button]");
  const style = getComputedStyle(question);
  const buttonStyle = getComputedStyle(submit);
  return {
    card: shadow(survey, "[part~=base]").getBoundingClientRect(),
    choice: shadow(survey, ".choice-face").getBoundingClientRect(),
    question: question.getBoundingClientRect(),
    submit: submit.getBoundingClientRect(),
    badge: shadow(badge, "[part~=base]").getBoundingClientRect(),
    text: {
      fontSize: style.fontSize,
      fontFamily: style.fontFamily,
      lineHeight: style.lineHeight,
      letterSpacing: style.letterSpacing,
      wordSpacing: style.wordSpacing,
      textTransform: buttonStyle.textTransform,
      textAlign: style.textAlign,
      fontStyle: style.fontStyle,
      badgeFontSize: getComputedStyle(shadow(badge, "[part~=account]")).fontSize,
    },
  };
}

function sizes({ card, choice, question, submit, badge }: Measured) {
  return [card, choice, question, submit, badge].map((rect) => [
    Math.round(rect.width),
    Math.round(rect.height),
  ]);
}

describe("host page styles cannot resize or restyle the widgets", () => {
  test.each([
    ["a 62.5 % root font size", "html { font-size: 62.5%; }"],
    ["a universal 40 px font", "* { font: italic 40px/2 Georgia, serif; }"],
    [
      "inherited text properties",
      "body { letter-spacing: 6px; word-spacing: 12px; line-height: 3; text-transform: uppercase; text-align: center; font-style: italic; }",
    ],
  ])("%s", async (name, css) => {
    const reference = await measure();
    expect(reference.text).toMatchObject({
      fontSize: "17px",
      lineHeight: `${17 * 1.45}px`,
      letterSpacing: "normal",
      textTransform: "none",
      badgeFontSize: "14px",
    });
    expect(reference.choice.width).toBeGreaterThanOrEqual(24);
    expect(reference.choice.height).toBeGreaterThanOrEqual(24);
    document.body.replaceChildren();

    hostStyle.textContent = css;
    document.head.append(hostStyle);
    const hostile = await measure();
    await screenshot(`host-style-${name.replace(/\W+/g, "-")}`);
    // The same card, choice, question and button boxes, and the same text properties, as on a plain page.
    expect(sizes(hostile)).toEqual(sizes(reference));
    expect(hostile.text).toEqual(reference.text);
  });

  test("the type scale is the page's to change, through --pulse-font-size and --pulse-line-height", async () => {
    hostStyle.textContent = "pulse-nps-survey { --pulse-font-size: 20px; --pulse-line-height: 1.6; }";
    document.head.append(hostStyle);
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    const question = getComputedStyle(shadow(survey, "[part~=question]"));
    expect(question.fontSize).toBe("21.25px");
    expect(question.lineHeight).toBe(`${21.25 * 1.6}px`);
    // Sizes follow the scale: a choice is 2.5 em high (and its border) at its own text size.
    const face = shadow(survey, ".choice-face");
    const faceSize = Number.parseFloat(getComputedStyle(face).fontSize);
    expect(faceSize).toBeGreaterThan(16);
    expect(face.getBoundingClientRect().height).toBeCloseTo(faceSize * 2.5 + 2, 0);
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(1);
  });
});
