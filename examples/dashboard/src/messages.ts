// The dashboard's texts in English and German; the page's language picks them (see `messagesFor`).
export interface Messages {
  title: string;
  subtitle: (from: string, to: string) => string;
  refresh: string;
  loading: string;
  updatedAt: (time: string) => string;
  live: string;
  liveUnavailable: string;
  /** A failure, by its code (e.g. EXPIRED_VIEWER_TOKEN, NETWORK_ERROR). */
  error: (code: string) => string;
  tiles: string;
  nrr: string;
  grr: string;
  logoChurn: string;
  nps: string;
  arpa: string;
  npsResponses: (count: string) => string;
  noData: string;
  healthDistribution: string;
  bands: Record<"GREEN" | "YELLOW" | "RED" | "insufficientData" | "noData", string>;
  distributionSummary: (parts: string) => string;
  trends: string;
  trendSummary: (name: string, first: string, last: string, points: number) => string;
  atRisk: (count: string) => string;
  noneAtRisk: string;
  reasons: Record<"HEALTH_DROP" | "HEALTH_RED" | "RECENT_DETRACTOR" | "RENEWAL_NOT_GREEN", string>;
  account: string;
  close: string;
  health: string;
  score: string;
  trend30: string;
  coverage: string;
  insufficient: string;
  component: string;
  value: string;
  weight: string;
  components: Record<
    "usage" | "feedback" | "support" | "payment" | "sentiment" | "milestones" | "ebr",
    string
  >;
  healthTrend: string;
  usage: string;
  activeUsers: string;
  seatUtilization: string;
  featureAdoption: string;
  stickiness: string;
  loginsPerWeek: string;
  features: string;
  events: string;
  surveys: string;
  responses: string;
  noResponses: string;
  comment: string;
  renewals: string;
  nextRenewal: string;
  none: string;
  starts: string;
  ends: string;
  outcome: string;
  contractValue: string;
  outcomes: Record<"RENEWED" | "CHURNED" | "PENDING", string>;
  segment: string;
  plan: string;
  csm: string;
  mrr: string;
}

const en: Messages = {
  title: "Customer success",
  subtitle: (from, to) => `Portfolio from ${from} to ${to}`,
  refresh: "Refresh",
  loading: "Loading…",
  updatedAt: (time) => `Updated ${time}`,
  live: "Live updates on",
  liveUnavailable: "Live updates are not available for this token: use Refresh.",
  error: (code) => `Could not load the dashboard (${code}). Try Refresh.`,
  tiles: "Portfolio",
  nrr: "Net revenue retention",
  grr: "Gross revenue retention",
  logoChurn: "Logo churn",
  nps: "NPS",
  arpa: "ARPA",
  npsResponses: (count) => `${count} responses`,
  noData: "No data",
  healthDistribution: "Health distribution",
  bands: {
    GREEN: "Green",
    YELLOW: "Yellow",
    RED: "Red",
    insufficientData: "Too little data",
    noData: "No score yet",
  },
  distributionSummary: (parts) => `Active accounts by health: ${parts}`,
  trends: "Trends by month",
  trendSummary: (name, first, last, points) => `${name}: ${points} months, from ${first} to ${last}`,
  atRisk: (count) => `At risk (${count})`,
  noneAtRisk: "No account is at risk.",
  reasons: {
    HEALTH_DROP: "Health dropped 10 or more points in 30 days",
    HEALTH_RED: "Health is red",
    RECENT_DETRACTOR: "Detractor in the last 30 days",
    RENEWAL_NOT_GREEN: "Renews within 90 days and is not green",
  },
  account: "Account",
  close: "Close account",
  health: "Health",
  score: "Score",
  trend30: "30-day trend",
  coverage: "Coverage",
  insufficient: "Too little data for a score",
  component: "Component",
  value: "Value",
  weight: "Weight",
  components: {
    usage: "Product usage",
    feedback: "Customer feedback",
    support: "Support",
    payment: "Payment timeliness",
    sentiment: "CSM sentiment",
    milestones: "Adoption milestones",
    ebr: "Business reviews",
  },
  healthTrend: "Health score, daily",
  usage: "Usage, last 30 days",
  activeUsers: "Active users",
  seatUtilization: "Seat utilization",
  featureAdoption: "Feature adoption",
  stickiness: "Stickiness",
  loginsPerWeek: "Logins per user per week",
  features: "Features",
  events: "Events",
  surveys: "Surveys, last 90 days",
  responses: "Latest responses",
  noResponses: "No responses yet.",
  comment: "Comment",
  renewals: "Renewals",
  nextRenewal: "Next renewal",
  none: "None",
  starts: "Starts",
  ends: "Ends",
  outcome: "Outcome",
  contractValue: "Value",
  outcomes: { RENEWED: "Renewed", CHURNED: "Churned", PENDING: "Pending" },
  segment: "Segment",
  plan: "Plan",
  csm: "CSM",
  mrr: "MRR",
};

