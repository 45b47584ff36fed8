import { describe, expect, onTestFinished, test } from "vitest";
import { page, userEvent } from "vitest/browser";
import "../pulse-ces-survey/pulse-ces-survey";
import "../pulse-csat-survey/pulse-csat-survey";
import "../pulse-nps-survey/pulse-nps-survey";
import { events, fakePulseForEachTest, mountAskingSurvey, surveyAttributes } from "../test-support/fixtures";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({ key: "nps-main", kind: "NPS", question: "How likely?" });
  fake.addSurvey({ key: "ces-main", kind: "CES", question: "How easy?" });
  fake.addSurvey({ key: "csat-main", kind: "CSAT", question: "How satisfied?" });
});

type Tag = "pulse-nps-survey" | "pulse-ces-survey" | "pulse-csat-survey";

/** What has focus: the page's element, and inside the survey, its part (or tag). */
function focus(survey: HTMLElement): string {
  const active = document.activeElement;
  if (active !== survey) return `page:${active?.localName ?? "none"}${active?.id ? `#${active.id}` : ""}`;
  const inner = survey.shadowRoot?.activeElement;
  return inner?.getAttribute("part") ?? inner?.localName ?? "host";
}

/** A focusable element of the page before the survey, removed when the test ends. */
function pageElement<K extends "button" | "input">(tag: K, id: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.id = id;
  element.textContent = id;
  document.body.prepend(element);
  onTestFinished(() => element.remove());
  return element;
}

describe("keyboard only, focus asserted at each step", () => {
  test.each([
    ["pulse-nps-survey", "nps-main", "1"],
    ["pulse-ces-survey", "ces-main", "2"],
    ["pulse-csat-survey", "csat-main", "2"],
  ] as const)("<%s> from the page's button to thanks and close, and back", async (tag: Tag, key, second) => {
    const before = pageElement("button", "before");
    const survey = await mountAskingSurvey(tag, surveyAttributes(key));
    const submitted = events("pulse-submit");
    before.focus();
    await userEvent.tab();
    expect(focus(survey)).toBe("dismiss-button");
    await userEvent.tab();
    expect(focus(survey)).toBe("input"); // the first choice's radio: one stop for the group
    await userEvent.keyboard("{ArrowRight}");
    expect((survey.shadowRoot?.activeElement as HTMLInputElement | null)?.value).toBe(second);
    // The live region that will announce the thanks is there from the first step.
    const liveRegion = survey.shadowRoot?.querySelector("[role=status]");
    expect(liveRegion?.textContent?.trim()).toBe("");
    await userEvent.tab();
    expect(focus(survey)).toBe("submit-button");

    // While sending, the button stays focused (busy, not disabled: a disabled button drops focus to the page).
    server.hold();
    await userEvent.keyboard("{Enter}");
    await expect.poll(() => shadowPart(survey, "submit-button").getAttribute("aria-disabled")).toBe("true");
    expect(focus(survey)).toBe("submit-button");
    server.release();
    await expect.poll(() => focus(survey)).toBe("comment");
    expect(submitted).toHaveLength(1);

    await userEvent.keyboard("Clear and quick");
    await userEvent.tab();
    expect(focus(survey)).toBe("skip-button");
    await userEvent.tab();
    expect(focus(survey)).toBe("submit-button");
    server.hold();
    await userEvent.keyboard("{Enter}");
    await expect.poll(() => shadowPart(survey, "submit-button").getAttribute("aria-disabled")).toBe("true");
    expect(focus(survey)).toBe("submit-button");
    server.release();

    // Thanks: written into the same live region; focus on the only control left, the close button.
    await expect.poll(() => survey.status).toBe("thanks");
    await expect.poll(() => focus(survey)).toBe("dismiss-button");
    expect(survey.shadowRoot?.querySelector("[role=status]")).toBe(liveRegion);
    expect(liveRegion?.textContent).toMatch(/Thank you!/);
    expect(submitted.map((detail) => detail.comment)).toEqual([null, "Clear and quick"]);

    await userEvent.keyboard("{Enter}");
    await expect.poll(() => survey.status).toBe("closed");
    // Back where the person came from.
    expect(focus(survey)).toBe("page:button#before");
  });

  test("with the mouse: Submit keeps focus while sending, Close returns it to the page's last focused element", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    await page.getByRole("radio", { name: /^9\b/ }).click();
    server.hold();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(focus(survey)).toBe("submit-button");
    server.release();
    await expect.poll(() => focus(survey)).toBe("comment");
    server.hold();
    await userEvent.keyboard("Great");
    await page.getByRole("button", { name: "Send" }).click();
    expect(focus(survey)).toBe("submit-button");
    server.release();
    await expect.poll(() => focus(survey)).toBe("dismiss-button");
  });

  test("closing a survey that focus entered from nowhere keeps focus on the survey element, not <body>", async () => {
    const survey = await mountAskingSurvey("pulse-nps-survey", surveyAttributes("nps-main"));
    shadowPart(survey, "dismiss-button").focus();
    await userEvent.keyboard("{Enter}");
    await expect.poll(() => survey.status).toBe("closed");
    expect(document.activeElement).toBe(survey);
    expect(survey.tabIndex).toBe(-1);
  });

  test("after a mouse close, focus goes back to the element focused before the survey", async () => {
    const input = pageElement("input", "search");
    const survey = await mountAskingSurvey("pulse-ces-survey", surveyAttributes("ces-main"));
    input.focus();
    await page.getByRole("button", { name: "Close survey" }).click();
    await expect.poll(() => survey.status).toBe("closed");
    expect(focus(survey)).toBe("page:input#search");
  });
});

function shadowPart(survey: HTMLElement, part: string): HTMLElement {
  const element = survey.shadowRoot?.querySelector<HTMLElement>(`[part~=${part}]`);
  if (!element) throw new Error(`no ${part}`);
  return element;
}
