// The demo workspace: a realistic, deterministic data set (fixed seed, dates anchored on the
// start of the current UTC day) so every metric of the API has something to show.
import { MILLISECONDS_PER_DAY } from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";
import { hashApiKey } from "../auth/api-keys.ts";
import { rebuildUsageDaily } from "../ingest/usage-rollup.ts";
import { createWorkspace } from "../workspaces.ts";
import { SeededRandom } from "./random.ts";

export const DEMO_SLUG = "demo";
/**
 * Fixed demo keys, published in the README and printed at every start. They open only the demo
 * workspace, and the CLI creates them only in development on loopback.
 */
export const DEMO_SECRET_KEY = "sk_demo0000000000000000000000000000000000000";
export const DEMO_PUBLISHABLE_KEY = "pk_demo0000000000000000000000000000000000000";
export const DEMO_SIGNING_SECRET = "whsec_demo_signing_secret_change_me";

const DAY = MILLISECONDS_PER_DAY;
/** The demo portfolio's catalogue (also used by the benchmark's large data set). */
export const DEMO_SEGMENTS = ["Enterprise", "Mid-Market", "SMB"] as const;
export const DEMO_PLANS: Record<
  (typeof DEMO_SEGMENTS)[number],
  { plan: string; mrr: [number, number]; seats: [number, number] }[]
> = {
  Enterprise: [{ plan: "Enterprise", mrr: [4000, 12000], seats: [40, 200] }],
  "Mid-Market": [
    { plan: "Scale", mrr: [1200, 4000], seats: [15, 60] },
    { plan: "Growth", mrr: [600, 1500], seats: [10, 30] },
  ],
  SMB: [
    { plan: "Growth", mrr: [300, 800], seats: [5, 15] },
    { plan: "Starter", mrr: [49, 299], seats: [2, 8] },
  ],
};
export const DEMO_CSMS = [
  "Ada Byron",
  "Grace Hopper",
  "Katherine Johnson",
  "Alan Kay",
  "Barbara Liskov",
  "Edsger Dijkstra",
];
const NAME_A = [
  "Blue",
  "Northern",
  "Quantum",
  "Silver",
  "Bright",
  "Iron",
  "Cedar",
  "Nova",
  "Harbor",
  "Summit",
  "Atlas",
  "Copper",
  "Lumen",
  "Pioneer",
  "Vertex",
  "Maple",
];
const NAME_B = [
  "Logistics",
  "Health",
  "Robotics",
  "Foods",
  "Labs",
  "Capital",
  "Media",
  "Energy",
  "Retail",
  "Systems",
  "Studios",
  "Analytics",
  "Travel",
  "Biotech",
  "Freight",
];
const FIRST = [
  "Mia",
  "Noah",
  "Liam",
  "Emma",
  "Olivia",
  "Lucas",
  "Sofia",
  "Hugo",
  "Yuki",
  "Aisha",
  "Mateo",
  "Lena",
  "Omar",
  "Chloe",
  "Ivan",
  "Priya",
];
const LAST = [
  "Schmidt",
  "Garcia",
  "Tanaka",
  "Dubois",
  "Silva",
  "Kowalski",
  "Okafor",
  "Nguyen",
  "Rossi",
  "Larsen",
  "Haddad",
  "Moreau",
];
export const DEMO_MILESTONES = [
  { key: "workspace-setup", name: "Workspace set up", targetDays: 3, isFirstValue: false },
  { key: "first-dashboard", name: "First dashboard built", targetDays: 7, isFirstValue: true },
  { key: "team-invited", name: "Team invited", targetDays: 14, isFirstValue: false },
  { key: "integration-connected", name: "Integration connected", targetDays: 30, isFirstValue: false },
  { key: "report-shared", name: "First report shared", targetDays: 45, isFirstValue: false },
] as const;
export const DEMO_KEY_FEATURES = ["dashboards", "reports", "alerts", "integrations", "api", "sso"];
const OTHER_FEATURES = ["export", "comments", "mobile"];

