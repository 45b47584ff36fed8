/**
 * Every Pulse widget, registered on import. Import a single widget's module instead
 * (`@pulse/widgets/pulse-nps-survey.js`) to ship only that one.
 */
export type {
  HealthBand,
  PulseConnection,
  PulseErrorCode,
  SurveyKind,
  WidgetBadge,
  WidgetBadgeComponent,
  WidgetBadgePoint,
  WidgetSurvey,
} from "./internal/client";
export type {
  PulseDismissDetail,
  PulseErrorDetail,
  PulseEventDetails,
  PulseOperationName,
  PulseSubmitDetail,
} from "./internal/events";
export type { Language } from "./internal/i18n";
export type { Theme } from "./internal/pulse-element";
export type { SurveyPlacement, SurveyStatus } from "./internal/survey-element";
export { PulseCesSurvey } from "./pulse-ces-survey/pulse-ces-survey";
export { PulseCsatSurvey } from "./pulse-csat-survey/pulse-csat-survey";
export {
  type HealthBadgeStatus,
  type HealthBadgeVariant,
  PulseHealthBadge,
} from "./pulse-health-badge/pulse-health-badge";
export { PulseNpsSurvey } from "./pulse-nps-survey/pulse-nps-survey";
