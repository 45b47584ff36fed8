// What every widget request reads besides its API key: the workspace's signing secret and the
// survey named by key. Both change rarely and are read on every submission, so they are cached
// for a few seconds, one cache per server (made with it, domain/context.ts). Changes made through
// this server evict at once; other servers see them within `ttlMs` (the API-key cache's bound).

import type { KeyObject } from "node:crypto";
import type { PrismaClient, SurveyKind } from "@pulse/schema/prisma";
import { widgetTokenKey } from "../auth/widget-token.ts";
import { type SurveyTexts, storedTranslations } from "./survey-texts.ts";

/** A workspace's signing secret, and the same imported for token verification. */
export interface SigningSecret {
  secret: string;
  key: KeyObject;
}

export interface CachedSurvey {
  id: string;
  key: string;
  kind: SurveyKind;
  /** The texts in `defaultLocale`; `translations` holds the others. */
  question: string;
  followUpQuestion: string | null;
  defaultLocale: string;
  translations: SurveyTexts[];
  reaskIntervalDays: number;
  active: boolean;
}

interface Entry<Value> {
  loadedAt: number;
  value: Promise<Value>;
}

/** Loads shared by concurrent callers and kept for `ttlMs`; failed loads are not kept. */
class TtlCache<Value> {
  private readonly entries = new Map<string, Entry<Value>>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly keep: (value: Value) => boolean = () => true,
  ) {}

  get(key: string, load: () => Promise<Value>, now = Date.now()): Promise<Value> {
    const cached = this.entries.get(key);
    if (cached && now - cached.loadedAt < this.ttlMs) return cached.value;
    return this.load(key, load, now);
  }

  /** Milliseconds since `key` was loaded, or undefined when it is not cached. */
  age(key: string, now = Date.now()): number | undefined {
    const cached = this.entries.get(key);
    return cached ? now - cached.loadedAt : undefined;
  }

  load(key: string, load: () => Promise<Value>, now = Date.now()): Promise<Value> {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry: Entry<Value> = { loadedAt: now, value: load() };
    this.entries.set(key, entry);
    // Only this entry is dropped: an eviction or a newer load may have replaced it meanwhile.
    const drop = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.value.then((value) => {
      if (!this.keep(value)) drop();
    }, drop);
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }
}

/** A signing secret that failed to verify a token may be re-read once this old (another server may have rotated it). */
const SECRET_RECHECK_AFTER_MS = 1_000;

export class WidgetLookups {
  private readonly secrets: TtlCache<SigningSecret>;
  private readonly surveys: TtlCache<CachedSurvey | null>;

  constructor(ttlMs = 5_000, maxEntries = 10_000) {
    this.secrets = new TtlCache(ttlMs, maxEntries);
    // Unknown keys are not kept: a survey created on another server is usable at once.
    this.surveys = new TtlCache(ttlMs, maxEntries, (survey) => survey !== null);
  }

  signingSecret(prisma: PrismaClient, workspaceId: string): Promise<SigningSecret> {
    return this.secrets.get(workspaceId, () => loadSigningSecret(prisma, workspaceId));
  }

  /**
   * The secret re-read from the database when the cached one is over a second old, or null when
   * it is fresher (so a flood of bad tokens costs at most one read per workspace per second).
   */
  async recheckedSigningSecret(prisma: PrismaClient, workspaceId: string): Promise<SigningSecret | null> {
    const age = this.secrets.age(workspaceId);
    if (age !== undefined && age < SECRET_RECHECK_AFTER_MS) return null;
    return this.secrets.load(workspaceId, () => loadSigningSecret(prisma, workspaceId));
  }

  /** The secret read from the database now (and cached), for answers that must not use a stale one. */
  freshSigningSecret(prisma: PrismaClient, workspaceId: string): Promise<SigningSecret> {
    return this.secrets.load(workspaceId, () => loadSigningSecret(prisma, workspaceId));
  }

  survey(prisma: PrismaClient, workspaceId: string, key: string): Promise<CachedSurvey | null> {
    return this.surveys.get(surveyKey(workspaceId, key), () => loadSurvey(prisma, workspaceId, key));
  }

  /** After the signing secret changed (or the workspace went). */
  evictWorkspace(workspaceId: string): void {
    this.secrets.delete(workspaceId);
    this.surveys.deleteWhere((key) => key.startsWith(`${workspaceId}|`));
  }

  /** After a survey was created, changed, (de)activated or deleted. */
  evictSurvey(workspaceId: string, key: string): void {
    this.surveys.delete(surveyKey(workspaceId, key));
  }
}

function surveyKey(workspaceId: string, key: string): string {
  return `${workspaceId}|${key}`;
}

async function loadSigningSecret(prisma: PrismaClient, workspaceId: string): Promise<SigningSecret> {
  // A disabled workspace has no secret to check tokens with: its widgets and badges are refused.
  const workspace = await prisma.workspace.findUniqueOrThrow({
    where: { id: workspaceId, disabledAt: null },
    select: { signingSecret: true },
  });
  return { secret: workspace.signingSecret, key: widgetTokenKey(workspace.signingSecret) };
}

async function loadSurvey(
  prisma: PrismaClient,
  workspaceId: string,
  key: string,
): Promise<CachedSurvey | null> {
  const survey = await prisma.survey.findUnique({
    where: { workspaceId_key: { workspaceId, key } },
    select: {
      id: true,
      key: true,
      kind: true,
      question: true,
      followUpQuestion: true,
      defaultLocale: true,
      translations: true,
      reaskIntervalDays: true,
      active: true,
    },
  });
  return survey && { ...survey, translations: storedTranslations(survey.translations) };
}
