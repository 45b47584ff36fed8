import { type Catalog, languages } from "./i18n";

/** Texts every survey shows, whatever its scale. */
const en = {
  submit: "Submit",
  send: "Send",
  skip: "Skip",
  dismiss: "Close survey",
  chooseScore: "Please choose a score first.",
  followUpLow: "What could we do better?",
  followUpMid: "What would make it even better?",
  followUpHigh: "What do you like most?",
  thanksTitle: "Thank you!",
  thanksMessage: "Your feedback helps us improve.",
  queued: "You seem to be offline. Your answer is saved and will be sent automatically.",
  queuedServer: "The server is not answering. Your answer is saved and will be resent.",
  failed: "Your answer could not be sent. Please try again.",
};

export type SharedSurveyMessages = typeof en;

/** The texts that differ between NPS, CES and CSAT. (A type, not an interface: catalogs need an index signature.) */
export type ScaleMessages = {
  question: string;
  lowLabel: string;
  highLabel: string;
};

export type SurveyMessages = SharedSurveyMessages & ScaleMessages;

const sharedSurveyMessages: Catalog<SharedSurveyMessages> = {
  en,
  de: {
    submit: "Absenden",
    send: "Senden",
    skip: "Überspringen",
    dismiss: "Umfrage schließen",
    chooseScore: "Bitte wählen Sie zuerst eine Bewertung.",
    followUpLow: "Was können wir besser machen?",
    followUpMid: "Was würde es noch besser machen?",
    followUpHigh: "Was gefällt Ihnen am meisten?",
    thanksTitle: "Vielen Dank!",
    thanksMessage: "Ihr Feedback hilft uns, besser zu werden.",
    queued: "Sie scheinen offline zu sein. Ihre Antwort ist gespeichert und wird automatisch gesendet.",
    queuedServer: "Der Server antwortet nicht. Ihre Antwort ist gespeichert und wird erneut gesendet.",
    failed: "Ihre Antwort konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
  },
  fr: {
    submit: "Valider",
    send: "Envoyer",
    skip: "Passer",
    dismiss: "Fermer l’enquête",
    chooseScore: "Veuillez d’abord choisir une note.",
    followUpLow: "Que pourrions-nous améliorer\u00a0?",
    followUpMid: "Qu’est-ce qui rendrait l’expérience encore meilleure\u00a0?",
    followUpHigh: "Qu’appréciez-vous le plus\u00a0?",
    thanksTitle: "Merci\u00a0!",
    thanksMessage: "Vos retours nous aident à nous améliorer.",
    queued: "Vous semblez hors ligne. Votre réponse est enregistrée et sera envoyée automatiquement.",
    queuedServer: "Le serveur ne répond pas. Votre réponse est enregistrée et sera renvoyée.",
    failed: "Votre réponse n’a pas pu être envoyée. Veuillez réessayer.",
  },
  es: {
    submit: "Enviar",
    send: "Enviar",
    skip: "Omitir",
    dismiss: "Cerrar encuesta",
    chooseScore: "Elija primero una puntuación.",
    followUpLow: "¿Qué podríamos mejorar?",
    followUpMid: "¿Qué lo haría aún mejor?",
    followUpHigh: "¿Qué es lo que más le gusta?",
    thanksTitle: "¡Gracias!",
    thanksMessage: "Sus comentarios nos ayudan a mejorar.",
    queued: "Parece que no tiene conexión. Su respuesta se ha guardado y se enviará automáticamente.",
    queuedServer: "El servidor no responde. Su respuesta se ha guardado y se reenviará.",
    failed: "No se pudo enviar su respuesta. Inténtelo de nuevo.",
  },
  pt: {
    submit: "Enviar",
    send: "Enviar",
    skip: "Pular",
    dismiss: "Fechar pesquisa",
    chooseScore: "Escolha uma nota primeiro.",
    followUpLow: "O que podemos melhorar?",
    followUpMid: "O que tornaria a experiência ainda melhor?",
    followUpHigh: "Do que você mais gosta?",
    thanksTitle: "Obrigado!",
    thanksMessage: "Sua opinião nos ajuda a melhorar.",
    queued: "Parece que você está offline. Sua resposta foi salva e será enviada automaticamente.",
    queuedServer: "O servidor não responde. Sua resposta foi salva e será reenviada.",
    failed: "Não foi possível enviar sua resposta. Tente novamente.",
  },
  ja: {
    submit: "送信",
    send: "送信",
    skip: "スキップ",
    dismiss: "アンケートを閉じる",
    chooseScore: "まずスコアを選択してください。",
    followUpLow: "改善すべき点を教えてください。",
    followUpMid: "さらに良くするために、何ができるでしょうか？",
    followUpHigh: "特に気に入っている点は何ですか？",
    thanksTitle: "ありがとうございました！",
    thanksMessage: "いただいたご意見は改善に役立てます。",
    queued: "オフラインのようです。回答は保存され、自動的に送信されます。",
    queuedServer: "サーバーが応答しません。回答は保存され、再送信されます。",
    failed: "回答を送信できませんでした。もう一度お試しください。",
  },
  ar: {
    submit: "إرسال",
    send: "إرسال",
    skip: "تخطي",
    dismiss: "إغلاق الاستبيان",
    chooseScore: "يُرجى اختيار تقييم أولًا.",
    followUpLow: "ما الذي يمكننا تحسينه؟",
    followUpMid: "ما الذي قد يجعل تجربتك أفضل؟",
    followUpHigh: "ما أكثر ما يعجبك؟",
    thanksTitle: "شكرًا لك!",
    thanksMessage: "تساعدنا ملاحظاتك على التحسّن.",
    queued: "يبدو أنك غير متصل بالإنترنت. تم حفظ إجابتك وستُرسل تلقائيًا.",
    queuedServer: "الخادم لا يستجيب. تم حفظ إجابتك وستُرسل مرة أخرى.",
    failed: "تعذّر إرسال إجابتك. يُرجى المحاولة مرة أخرى.",
  },
  he: {
    submit: "שליחה",
    send: "שליחה",
    skip: "דילוג",
    dismiss: "סגירת הסקר",
    chooseScore: "נא לבחור ציון תחילה.",
    followUpLow: "מה נוכל לשפר?",
    followUpMid: "מה היה הופך את החוויה לטובה עוד יותר?",
    followUpHigh: "מה הכי מוצא חן בעיניך?",
    thanksTitle: "תודה רבה!",
    thanksMessage: "המשוב שלך עוזר לנו להשתפר.",
    queued: "נראה שאין חיבור לרשת. התשובה שלך נשמרה ותישלח אוטומטית.",
    queuedServer: "השרת אינו מגיב. התשובה שלך נשמרה ותישלח שוב.",
    failed: "לא ניתן היה לשלוח את התשובה. נא לנסות שוב.",
  },
};

/** A survey's full catalog: the shared texts plus those of its scale. */
export function surveyCatalog<K extends ScaleMessages>(
  scaleMessages: Catalog<K>,
): Catalog<SharedSurveyMessages & K> {
  return Object.fromEntries(
    languages.map((language) => [
      language,
      { ...sharedSurveyMessages[language], ...scaleMessages[language] },
    ]),
  ) as Catalog<SharedSurveyMessages & K>;
}
