import type { Catalog } from "../internal/i18n";
import type { ScaleMessages } from "../internal/survey.messages";

export const cesMessages: Catalog<ScaleMessages> = {
  en: {
    question: "How easy was it to get what you needed today?",
    lowLabel: "Very difficult",
    highLabel: "Very easy",
  },
  de: {
    question: "Wie einfach war es heute, das zu erledigen, was Sie brauchten?",
    lowLabel: "Sehr schwierig",
    highLabel: "Sehr einfach",
  },
  fr: {
    question: "Dans quelle mesure a-t-il été facile d’obtenir ce dont vous aviez besoin aujourd’hui\u00a0?",
    lowLabel: "Très difficile",
    highLabel: "Très facile",
  },
  es: {
    question: "¿Qué tan fácil le resultó conseguir lo que necesitaba hoy?",
    lowLabel: "Muy difícil",
    highLabel: "Muy fácil",
  },
  pt: {
    question: "Quão fácil foi conseguir o que você precisava hoje?",
    lowLabel: "Muito difícil",
    highLabel: "Muito fácil",
  },
  ja: {
    question: "本日、必要なことをどのくらい簡単に行えましたか？",
    lowLabel: "非常に難しい",
    highLabel: "非常に簡単",
  },
  ar: {
    question: "ما مدى سهولة إنجاز ما احتجت إليه اليوم؟",
    lowLabel: "صعب جدًا",
    highLabel: "سهل جدًا",
  },
  he: {
    question: "עד כמה היה קל לבצע היום את מה שהיה דרוש לך?",
    lowLabel: "קשה מאוד",
    highLabel: "קל מאוד",
  },
};