export interface DemoSeedResult {
  workspaceId: string;
  secretKey: string;
  publishableKey: string;
  signingSecret: string;
  counts: Record<string, number>;
}

type Row = Record<string, unknown>;

export interface DemoSeedOptions {
  accounts?: number;
  today?: Date;
  /** "documented": the README's well-known keys (the default, for development and tests); "random": new ones. */
  credentials?: "documented" | "random";
}

export async function seedDemoWorkspace(
  prisma: PrismaClient,
  options: DemoSeedOptions = {},
): Promise<DemoSeedResult> {
  const random = new SeededRandom(20261123);
  // Ids of the journey, spend and target rows come from a sequence of their own, so the rows
  // that existed before them keep their ids and values.
  const journeyIds = new SeededRandom(20261201);
  const today = startOfUtcDay(options.today ?? new Date());
  const at = (daysAgo: number) => new Date(today.getTime() - daysAgo * DAY);
  const accountCount = options.accounts ?? 240;

  const created = await createWorkspace(
    prisma,
    { name: "Acme Analytics (demo)", slug: DEMO_SLUG },
    options.credentials === "random"
      ? {}
      : { secret: DEMO_SECRET_KEY, publishable: DEMO_PUBLISHABLE_KEY, signingSecret: DEMO_SIGNING_SECRET },
  );
  const workspaceId = created.workspaceId;
  await prisma.workspace.update({
    where: { id: workspaceId },
    data: {
      keyFeatures: DEMO_KEY_FEATURES,
      allowedOrigins: ["http://localhost:4000", "http://127.0.0.1:4000"],
    },
  });

  // German texts too, so the demo page with ?lang=de asks in German (the widgets send the page's language).
  const DEMO_SURVEY_TRANSLATIONS: Record<
    string,
    { locale: string; question: string; followUpQuestion: string }[]
  > = {
    "nps-main": [
      {
        locale: "de",
        question: "Wie wahrscheinlich ist es, dass Sie Acme Analytics einem Freund oder Kollegen empfehlen?",
        followUpQuestion: "Was ist der wichtigste Grund für Ihre Bewertung?",
      },
    ],
    "csat-support": [
      {
        locale: "de",
        question: "Wie zufrieden sind Sie mit der Unterstützung, die Sie erhalten haben?",
        followUpQuestion: "Was hätten wir besser machen können?",
      },
    ],
    "ces-onboarding": [
      {
        locale: "de",
        question: "Wie einfach war die Einrichtung?",
        followUpQuestion: "Was hat es schwerer gemacht als nötig?",
      },
    ],
  };
  const milestones = DEMO_MILESTONES.map((m, position) => ({
    ...m,
    id: random.uuid(),
    workspaceId,
    position,
  }));
  const surveys = [
    {
      key: "nps-main",
      kind: "NPS",
      question: "How likely are you to recommend Acme Analytics to a friend or colleague?",
      followUpQuestion: "What is the main reason for your score?",
      reaskIntervalDays: 90,
    },
    {
      key: "csat-support",
      kind: "CSAT",
      question: "How satisfied are you with the support you received?",
      followUpQuestion: "How could we have done better?",
      reaskIntervalDays: 30,
    },
    {
      key: "ces-onboarding",
      kind: "CES",
      question: "How easy was it to get set up?",
      followUpQuestion: "What made it harder than it should be?",
      reaskIntervalDays: 180,
    },
  ].map((s) => ({
    ...s,
    translations: DEMO_SURVEY_TRANSLATIONS[s.key] ?? [],
    id: random.uuid(),
    workspaceId,
  }));

  const rows: Record<string, Row[]> = {
    account: [],
    contact: [],
    revenueEvent: [],
    contract: [],
    usageEvent: [],
    supportTicket: [],
    invoice: [],
    surveyResponse: [],
    sentimentEntry: [],
    milestoneAchievement: [],
    businessReview: [],
    lifecycleStageChange: [],
    acquisitionSpend: [],
    metricTarget: [],
  };
  const push = (table: string, row: Row) => rows[table]?.push({ workspaceId, ...row });

  for (let index = 0; index < accountCount; index++) {
    const id = random.uuid();
    const segment = random.pick(DEMO_SEGMENTS);
    const tier = random.pick(DEMO_PLANS[segment]);
    // Health tendency drives every fact of the account: 0 = struggling … 1 = thriving.
    const tendency = Math.min(1, Math.max(0, 0.15 + random.next() * 0.7 + (random.chance(0.5) ? 0.15 : 0)));
    const signedUpDaysAgo = random.int(10, 900);
    const signedUpAt = new Date(at(signedUpDaysAgo).getTime() + random.int(8, 18) * 3_600_000);
    const churnsDaysAgo =
      signedUpDaysAgo > 60 && tendency < 0.35 && random.chance(0.45)
        ? random.int(1, Math.min(360, signedUpDaysAgo - 30))
        : null;
    const churnedAt = churnsDaysAgo === null ? null : at(churnsDaysAgo);
    const seats = random.int(tier.seats[0], tier.seats[1]);
    const startMrr = random.int(tier.mrr[0], tier.mrr[1]);
    const name = `${random.pick(NAME_A)} ${random.pick(NAME_B)} ${index + 1}`;
    const activeUntilDaysAgo = churnsDaysAgo ?? 0;

    // Milestones: thriving accounts reach them early; firstValueAt follows the first-value one.
    let firstValueAt: Date | null = null;
    for (const milestone of milestones) {
      if (!random.chance(0.25 + tendency * 0.7)) continue;
      const achievedDaysAfter = Math.max(
        0.5,
        milestone.targetDays * (0.3 + (1 - tendency) * 1.5) + random.int(-2, 4),
      );
      const achievedAt = new Date(signedUpAt.getTime() + achievedDaysAfter * DAY);
      if (achievedAt >= today) continue;
      push("milestoneAchievement", {
        id: random.uuid(),
        milestoneId: milestone.id,
        accountId: id,
        achievedAt,
      });
      if (milestone.isFirstValue) firstValueAt = achievedAt;
    }
    const lifecycleStage = churnedAt
      ? "CHURNED"
      : signedUpDaysAgo < 45
        ? "ONBOARDING"
        : signedUpDaysAgo < 120
          ? "ADOPTION"
          : "ACTIVE";
    // Stage history ending in the stage stored: onboarding from sign-up, adoption after 44 days,
    // active after 119 (each only while not churned), and the churn.
    const stages: [string, Date, string][] = [["ONBOARDING", signedUpAt, "INGESTED"]];
    const reached = (days: number) => {
      const when = new Date(signedUpAt.getTime() + days * DAY);
      return churnedAt ? when < churnedAt : when < today;
    };
    if (lifecycleStage !== "ONBOARDING" && reached(44)) {
      stages.push(["ADOPTION", new Date(signedUpAt.getTime() + 44 * DAY), "INGESTED"]);
    }
    if ((lifecycleStage === "ACTIVE" || churnedAt) && reached(119)) {
      stages.push(["ACTIVE", new Date(signedUpAt.getTime() + 119 * DAY), "INGESTED"]);
    }
    if (churnedAt) stages.push(["CHURNED", churnedAt, "CHURN"]);
    stages.forEach(([toStage, changedAt, source], step) => {
      push("lifecycleStageChange", {
        id: journeyIds.uuid(),
        accountId: id,
        fromStage: step === 0 ? null : stages[step - 1]?.[0],
        toStage,
        changedAt,
        source,
      });
    });
    push("account", {
      id,
      externalId: `acct_${String(index + 1).padStart(4, "0")}`,
      name,
      segment,
      plan: tier.plan,
      seats,
      csmOwner: random.pick(DEMO_CSMS),
      lifecycleStage,
      signedUpAt,
      firstValueAt,
      churnedAt,
    });

    const contacts = Array.from({ length: random.int(2, segment === "SMB" ? 4 : 8) }, (_, c) => {
      const first = random.pick(FIRST);
      const last = random.pick(LAST);
      const contact = {
        id: random.uuid(),
        accountId: id,
        externalId: `user_${index + 1}_${c + 1}`,
        name: `${first} ${last}`,
        email: `${first}.${last}${index}@example.com`.toLowerCase(),
        isExecutive: c === 0,
      };
      push("contact", contact);
      return contact;
    });

    // Revenue: NEW at sign-up, monthly chances of expansion/contraction, CHURN at the end.
    let mrr = startMrr;
    push("revenueEvent", {
      id: random.uuid(),
      accountId: id,
      externalId: `rev_${index}_0`,
      kind: "NEW",
      mrrDelta: String(startMrr),
      occurredAt: signedUpAt,
    });
    let month = 1;
    for (let day = signedUpDaysAgo - 30; day > activeUntilDaysAgo; day -= 30, month++) {
      const roll = random.next();
      let delta = 0;
      let kind = "";
      if (roll < 0.08 + tendency * 0.12) {
        delta = Math.round(mrr * (0.05 + random.next() * 0.25));
        kind = "EXPANSION";
      } else if (roll > 0.95 - (1 - tendency) * 0.06) {
        delta = -Math.round(mrr * (0.05 + random.next() * 0.2));
        kind = "CONTRACTION";
      }
      if (kind && delta !== 0) {
        mrr += delta;
        push("revenueEvent", {
          id: random.uuid(),
          accountId: id,
          externalId: `rev_${index}_${month}`,
          kind,
          mrrDelta: String(delta),
          occurredAt: at(day),
        });
      }
    }
    if (churnedAt) {
      push("revenueEvent", {
        id: random.uuid(),
        accountId: id,
        externalId: `rev_${index}_churn`,
        kind: "CHURN",
        mrrDelta: String(-mrr),
        occurredAt: churnedAt,
      });
    }

    // Annual contracts from sign-up; past ones renewed (or churned), the current one pending.
    for (let year = 0; ; year++) {
      const startsAt = new Date(signedUpAt.getTime() + year * 365 * DAY);
      if (startsAt >= today || (churnedAt && startsAt >= churnedAt)) break;
      const endsAt = new Date(startsAt.getTime() + 365 * DAY);
      const renewalOutcome =
        endsAt > today ? "PENDING" : churnedAt && endsAt >= churnedAt ? "CHURNED" : "RENEWED";
      push("contract", {
        id: random.uuid(),
        accountId: id,
        externalId: `ctr_${index}_${year}`,
        startsAt,
        endsAt,
        value: String(mrr * 12),
        renewalOutcome,
      });
    }

    // Usage over the last 90 days while active: logins, sessions and feature use per contact.
    const usageStart = Math.min(90, signedUpDaysAgo);
    for (const contact of contacts) {
      const dailyChance = 0.08 + tendency * 0.55 * (random.next() * 0.5 + 0.5);
      for (let day = usageStart; day > activeUntilDaysAgo; day--) {
        if (!random.chance(dailyChance)) continue;
        const loginAt = new Date(
          at(day).getTime() + random.int(7, 19) * 3_600_000 + random.int(0, 3599) * 1000,
        );
        push("usageEvent", {
          id: random.uuid(),
          accountId: id,
          contactId: contact.id,
          kind: "LOGIN",
          occurredAt: loginAt,
        });
        push("usageEvent", {
          id: random.uuid(),
          accountId: id,
          contactId: contact.id,
          kind: "SESSION",
          durationSeconds: random.int(60, 600 + Math.round(tendency * 2400)),
          occurredAt: loginAt,
        });
        const features = random.int(0, 1 + Math.round(tendency * 3));
        for (let f = 0; f < features; f++) {
          const featureKey = random.chance(0.3 + tendency * 0.5)
            ? random.pick(DEMO_KEY_FEATURES.slice(0, 2 + Math.round(tendency * 4)))
            : random.pick(OTHER_FEATURES);
          push("usageEvent", {
            id: random.uuid(),
            accountId: id,
            contactId: contact.id,
            kind: "FEATURE",
            featureKey,
            occurredAt: new Date(loginAt.getTime() + (f + 1) * 60_000),
          });
        }
      }
    }

    // Support tickets over the last 180 days; struggling accounts open more, and worse ones.
    const ticketCount = random.int(0, Math.round(1 + (1 - tendency) * 7));
    for (let t = 0; t < ticketCount; t++) {
      const openedDaysAgo = random.int(Math.max(1, activeUntilDaysAgo), 180);
      if (openedDaysAgo > signedUpDaysAgo) continue;
      const openedAt = at(openedDaysAgo);
      const priority = random.chance(0.15 * (1 - tendency))
        ? "URGENT"
        : random.chance(0.3 * (1 - tendency))
          ? "HIGH"
          : random.pick(["LOW", "NORMAL", "NORMAL"]);
      const resolvedAt =
        openedDaysAgo > 2 || random.chance(0.5)
          ? new Date(openedAt.getTime() + random.int(1, 72) * 3_600_000)
          : null;
      push("supportTicket", {
        id: random.uuid(),
        accountId: id,
        externalId: `tkt_${index}_${t}`,
        subject: random.pick([
          "Login issue",
          "Report export fails",
          "Billing question",
          "SSO setup",
          "Slow dashboard",
          "API rate limit",
        ]),
        priority,
        openedAt,
        resolvedAt,
      });
      if (resolvedAt && resolvedAt < today && random.chance(0.5)) {
        const score = clampInt(Math.round(2.6 + tendency * 2.8 + (random.next() - 0.5) * 1.6), 1, 5);
        push("surveyResponse", {
          id: random.uuid(),
          surveyId: surveys[1]?.id,
          accountId: id,
          contactId: random.pick(contacts).id,
          kind: "CSAT",
          score,
          comment: score <= 2 ? "Took too long to resolve." : null,
          idempotencyKey: random.uuid(),
          createdAt: new Date(resolvedAt.getTime() + 3_600_000),
        });
      }
    }

    // Monthly invoices over the last 12 months; struggling accounts pay late or not at all.
    for (let m = 12; m >= 1; m--) {
      const dueDaysAgo = m * 30 - 15;
      if (dueDaysAgo > signedUpDaysAgo || dueDaysAgo < activeUntilDaysAgo) continue;
      const dueAt = at(dueDaysAgo);
      const late = random.chance(0.05 + (1 - tendency) * 0.35);
      const paidAt = late
        ? random.chance(0.7)
          ? new Date(dueAt.getTime() + random.int(3, 40) * DAY)
          : null
        : new Date(dueAt.getTime() - random.int(0, 5) * DAY);
      push("invoice", {
        id: random.uuid(),
        accountId: id,
        externalId: `inv_${index}_${m}`,
        amount: String(mrr),
        dueAt,
        paidAt: paidAt && paidAt < today ? paidAt : null,
      });
    }

    // NPS every ~quarter from some contacts; CES once after onboarding.
    for (let quarter = 0; quarter < 4; quarter++) {
      const daysAgo = quarter * 90 + random.int(1, 80);
      if (daysAgo > signedUpDaysAgo || daysAgo < activeUntilDaysAgo) continue;
      for (const contact of contacts) {
        if (!random.chance(0.45)) continue;
        const score = clampInt(Math.round(3.5 + tendency * 7 + (random.next() - 0.5) * 3), 0, 10);
        push("surveyResponse", {
          id: random.uuid(),
          surveyId: surveys[0]?.id,
          accountId: id,
          contactId: contact.id,
          kind: "NPS",
          score,
          comment:
            score >= 9
              ? random.pick(["Love the dashboards.", "Great support team!", "Saves us hours every week."])
              : score <= 6
                ? random.pick([
                    "Too expensive for what we use.",
                    "Reports are slow.",
                    "Missing integrations we need.",
                  ])
                : null,
          idempotencyKey: random.uuid(),
          createdAt: new Date(at(daysAgo).getTime() + random.int(9, 17) * 3_600_000),
        });
      }
    }
    if (signedUpDaysAgo > 20 && random.chance(0.7)) {
      const score = clampInt(Math.round(3 + tendency * 4 + (random.next() - 0.5) * 2), 1, 7);
      push("surveyResponse", {
        id: random.uuid(),
        surveyId: surveys[2]?.id,
        accountId: id,
        contactId: contacts[0]?.id,
        kind: "CES",
        score,
        comment: null,
        idempotencyKey: random.uuid(),
        createdAt: new Date(signedUpAt.getTime() + 14 * DAY),
      });
    }

    // CSM sentiment roughly monthly over the last 6 months.
    for (let m = 6; m >= 0; m--) {
      const daysAgo = m * 30 + random.int(0, 10);
      if (daysAgo > signedUpDaysAgo || daysAgo < activeUntilDaysAgo || !random.chance(0.6)) continue;
      const value = tendency + (random.next() - 0.5) * 0.4;
      const rating = value > 0.6 ? "GREEN" : value > 0.35 ? "YELLOW" : "RED";
      push("sentimentEntry", {
        id: random.uuid(),
        accountId: id,
        externalId: `snt_${index}_${m}`,
        rating,
        note:
          rating === "GREEN"
            ? "Engaged champion, expanding use."
            : rating === "YELLOW"
              ? "Adoption flat; schedule a check-in."
              : "Champion left; renewal at risk.",
        author: null,
        createdAt: at(daysAgo),
      });
    }

    // Executive business reviews for larger customers.
    if (segment !== "SMB") {
      for (let r = 0; r < random.int(0, 3); r++) {
        const daysAgo = random.int(Math.max(5, activeUntilDaysAgo), 500);
        if (daysAgo > signedUpDaysAgo) continue;
        push("businessReview", {
          id: random.uuid(),
          accountId: id,
          externalId: `ebr_${index}_${r}`,
          heldAt: at(daysAgo),
          executivesAttended: random.int(0, 3),
          outcome: random.chance(0.15) ? null : random.chance(0.3 + tendency * 0.6) ? "UP" : "DOWN",
          notes: null,
        });
      }
    }
  }

  // Acquisition spend per segment and calendar month, for the last 24 months and the current one.
  const SPEND_PER_MONTH: Record<(typeof DEMO_SEGMENTS)[number], number> = {
    Enterprise: 18_000,
    "Mid-Market": 7_500,
    SMB: 2_400,
  };
  for (let month = -24; month <= 0; month++) {
    const periodStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + month, 1));
    const periodEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + month + 1, 1));
    const key = periodStart.toISOString().slice(0, 7);
    for (const segment of DEMO_SEGMENTS) {
      push("acquisitionSpend", {
        id: journeyIds.uuid(),
        externalId: `spend_${key}_${segment.toLowerCase()}`,
        segment,
        periodStart,
        periodEnd,
        amount: String(SPEND_PER_MONTH[segment] * (1 + ((month + 24) % 3) / 10)),
      });
    }
  }
  // A few targets, set 60 days ago and due in 120 days.
  const targets: [string, string | null, number, number, number][] = [
    ["NET_REVENUE_RETENTION", null, 98, 106, 365],
    ["LOGO_CHURN_RATE", null, 18, 12, 365],
    ["NPS", null, 10, 30, 90],
    ["CAC", "SMB", 1_200, 900, 365],
  ];
  for (const [metric, segment, baseline, target, windowDays] of targets) {
    push("metricTarget", {
      id: journeyIds.uuid(),
      metric,
      segment,
      baseline,
      target,
      windowDays,
      createdAt: at(60),
      dueAt: at(-120),
    });
  }

  await prisma.milestone.createMany({ data: milestones });
  await prisma.survey.createMany({ data: surveys as never });
  const order = [
    "account",
    "contact",
    "revenueEvent",
    "contract",
    "usageEvent",
    "supportTicket",
    "invoice",
    "surveyResponse",
    "sentimentEntry",
    "milestoneAchievement",
    "businessReview",
    "lifecycleStageChange",
    "acquisitionSpend",
    "metricTarget",
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of order) {
    const data = rows[table] ?? [];
    counts[table] = data.length;
    if (table === "usageEvent") {
      await insertUsageEvents(prisma, data);
      continue;
    }
    const delegate = prisma[table] as unknown as { createMany(args: { data: Row[] }): Promise<unknown> };
    for (let offset = 0; offset < data.length; offset += 5000) {
      await delegate.createMany({ data: data.slice(offset, offset + 5000) });
    }
  }
  return { ...created, counts };
}

