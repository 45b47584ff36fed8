import { afterEach, beforeEach, expect } from "vitest";
import { commands, page } from "vitest/browser";
import type { PulseEventDetails } from "../internal/events";
import { FakePulseGraphQL, fakeEndpoint, fakePublishableKey } from "./fake-pulse-graphql";

declare module "vitest/browser" {
  interface BrowserCommands {
    /** Playwright's `page.emulateMedia` (colour scheme, forced colours, reduced motion), see vitest.config.ts. */
    emulateMedia(options: {
      colorScheme?: "light" | "dark" | null;
      forcedColors?: "active" | "none" | null;
      reducedMotion?: "reduce" | "no-preference" | null;
    }): Promise<void>;
  }
}

const mounted: HTMLElement[] = [];
let listeners = new AbortController();

afterEach(async () => {
  for (const element of mounted.splice(0)) element.remove();
  listeners.abort();
  listeners = new AbortController();
  localStorage.clear();
  document.documentElement.lang = "en";
  await commands.emulateMedia({ colorScheme: null, forcedColors: null, reducedMotion: null });
});

/**
 * Adds a widget to the page with the given attributes (in a padded frame, so screenshots show its
 * edges and focus rings) and waits for its first render.
 */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  frameStyle = "padding: 16px; width: 560px",
): Promise<HTMLElementTagNameMap[K]> {
  const frame = document.createElement("div");
  frame.setAttribute("style", frameStyle);
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  frame.append(element);
  document.body.append(frame);
  mounted.push(frame);
  await (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
  return element;
}

/** Waits for the widget's render and its entrance animation (measurements and contrast checks want the end state). */
export async function settled(element: HTMLElement & { updateComplete?: Promise<unknown> }): Promise<void> {
  await element.updateComplete;
  await Promise.all((element.shadowRoot?.getAnimations() ?? []).map((animation) => animation.finished));
}

/** Element inside a widget's shadow root. */
export function shadow<T extends Element = HTMLElement>(host: Element, selector: string): T {
  const found = host.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`No ${selector} in <${host.localName}>`);
  return found;
}

/** Writes packages/widgets/screenshots/<name>.png for a person to look at (gitignored). */
export async function screenshot(name: string, element?: Element): Promise<void> {
  // Vitest takes the path relative to the running test file; climb from its folder to the package.
  const testPath = expect.getState().testPath ?? "";
  const inPackage = testPath.slice(testPath.lastIndexOf("/packages/widgets/") + "/packages/widgets/".length);
  const up = "../".repeat(inPackage.split("/").length - 1);
  await page.screenshot({ path: `${up}screenshots/${name}.png`, element: element ?? document.body });
}

/** Collects the details of one Pulse event type fired by any widget, until the test ends. */
export function events<K extends keyof PulseEventDetails>(type: K): PulseEventDetails[K][] {
  const seen: PulseEventDetails[K][] = [];
  document.addEventListener(type, (event) => seen.push(event.detail as PulseEventDetails[K]), {
    signal: listeners.signal,
  });
  return seen;
}

/** The attributes connecting a survey to the fake endpoint. */
export function surveyAttributes(survey: string, token = "tok_alice"): Record<string, string> {
  return { endpoint: fakeEndpoint, "publishable-key": fakePublishableKey, token, survey };
}

type SurveyTag = "pulse-nps-survey" | "pulse-ces-survey" | "pulse-csat-survey";

/**
 * The fake Pulse endpoint for every test of a file: installed fresh before each test and
 * configured by `setup`, removed after it.
 */
export function fakePulseForEachTest(setup: (fake: FakePulseGraphQL) => void): FakePulseGraphQL {
  const fake = new FakePulseGraphQL();
  beforeEach(() => {
    fake.reset();
    fake.install();
    setup(fake);
  });
  afterEach(() => fake.uninstall());
  return fake;
}

/** Mounts a survey and waits until it asks its question. */
export async function mountAskingSurvey<K extends SurveyTag>(
  tag: K,
  attributes: Record<string, string>,
  frameStyle?: string,
): Promise<HTMLElementTagNameMap[K]> {
  const survey = await mount(tag, attributes, frameStyle);
  await expect.poll(() => survey.status).toBe("rating");
  await settled(survey);
  return survey;
}

/** Answers `score` in a fresh survey for `token` and returns the comment prompt it then shows. */
export async function promptAfterScore(
  tag: SurveyTag,
  survey: string,
  score: number,
  token: string,
): Promise<string> {
  const element = await mountAskingSurvey(tag, surveyAttributes(survey, token));
  shadow(element, `input[value="${score}"]`).click();
  shadow(element, "[part~=submit-button]").click();
  await expect.poll(() => element.status).toBe("comment");
  await element.updateComplete;
  const prompt = shadow(element, "label[for=comment]").textContent ?? "";
  element.parentElement?.remove();
  return prompt;
}
