import { describe, expect, test } from "vitest";
import { commands, page, userEvent } from "vitest/browser";
import { expectNoAxeViolations } from "../test-support/axe";
import { fakeEndpoint, fakePublishableKey } from "../test-support/fake-pulse-graphql";
import {
  events,
  fakePulseForEachTest,
  mount,
  mountAskingSurvey,
  promptAfterScore,
  screenshot,
  shadow,
  surveyAttributes,
} from "../test-support/fixtures";
import "./pulse-nps-survey";
import type { PulseNpsSurvey } from "./pulse-nps-survey";

const server = fakePulseForEachTest((fake) => {
  fake.addSurvey({
    key: "nps-main",
    kind: "NPS",
    question: "How likely are you to recommend Acme to a friend or colleague?",
    reaskIntervalDays: 90,
  });
});

function attributes(token = "tok_alice"): Record<string, string> {
  return surveyAttributes("nps-main", token);
}

function mountAsking(extra: Record<string, string> = {}, frameStyle?: string): Promise<PulseNpsSurvey> {
  return mountAskingSurvey("pulse-nps-survey", { ...attributes(), ...extra }, frameStyle);
}

async function answer(score: number): Promise<void> {
  await page.getByRole("radio", { name: new RegExp(`^${score}\\b`) }).click();
  await page.getByRole("button", { name: "Submit" }).click();
}

