import type { Catalog } from "../internal/i18n";
import type { ScaleMessages } from "../internal/survey.messages";

/** Besides both ends, CSAT names the three middle faces. */
export type CsatScaleMessages = ScaleMessages & {
  dissatisfied: string;
  neutral: string;
  satisfied: string;
};

export const csatMessages: Catalog<CsatScaleMessages> = {
  en: {
    question: "How satisfied are you with your experience?",
    lowLabel: "Very dissatisfied",
    dissatisfied: "Dissatisfied",
    neutral: "Neutral",
    satisfied: "Satisfied",
    highLabel: "Very satisfied",
  },
  de: {
    question: "Wie zufrieden sind Sie mit Ihrer Erfahrung?",
    lowLabel: "Sehr unzufrieden",
    dissatisfied: "Unzufrieden",
    neutral: "Neutral",
    satisfied: "Zufrieden",
    highLabel: "Sehr zufrieden",
  },
  fr: {
    question: "Dans quelle mesure êtes-vous satisfait de votre expérience\u00a0?",
    lowLabel: "Très insatisfait",
    dissatisfied: "Insatisfait",
    neutral: "Neutre",
    satisfied: "Satisfait",
    highLabel: "Très satisfait",
  },
  es: {
    question: "¿Qué tan satisfecho está con su experiencia?",
    lowLabel: "Muy insatisfecho",
    dissatisfied: "Insatisfecho",
    neutral: "Neutral",
    satisfied: "Satisfecho",
    highLabel: "Muy satisfecho",
  },
  pt: {
    question: "Qual é o seu nível de satisfação com a sua experiência?",
    lowLabel: "Muito insatisfeito",
    dissatisfied: "Insatisfeito",
    neutral: "Neutro",
    satisfied: "Satisfeito",
    highLabel: "Muito satisfeito",
  },
  ja: {
    question: "今回のご体験にどの程度満足されましたか？",
    lowLabel: "非常に不満",
    dissatisfied: "不満",
    neutral: "どちらでもない",
    satisfied: "満足",
    highLabel: "非常に満足",
  },
  ar: {
    question: "ما مدى رضاك عن تجربتك؟",
    lowLabel: "غير راضٍ إطلاقًا",
    dissatisfied: "غير راضٍ",
    neutral: "محايد",
    satisfied: "راضٍ",
    highLabel: "راضٍ جدًا",
  },
  he: {
    question: "עד כמה היית מרוצה מהחוויה שלך?",
    lowLabel: "לא מרוצה בכלל",
    dissatisfied: "לא מרוצה",
    neutral: "ניטרלי",
    satisfied: "מרוצה",
    highLabel: "מרוצה מאוד",
  },
};