export interface DocumentedDemoCredentials {
  /** Slugs of the workspaces whose active keys include the README's secret key. */
  secretKey: string[];
  publishableKey: string[];
  /** Slugs of the workspaces whose widget-token signing secret is the README's. */
  signingSecret: string[];
}

/** Which workspaces hold the README's well-known demo credentials (active keys only). */
export async function findDocumentedDemoCredentials(
  prisma: PrismaClient,
): Promise<DocumentedDemoCredentials> {
  const [keys, signing] = await Promise.all([
    prisma.apiKey.findMany({
      where: {
        hash: { in: [hashApiKey(DEMO_SECRET_KEY), hashApiKey(DEMO_PUBLISHABLE_KEY)] },
        revokedAt: null,
      },
      select: { hash: true, workspace: { select: { slug: true } } },
    }),
    prisma.workspace.findMany({ where: { signingSecret: DEMO_SIGNING_SECRET }, select: { slug: true } }),
  ]);
  const holding = (key: string) =>
    keys.filter((row) => row.hash === hashApiKey(key)).map((row) => row.workspace.slug);
  return {
    secretKey: holding(DEMO_SECRET_KEY),
    publishableKey: holding(DEMO_PUBLISHABLE_KEY),
    signingSecret: signing.map((row) => row.slug),
  };
}