describe("<pulse-nps-survey>", () => {
  test("has no axe-core violations in any step, light and dark", async () => {
    const survey = await mountAsking();
    await expectNoAxeViolations(survey);
    await page.getByRole("radio", { name: /^3\b/ }).click();
    await expectNoAxeViolations(survey);
    await page.getByRole("button", { name: "Submit" }).click();
    await expect.poll(() => survey.status).toBe("comment");
    await expectNoAxeViolations(survey);
    await page.getByRole("button", { name: "Skip" }).click();
    await expectNoAxeViolations(survey);

    const dark = await mount(
      "pulse-nps-survey",
      { ...attributes("tok_bob"), theme: "dark" },
      "padding: 16px; background: #000",
    );
    await expect.poll(() => dark.status).toBe("rating");
    await expectNoAxeViolations(dark);
  });

  test("asks the server for the survey with the publishable key and the token unchanged, then shows its question", async () => {
    server.hold();
    const survey = await mount("pulse-nps-survey", attributes());
    await expect.poll(() => survey.status).toBe("loading");
    // Nothing flashes while the server has not said whether to ask.
    expect(survey.shadowRoot?.querySelector("[part~=base]")).toBeNull();
    server.release();
    await expect.poll(() => survey.status).toBe("rating");
    const [request] = server.operations("PulseWidgetSurvey");
    expect(request.authorization).toBe(`Bearer ${fakePublishableKey}`);
    // The page's language goes along, so the server answers with the survey's texts in it.
    expect(request.variables).toEqual({ survey: "nps-main", token: "tok_alice", locale: "en" });
    await survey.updateComplete;
    expect(shadow(survey, "[part~=question]").textContent).toBe(
      "How likely are you to recommend Acme to a friend or colleague?",
    );
    expect(survey.shadowRoot?.querySelectorAll("input[type=radio]")).toHaveLength(11);
    expect(shadow(survey, "[part~=scale-labels]").textContent).toMatch(
      /Not at all likely\s*Extremely likely/,
    );
    await screenshot("nps-survey-rating", survey.parentElement ?? survey);
  });

  test("the scale is a radio group with one tab stop, arrow keys and a visible focus ring", async () => {
    const before = document.createElement("button");
    before.textContent = "before";
    document.body.prepend(before);
    try {
      const survey = await mountAsking();
      before.focus();
      await userEvent.tab(); // the close button
      expect(survey.shadowRoot?.activeElement?.getAttribute("part")).toBe("dismiss-button");
      await userEvent.tab(); // into the group: one stop
      const focused = () => survey.shadowRoot?.activeElement as HTMLInputElement;
      expect(focused().type).toBe("radio");
      expect(focused().value).toBe("0");
      const face = focused().nextElementSibling as HTMLElement;
      expect(getComputedStyle(face).outlineStyle).toBe("solid");
      expect(getComputedStyle(face).outlineWidth).toBe("2px");

      await userEvent.keyboard(
        "{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}{ArrowRight}",
      );
      expect(focused().value).toBe("8");
      expect(focused().checked).toBe(true);
      await userEvent.keyboard("{ArrowLeft}");
      expect(focused().value).toBe("7");
      await survey.updateComplete;
      expect(shadow(survey, "[part~=choice-selected]").textContent?.trim()).toBe("7");
      await screenshot("nps-survey-keyboard-focus", survey.parentElement ?? survey);

      await userEvent.tab(); // leaves the group straight to the submit button
      expect(survey.shadowRoot?.activeElement?.getAttribute("part")).toBe("submit-button");
      const submitted = events("pulse-submit");
      await userEvent.keyboard("{Enter}");
      await expect.poll(() => submitted.length).toBe(1);
      expect(submitted[0].score).toBe(7);
      // Focus follows the step: the comment field of the next step.
      await expect
        .poll(() => (survey.shadowRoot?.activeElement as HTMLElement | null)?.localName)
        .toBe("textarea");
    } finally {
      before.remove();
    }
  });

  test("labels are read: the group is named by the question and the ends by their labels", async () => {
    await mountAsking();
    await expect.element(page.getByRole("radiogroup", { name: /recommend Acme/ })).toBeInTheDocument();
    await expect.element(page.getByRole("radio", { name: "0, Not at all likely" })).toBeInTheDocument();
    await expect.element(page.getByRole("radio", { name: "10, Extremely likely" })).toBeInTheDocument();
    await expect.element(page.getByRole("radio", { name: "5", exact: true })).toBeInTheDocument();
  });

  test("submitting without a score asks for one and sends nothing", async () => {
    const survey = await mountAsking();
    await page.getByRole("button", { name: "Submit" }).click();
    await expect.element(page.getByRole("alert")).toHaveTextContent("Please choose a score first.");
    expect(server.submissions()).toHaveLength(0);
    // Focus goes to the scale, where the missing answer is.
    expect(survey.shadowRoot?.activeElement).toBe(shadow(survey, "input[value='0']"));
  });

  test("submits the score, then the comment under the same response id, then thanks", async () => {
    const survey = await mountAsking();
    const submitted = events("pulse-submit");
    await answer(4);
    await expect.poll(() => survey.status).toBe("comment");
    await survey.updateComplete;
    // A detractor gets the "do better" prompt.
    expect(shadow(survey, "label[for=comment]").textContent).toBe("What could we do better?");
    await screenshot("nps-survey-comment", survey.parentElement ?? survey);

    await page.getByRole("textbox", { name: "What could we do better?" }).fill("Faster exports, please.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => survey.status).toBe("thanks");
    await survey.updateComplete;
    expect(shadow(survey, "[part~=thanks]").textContent).toMatch(
      /Thank you!\s*Your feedback helps us improve\./,
    );
    await screenshot("nps-survey-thanks", survey.parentElement ?? survey);

    expect(server.responses.size).toBe(1);
    const [stored] = server.responses.values();
    expect(stored).toMatchObject({
      score: 4,
      comment: "Faster exports, please.",
      token: "tok_alice",
      writes: 2,
    });
    const [first, second] = server.submissions().map((request) => request.variables.input);
    expect(first).toEqual({
      survey: "nps-main",
      token: "tok_alice",
      responseId: stored.responseId,
      score: 4,
    });
    expect(second).toEqual({ ...(first as object), comment: "Faster exports, please." });
    expect(stored.responseId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(submitted).toEqual([
      {
        survey: "nps-main",
        kind: "NPS",
        responseId: stored.responseId,
        score: 4,
        comment: null,
        delivery: "stored",
      },
      {
        survey: "nps-main",
        kind: "NPS",
        responseId: stored.responseId,
        score: 4,
        comment: "Faster exports, please.",
        delivery: "stored",
      },
    ]);
  });

  test("the follow-up prompt depends on the score: 0–6, 7–8, 9–10", async () => {
    expect([
      await promptAfterScore("pulse-nps-survey", "nps-main", 6, "tok_a"),
      await promptAfterScore("pulse-nps-survey", "nps-main", 7, "tok_b"),
      await promptAfterScore("pulse-nps-survey", "nps-main", 9, "tok_c"),
    ]).toEqual(["What could we do better?", "What would make it even better?", "What do you like most?"]);
  });

  test("skipping the comment keeps the score-only answer; follow-up=off goes straight to thanks", async () => {
    const survey = await mountAsking({ "follow-up": "off" });
    await answer(10);
    await expect.poll(() => survey.status).toBe("thanks");
    expect([...server.responses.values()]).toMatchObject([{ score: 10, comment: null }]);
  });

  test("a lost acknowledgement is retried under the same response id and stored once", async () => {
    await mountAsking();
    const submitted = events("pulse-submit");
    // The server stores the answer, then the connection drops before the widget hears back.
    server.failNext("lost-ack");
    await answer(9);
    await expect.poll(() => submitted.length).toBe(1);
    expect(submitted[0].delivery).toBe("queued");
    expect(server.responses.size).toBe(1);

    window.dispatchEvent(new Event("online"));
    await expect.poll(() => server.submissions().length).toBe(2);
    const ids = new Set(
      server.submissions().map((r) => (r.variables.input as { responseId: string }).responseId),
    );
    expect(ids.size).toBe(1);
    expect(server.responses.size).toBe(1);
    expect([...server.responses.values()][0]).toMatchObject({ score: 9, writes: 2 });
  });

  test("a server error is retried with backoff, without any online event", async () => {
    const survey = await mountAsking({ "follow-up": "off" });
    server.failNext("server-error");
    await answer(8);
    await expect.poll(() => survey.status).toBe("thanks");
    expect(server.responses.size).toBe(0);
    // The notice says what happened: the server, not the network.
    await expect.element(page.getByRole("status").last()).toHaveTextContent(/server is not answering/);
    // First retry after 2 s ± 20 %.
    await expect.poll(() => server.responses.size, { timeout: 4_000, interval: 200 }).toBe(1);
    await expect.poll(() => survey.shadowRoot?.querySelector("[part~=message]")).toBeNull();
  });

  test("offline: the answer and its comment wait in the outbox as one entry and are sent once back online", async () => {
    const online = await mountAsking();
    const submitted = events("pulse-submit");

    server.offline = true;
    await answer(3);
    await expect.poll(() => online.status).toBe("comment");
    await online.updateComplete;
    await expect
      .element(page.getByRole("status"))
      .toHaveTextContent("You seem to be offline. Your answer is saved and will be sent automatically.");
    await screenshot("nps-survey-offline-comment", online.parentElement ?? online);
    await page.getByRole("textbox").fill("Too slow on mobile.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => online.status).toBe("thanks");
    expect(submitted.map((detail) => detail.delivery)).toEqual(["queued", "queued"]);
    const outbox = JSON.parse(localStorage.getItem("pulse-widgets:outbox:v1") ?? "{}") as Record<
      string,
      unknown
    >;
    expect(Object.keys(outbox)).toEqual([`response:${submitted[0].responseId}`]);
    expect(server.responses.size).toBe(0);

    server.offline = false;
    window.dispatchEvent(new Event("online"));
    await expect.poll(() => server.responses.size).toBe(1);
    // Only the latest state was sent: score and comment together, once.
    expect(server.submissions()).toHaveLength(1);
    expect([...server.responses.values()][0]).toMatchObject({
      score: 3,
      comment: "Too slow on mobile.",
      writes: 1,
    });
    await expect.poll(() => localStorage.getItem("pulse-widgets:outbox:v1")).toBeNull();
    await expect.poll(() => online.shadowRoot?.querySelector("[part~=message]")).toBeNull();
  });

  test("an answer still waiting in the outbox is not asked for again, and arrives by itself", async () => {
    const first = await mountAsking({ "follow-up": "off" });
    server.offline = true;
    await answer(5);
    await expect.poll(() => first.status).toBe("thanks");
    first.parentElement?.remove();

    // Same contact, network back: the server has not seen the answer yet, so it would say "ask".
    server.offline = false;
    const again = await mount("pulse-nps-survey", attributes());
    expect(again.status).toBe("hidden");
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(1);
    // The outbox's backoff timer (2 s ± 20 %) sends it without any online event.
    await expect.poll(() => server.responses.size, { timeout: 4_000, interval: 200 }).toBe(1);
  });

  test("re-ask: the server's shouldAsk decides, even with nothing in localStorage", async () => {
    const survey = await mountAsking({ "follow-up": "off" });
    await answer(9);
    await expect.poll(() => survey.status).toBe("thanks");
    survey.parentElement?.remove();

    localStorage.clear();
    const sameContact = await mount("pulse-nps-survey", attributes());
    await expect.poll(() => sameContact.status).toBe("hidden");
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(2);
    expect(sameContact.shadowRoot?.children).toHaveLength(0);
    expect(sameContact.getBoundingClientRect().height).toBe(0);

    const otherContact = await mount("pulse-nps-survey", attributes("tok_carol"));
    await expect.poll(() => otherContact.status).toBe("rating");
  });

  test("re-ask: answered on this device, not asked again within the interval without a server round trip", async () => {
    const survey = await mountAsking({ "follow-up": "off" });
    await answer(9);
    await expect.poll(() => survey.status).toBe("thanks");
    const again = await mount("pulse-nps-survey", attributes());
    expect(again.status).toBe("hidden");
    expect(server.operations("PulseWidgetSurvey")).toHaveLength(1);
  });

  test("dismiss: closes, tells the server, fires pulse-dismiss, and is not shown again", async () => {
    const survey = await mountAsking();
    const dismissed = events("pulse-dismiss");
    await page.getByRole("button", { name: "Close survey" }).click();
    await expect.poll(() => survey.status).toBe("closed");
    expect(dismissed).toEqual([{ survey: "nps-main", kind: "NPS", answered: false }]);
    await expect.poll(() => server.dismissals.length).toBe(1);
    expect(server.dismissals[0]).toMatchObject({ survey: "nps-main", token: "tok_alice" });
    expect(server.responses.size).toBe(0);
    expect(survey.shadowRoot?.children).toHaveLength(0);

    localStorage.clear();
    const again = await mount("pulse-nps-survey", attributes());
    await expect.poll(() => again.status).toBe("hidden");
  });

  test("closing after answering is not a dismissal", async () => {
    const survey = await mountAsking();
    const dismissed = events("pulse-dismiss");
    await answer(8);
    await expect.poll(() => survey.status).toBe("comment");
    await page.getByRole("button", { name: "Close survey" }).click();
    expect(dismissed).toEqual([{ survey: "nps-main", kind: "NPS", answered: true }]);
    expect(server.operations("PulseDismissSurvey")).toHaveLength(0);
  });

  test("errors: a refused token hides the survey and fires pulse-error with the server's code", async () => {
    const errors = events("pulse-error");
    const survey = await mount("pulse-nps-survey", { ...attributes(), token: "forged" });
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toEqual({
      code: "INVALID_TOKEN",
      message: "The token is not valid.",
      operation: "widgetSurvey",
      retryable: false,
    });
    expect(survey.status).toBe("hidden");
  });

  test("errors: a refused answer says so, keeps the step, and can be sent again under the same id", async () => {
    const survey = await mountAsking();
    const errors = events("pulse-error");
    server.failNext({ code: "BAD_USER_INPUT" });
    await answer(6);
    await expect
      .element(page.getByRole("alert"))
      .toHaveTextContent("Your answer could not be sent. Please try again.");
    expect(errors).toMatchObject([
      { code: "BAD_USER_INPUT", operation: "submitSurveyResponse", retryable: false },
    ]);
    expect(survey.status).toBe("rating");
    await page.getByRole("button", { name: "Submit" }).click();
    await expect.poll(() => survey.status).toBe("comment");
    const ids = server.submissions().map((r) => (r.variables.input as { responseId: string }).responseId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(server.responses.size).toBe(1);
  });

  test("errors: missing attributes and a survey of another kind are reported", async () => {
    const errors = events("pulse-error");
    const unconfigured = await mount("pulse-nps-survey", { endpoint: fakeEndpoint });
    expect(errors).toMatchObject([{ code: "MISSING_CONFIGURATION", operation: null }]);
    expect(unconfigured.status).toBe("hidden");

    // Attributes set later (as frameworks do) load the survey then.
    unconfigured.setAttribute("publishable-key", fakePublishableKey);
    unconfigured.setAttribute("token", "tok_late");
    unconfigured.setAttribute("survey", "nps-main");
    await expect.poll(() => unconfigured.status).toBe("rating");

    server.addSurvey({ key: "csat-support", kind: "CSAT" });
    const wrongKind = await mount("pulse-nps-survey", { ...attributes(), survey: "csat-support" });
    await expect.poll(() => errors.length).toBe(2);
    expect(errors[1].code).toBe("WRONG_SURVEY_KIND");
    expect(wrongKind.status).toBe("hidden");
  });

  test("i18n: built-in texts follow the lang attribute, then the page language; text-* attributes win", async () => {
    server.addSurvey({ key: "nps-main", kind: "NPS", question: "" });
    const german = await mountAsking({ lang: "de" });
    expect(shadow(german, "[part~=question]").textContent).toBe(
      "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
    );
    expect(shadow(german, "[part~=submit-button]").textContent).toBe("Absenden");
    await screenshot("nps-survey-de", german.parentElement ?? german);

    document.documentElement.lang = "pt-BR";
    const portuguese = await mount("pulse-nps-survey", attributes("tok_pt"));
    await expect.poll(() => portuguese.status).toBe("rating");
    await portuguese.updateComplete;
    expect(shadow(portuguese, "[part~=submit-button]").textContent).toBe("Enviar");
    document.documentElement.lang = "ja";
    await expect.poll(() => shadow(portuguese, "[part~=submit-button]").textContent).toBe("送信");
    await expect
      .poll(() => shadow(portuguese, "[part~=scale-labels]").textContent)
      .toMatch(/まったく薦めない/);

    const custom = await mount("pulse-nps-survey", {
      ...attributes("tok_custom"),
      lang: "fr",
      "text-question": "Recommanderiez-vous Acme ?",
      "text-submit": "C’est parti",
    });
    await expect.poll(() => custom.status).toBe("rating");
    await custom.updateComplete;
    expect(shadow(custom, "[part~=question]").textContent).toBe("Recommanderiez-vous Acme ?");
    expect(shadow(custom, "[part~=submit-button]").textContent).toBe("C’est parti");
    expect(shadow(custom, "[part~=scale-labels]").textContent).toMatch(/Pas du tout probable/);
    custom.setAttribute("text-submit", "Envoyer maintenant");
    await custom.updateComplete;
    expect(shadow(custom, "[part~=submit-button]").textContent).toBe("Envoyer maintenant");
  });

  test("i18n: the server's follow-up question is used for every score unless an attribute replaces it", async () => {
    server.addSurvey({ key: "nps-main", kind: "NPS", followUpQuestion: "Tell us why?" });
    const survey = await mountAsking({ "text-follow-up-high": "What do you love?" });
    await answer(2);
    await expect.poll(() => survey.status).toBe("comment");
    await survey.updateComplete;
    expect(shadow(survey, "label[for=comment]").textContent).toBe("Tell us why?");
  });

  test("theming: ::part and custom properties from the page reach inside; no page CSS leaks in or out", async () => {
    const style = document.createElement("style");
    style.textContent = `
      pulse-nps-survey.branded { --pulse-color-accent: rgb(0, 95, 115); --pulse-radius: 2px; }
      pulse-nps-survey.branded::part(submit-button) { text-transform: uppercase; }
      pulse-nps-survey.branded::part(question) { font-style: italic; }
      button { background: rgb(255, 0, 0) !important; }
      p { color: rgb(255, 0, 0); }
    `;
    document.head.append(style);
    try {
      const survey = await mountAsking({ class: "branded" });
      const submit = shadow(survey, "[part~=submit-button]");
      expect(getComputedStyle(submit).textTransform).toBe("uppercase");
      expect(getComputedStyle(submit).backgroundColor).toBe("rgb(0, 95, 115)");
      expect(getComputedStyle(shadow(survey, "[part~=question]")).fontStyle).toBe("italic");
      // The page's rule for every <p> does not reach the question (a <p> in the shadow root).
      expect(getComputedStyle(shadow(survey, "[part~=question]")).color).toBe("rgb(17, 24, 39)");
      expect(getComputedStyle(shadow(survey, "[part~=base]")).borderTopLeftRadius).toBe("2px");
      await page.getByRole("radio", { name: /^9\b/ }).click();
      await screenshot("nps-survey-branded", survey.parentElement ?? survey);
      // Nothing the widget styles leaks out: the page's own labels and textareas keep browser defaults.
      const pageLabel = document.createElement("label");
      pageLabel.className = "heading";
      document.body.append(pageLabel);
      expect(getComputedStyle(pageLabel).fontWeight).toBe("400");
      expect(getComputedStyle(pageLabel).display).toBe("inline");
      pageLabel.remove();
      expect(survey.shadowRoot?.adoptedStyleSheets.length).toBeGreaterThan(0);
      expect(survey.shadowRoot?.querySelector("style")).toBeNull();
    } finally {
      style.remove();
    }
  });

  test("theming: light, dark, and auto following the system", async () => {
    const light = await mountAsking();
    const surface = () => getComputedStyle(shadow(light, "[part~=base]")).backgroundColor;
    expect(surface()).toBe("rgb(255, 255, 255)");
    light.theme = "dark";
    await light.updateComplete;
    expect(light.getAttribute("theme")).toBe("dark");
    expect(surface()).toBe("rgb(17, 24, 39)");
    light.parentElement?.setAttribute("style", "padding: 16px; width: 560px; background: #030712");
    await page.getByRole("radio", { name: /^6\b/ }).click();
    await screenshot("nps-survey-dark", light.parentElement ?? light);

    light.theme = "auto";
    await light.updateComplete;
    expect(surface()).toBe("rgb(255, 255, 255)");
    await commands.emulateMedia({ colorScheme: "dark" });
    expect(surface()).toBe("rgb(17, 24, 39)");
  });

  test("forced colours: system colours, and the chosen score stays visible", async () => {
    await commands.emulateMedia({ forcedColors: "active" });
    const survey = await mountAsking();
    await page.getByRole("radio", { name: /^7\b/ }).click();
    const systemColor = (name: string) => {
      const probe = document.createElement("span");
      probe.style.color = name;
      document.body.append(probe);
      const value = getComputedStyle(probe).color;
      probe.remove();
      return value;
    };
    const chosen = shadow(survey, "[part~=choice-selected] .choice-face");
    // Polled: the colour change is a short transition.
    await expect.poll(() => getComputedStyle(chosen).backgroundColor).toBe(systemColor("Highlight"));
    expect(getComputedStyle(chosen).color).toBe(systemColor("HighlightText"));
    const submit = shadow(survey, "[part~=submit-button]");
    expect(getComputedStyle(submit).color).toBe(systemColor("ButtonText"));
    expect(getComputedStyle(submit).backgroundColor).toBe(systemColor("ButtonFace"));
    await screenshot("nps-survey-forced-colors", survey.parentElement ?? survey);
  });

  test("on a phone-wide card, every choice keeps a 24 px target (two rows below 20rem)", async () => {
    for (const width of [360, 300]) {
      const survey = await mount(
        "pulse-nps-survey",
        attributes(`tok_w${width}`),
        `padding: 8px; width: ${width}px`,
      );
      await expect.poll(() => survey.status).toBe("rating");
      await survey.updateComplete;
      const faces = [...(survey.shadowRoot?.querySelectorAll(".choice-face") ?? [])];
      for (const face of faces) {
        const box = face.getBoundingClientRect();
        expect(Math.min(box.width, box.height), `${width}px`).toBeGreaterThanOrEqual(24);
      }
      await screenshot(`nps-survey-${width}px`, survey.parentElement ?? survey);
    }
  });

  test("floating placement sits in the chosen corner of the viewport", async () => {
    const survey = await mountAsking({ placement: "bottom-right" }, "");
    const card = shadow(survey, "[part~=base]").getBoundingClientRect();
    expect(getComputedStyle(shadow(survey, "[part~=base]")).position).toBe("fixed");
    expect(Math.round(window.innerWidth - card.right)).toBe(16);
    expect(Math.round(window.innerHeight - card.bottom)).toBe(16);
    await expectNoAxeViolations(survey);
    await screenshot("nps-survey-floating-bottom-right", document.body);
    survey.placement = "top-left";
    await survey.updateComplete;
    const moved = shadow(survey, "[part~=base]").getBoundingClientRect();
    expect([Math.round(moved.left), Math.round(moved.top)]).toEqual([16, 16]);
  });

  test("corners are logical: bottom-end (and bottom-right) mirror to the left on a right-to-left page", async () => {
    const edges = (survey: HTMLElement) => {
      const card = shadow(survey, "[part~=base]").getBoundingClientRect();
      return {
        left: Math.round(card.left),
        right: Math.round(window.innerWidth - card.right),
        top: Math.round(card.top),
        bottom: Math.round(window.innerHeight - card.bottom),
      };
    };
    const survey = await mountAsking({ placement: "bottom-end" }, "");
    expect(edges(survey)).toMatchObject({ right: 16, bottom: 16 });
    document.documentElement.dir = "rtl";
    document.documentElement.lang = "ar";
    try {
      await survey.updateComplete;
      expect(edges(survey)).toMatchObject({ left: 16, bottom: 16 });
      await expectNoAxeViolations(survey);
      await screenshot("nps-survey-floating-rtl-bottom-end", document.body);
      survey.placement = "bottom-right";
      await survey.updateComplete;
      expect(edges(survey)).toMatchObject({ left: 16, bottom: 16 });
      survey.placement = "top-start";
      await survey.updateComplete;
      expect(edges(survey)).toMatchObject({ right: 16, top: 16 });
      survey.placement = "top-left";
      await survey.updateComplete;
      expect(edges(survey)).toMatchObject({ right: 16, top: 16 });
    } finally {
      document.documentElement.removeAttribute("dir");
    }
  });
});
