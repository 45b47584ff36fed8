import type { Catalog } from "../internal/i18n";
import type { ScaleMessages } from "../internal/survey.messages";

export const npsMessages: Catalog<ScaleMessages> = {
  en: {
    question: "How likely are you to recommend us to a friend or colleague?",
    lowLabel: "Not at all likely",
    highLabel: "Extremely likely",
  },
  de: {
    question: "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
    lowLabel: "Sehr unwahrscheinlich",
    highLabel: "Sehr wahrscheinlich",
  },
  fr: {
    question: "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue\u00a0?",
    lowLabel: "Pas du tout probable",
    highLabel: "Très probable",
  },
  es: {
    question: "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?",
    lowLabel: "Nada probable",
    highLabel: "Muy probable",
  },
  pt: {
    question: "Qual a probabilidade de você nos recomendar a um amigo ou colega?",
    lowLabel: "Nada provável",
    highLabel: "Muito provável",
  },
  ja: {
    question: "友人や同僚に当社を薦める可能性はどのくらいありますか？",
    lowLabel: "まったく薦めない",
    highLabel: "ぜひ薦めたい",
  },
  ar: {
    question: "ما مدى احتمال أن توصي بنا لصديق أو زميل؟",
    lowLabel: "غير محتمل إطلاقًا",
    highLabel: "محتمل جدًا",
  },
  he: {
    question: "עד כמה סביר שתמליצו עלינו לחבר או לעמית?",
    lowLabel: "בכלל לא סביר",
    highLabel: "סביר מאוד",
  },
};
