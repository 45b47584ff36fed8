/**
 * React components for the Pulse widgets, made with `@lit/react`: properties are set as
 * properties, and the Pulse events are props (`onPulseSubmit`, `onPulseDismiss`, `onPulseError`,
 * `onPulseTokenExpired`; a `tokenProvider` prop is set as the element's property).
 * `text-*` overrides pass through as attributes.
 *
 * ```tsx
 * <PulseNpsSurvey endpoint="https://pulse.example.com" publishableKey="pk_…" token={token}
 *   survey="nps-main" onPulseSubmit={(event) => console.log(event.detail.score)} />
 * ```
 */
import { createComponent, type EventName } from "@lit/react";
import * as React from "react";
import type {
  PulseDismissDetail,
  PulseErrorDetail,
  PulseSubmitDetail,
  PulseTokenExpiredDetail,
} from "../internal/events";
import { PulseCesSurvey as PulseCesSurveyElement } from "../pulse-ces-survey/pulse-ces-survey";
import { PulseCsatSurvey as PulseCsatSurveyElement } from "../pulse-csat-survey/pulse-csat-survey";
import { PulseHealthBadge as PulseHealthBadgeElement } from "../pulse-health-badge/pulse-health-badge";
import { PulseNpsSurvey as PulseNpsSurveyElement } from "../pulse-nps-survey/pulse-nps-survey";

/** Events every widget fires. */
const widgetEvents = {
  onPulseError: "pulse-error" as EventName<CustomEvent<PulseErrorDetail>>,
  onPulseTokenExpired: "pulse-token-expired" as EventName<CustomEvent<PulseTokenExpiredDetail>>,
};

const surveyEvents = {
  ...widgetEvents,
  onPulseSubmit: "pulse-submit" as EventName<CustomEvent<PulseSubmitDetail>>,
  onPulseDismiss: "pulse-dismiss" as EventName<CustomEvent<PulseDismissDetail>>,
};

export const PulseNpsSurvey = createComponent({
  tagName: "pulse-nps-survey",
  elementClass: PulseNpsSurveyElement,
  react: React,
  events: surveyEvents,
});

export const PulseCesSurvey = createComponent({
  tagName: "pulse-ces-survey",
  elementClass: PulseCesSurveyElement,
  react: React,
  events: surveyEvents,
});

export const PulseCsatSurvey = createComponent({
  tagName: "pulse-csat-survey",
  elementClass: PulseCsatSurveyElement,
  react: React,
  events: surveyEvents,
});

export const PulseHealthBadge = createComponent({
  tagName: "pulse-health-badge",
  elementClass: PulseHealthBadgeElement,
  react: React,
  events: widgetEvents,
});