const de: Messages = {
  title: "Kundenerfolg",
  subtitle: (from, to) => `Portfolio vom ${from} bis ${to}`,
  refresh: "Aktualisieren",
  loading: "Wird geladen …",
  updatedAt: (time) => `Aktualisiert ${time}`,
  live: "Live-Aktualisierung an",
  liveUnavailable: "Live-Aktualisierung ist mit diesem Token nicht möglich: bitte „Aktualisieren“ nutzen.",
  error: (code) => `Das Dashboard konnte nicht geladen werden (${code}). Bitte „Aktualisieren“ versuchen.`,
  tiles: "Portfolio",
  nrr: "Netto-Umsatzbindung",
  grr: "Brutto-Umsatzbindung",
  logoChurn: "Kundenabwanderung",
  nps: "NPS",
  arpa: "Umsatz pro Kunde",
  npsResponses: (count) => `${count} Antworten`,
  noData: "Keine Daten",
  healthDistribution: "Verteilung der Kundengesundheit",
  bands: {
    GREEN: "Grün",
    YELLOW: "Gelb",
    RED: "Rot",
    insufficientData: "Zu wenige Daten",
    noData: "Noch kein Wert",
  },
  distributionSummary: (parts) => `Aktive Kunden nach Gesundheit: ${parts}`,
  trends: "Verlauf nach Monat",
  trendSummary: (name, first, last, points) => `${name}: ${points} Monate, von ${first} bis ${last}`,
  atRisk: (count) => `Gefährdet (${count})`,
  noneAtRisk: "Kein Kunde ist gefährdet.",
  reasons: {
    HEALTH_DROP: "Gesundheit in 30 Tagen um 10 Punkte oder mehr gefallen",
    HEALTH_RED: "Gesundheit ist rot",
    RECENT_DETRACTOR: "Kritiker in den letzten 30 Tagen",
    RENEWAL_NOT_GREEN: "Verlängerung in 90 Tagen und nicht grün",
  },
  account: "Kunde",
  close: "Kunden schließen",
  health: "Gesundheit",
  score: "Wert",
  trend30: "Veränderung in 30 Tagen",
  coverage: "Abdeckung",
  insufficient: "Zu wenige Daten für einen Wert",
  component: "Bestandteil",
  value: "Wert",
  weight: "Gewicht",
  components: {
    usage: "Produktnutzung",
    feedback: "Kundenfeedback",
    support: "Support",
    payment: "Zahlungspünktlichkeit",
    sentiment: "Einschätzung des CSM",
    milestones: "Meilensteine",
    ebr: "Geschäftsreviews",
  },
  healthTrend: "Gesundheitswert, täglich",
  usage: "Nutzung, letzte 30 Tage",
  activeUsers: "Aktive Nutzer",
  seatUtilization: "Lizenzauslastung",
  featureAdoption: "Funktionsnutzung",
  stickiness: "Bindung",
  loginsPerWeek: "Anmeldungen pro Nutzer und Woche",
  features: "Funktionen",
  events: "Ereignisse",
  surveys: "Umfragen, letzte 90 Tage",
  responses: "Neueste Antworten",
  noResponses: "Noch keine Antworten.",
  comment: "Kommentar",
  renewals: "Verlängerungen",
  nextRenewal: "Nächste Verlängerung",
  none: "Keine",
  starts: "Beginn",
  ends: "Ende",
  outcome: "Ergebnis",
  contractValue: "Wert",
  outcomes: { RENEWED: "Verlängert", CHURNED: "Gekündigt", PENDING: "Offen" },
  segment: "Segment",
  plan: "Tarif",
  csm: "CSM",
  mrr: "MRR",
};

/** The texts for a language tag: German for `de` and its regions, English otherwise. */
export function messagesFor(lang: string): Messages {
  return lang.toLowerCase().split("-")[0] === "de" ? de : en;
}