/** Usage events are most of the demo's rows: one array parameter per column inserts them fast. */
async function insertUsageEvents(prisma: PrismaClient, rows: Row[]): Promise<void> {
  const column = <T>(name: string) => rows.map((row) => (row[name] ?? null) as T);
  for (let offset = 0; offset < rows.length; offset += 20_000) {
    const chunk = rows.slice(offset, offset + 20_000);
    const pick = <T>(name: string) => column<T>(name).slice(offset, offset + chunk.length);
    await prisma.$executeRaw`
      INSERT INTO "UsageEvent" (id, "workspaceId", "accountId", "contactId", kind, "featureKey", "durationSeconds", "occurredAt")
      SELECT id, "workspaceId", "accountId", "contactId", kind::"UsageEventKind", "featureKey", "durationSeconds", "occurredAt"
      FROM unnest(${pick<string>("id")}::uuid[], ${pick<string>("workspaceId")}::uuid[], ${pick<string>("accountId")}::uuid[],
        ${pick<string>("contactId")}::uuid[], ${pick<string>("kind")}::text[], ${pick<string | null>("featureKey")}::text[],
        ${pick<number | null>("durationSeconds")}::int[], ${pick<Date>("occurredAt").map((d) => d.toISOString())}::timestamp(3)[])
        AS e(id, "workspaceId", "accountId", "contactId", kind, "featureKey", "durationSeconds", "occurredAt")`;
  }
  // Usage reads take complete days from the rollup: fill it as ingestion would.
  for (const workspaceId of new Set(column<string>("workspaceId")))
    await rebuildUsageDaily(prisma, workspaceId);
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
