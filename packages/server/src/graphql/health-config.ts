// The workspace's health-score configuration: enabled components, weights and band thresholds.
// Validation is the formulas' own (parseHealthConfig), so the API accepts exactly what the
// health score can compute.
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import {
  HEALTH_COMPONENT_KEYS,
  type HealthConfig,
  healthConfigForReads,
  MAX_BACKTEST_HORIZON_DAYS,
  MAX_HEALTH_WEIGHT,
  MetricInputError,
  parseHealthConfig,
} from "@pulse/schema/metrics";
import { builder } from "../builder.ts";
import { hiddenFromViewerNodeWhere } from "../data/viewer-scope.ts";
import { changeHealthConfig, findHealthConfigVersion } from "../health/config-versions.ts";
import {
  type BandChange,
  healthBacktest,
  MAX_BACKTEST_PERIOD_DAYS,
  previewHealthConfig,
} from "../health/lab.ts";
import { isUuid } from "../ids.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { HealthBandEnum, HealthComponentKeyEnum } from "./metric-types.ts";
import { assertPageSize } from "./pagination.ts";
import { PeriodInput, periodIn } from "./period.ts";

interface ComponentSetting {
  key: (typeof HEALTH_COMPONENT_KEYS)[number];
  enabled: boolean;
  weight: number;
}

const HealthComponentSettingRef = builder.objectRef<ComponentSetting>("HealthComponentSetting").implement({
  fields: (t) => ({
    key: t.field({ type: HealthComponentKeyEnum, resolve: (setting) => setting.key }),
    enabled: t.exposeBoolean("enabled"),
    weight: t.exposeFloat("weight", {
      description: "Relative weight; normalized over the components with data",
    }),
  }),
});

export const HealthScoreConfigRef = builder.objectRef<HealthConfig>("HealthScoreConfig").implement({
  fields: (t) => ({
    components: t.field({
      type: [HealthComponentSettingRef],
      resolve: (config) => HEALTH_COMPONENT_KEYS.map((key) => ({ key, ...config.components[key] })),
    }),
    greenThreshold: t.float({
      description: "Score at or above which the band is GREEN",
      resolve: (config) => config.bands.green,
    }),
    yellowThreshold: t.float({
      description: "Score at or above which the band is YELLOW",
      resolve: (config) => config.bands.yellow,
    }),
    minimumCoverage: t.float({
      description:
        "Percent (0–100) of the enabled weight the components with data must carry; below it an account's score and band are null (insufficientData)",
      resolve: (config) => config.minimumCoverage,
    }),
  }),
});

export const HealthConfigVersionRef = builder.prismaNode("HealthConfigVersion", {
  id: { field: "id" },
  findUnique: (id, ctx) => hiddenFromViewerNodeWhere(id, ctx),
  description: "One stored health configuration: the whole configuration as a change made it.",
  fields: (t) => ({
    version: t.exposeInt("version", { description: "1, 2, 3… per workspace" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    config: t.field({
      type: HealthScoreConfigRef,
      select: { config: true },
      resolve: (version) => healthConfigForReads(version.config).config,
    }),
    apiKey: t.relation("apiKey", {
      nullable: true,
      description:
        "The key that made the change; null for the migration's backfill, a new workspace's first version, or a deleted key",
    }),
    restoredFromVersion: t.exposeInt("restoredFromVersion", {
      nullable: true,
      description: "The version this one restored (restoreHealthConfigVersion)",
    }),
  }),
});

builder.prismaObjectField("Workspace", "healthConfigVersions", (t) =>
  t.relatedConnection("healthConfigVersions", {
    description: "Every version of the health configuration, newest first.",
    cursor: "id",
    query: { orderBy: [{ version: "desc" }] },
  }),
);

builder.prismaObjectField("Workspace", "healthScoreConfig", (t) =>
  t.field({
    type: HealthScoreConfigRef,
    resolve: async (_workspace, _args, ctx) => (await ctx.settings()).healthConfig,
  }),
);

const HealthComponentSettingInput = builder.inputType("HealthComponentSettingInput", {
  fields: (t) => ({
    key: t.field({ type: HealthComponentKeyEnum, required: true }),
    enabled: t.boolean({ description: "Omitted: a weight above 0 enables the component" }),
    weight: t.float({ description: `0 to ${MAX_HEALTH_WEIGHT}; relative to the other components' weights` }),
  }),
});

const UpdateHealthScoreConfigInput = builder.inputType("UpdateHealthScoreConfigInput", {
  description: "Changes only what is given; the rest of the configuration stays as it is.",
  fields: (t) => ({
    components: t.field({ type: [HealthComponentSettingInput] }),
    greenThreshold: t.float(),
    yellowThreshold: t.float(),
    minimumCoverage: t.float({
      description: "Percent (0–100) of the enabled weight needed for a score; default 50",
    }),
  }),
});

/** The current configuration with the input's changes; a ValidationError when the result is invalid. */
function mergeConfigInput(
  current: HealthConfig,
  input: {
    components?: { key: string; enabled?: boolean | null; weight?: number | null }[] | null;
    greenThreshold?: number | null;
    yellowThreshold?: number | null;
    minimumCoverage?: number | null;
  },
): HealthConfig {
  const components: Record<string, { enabled: boolean; weight: number }> = Object.fromEntries(
    HEALTH_COMPONENT_KEYS.map((key) => [key, { ...current.components[key] }]),
  );
  const seen = new Set<string>();
  for (const [index, setting] of (input.components ?? []).entries()) {
    if (seen.has(setting.key)) {
      throw new ValidationError(`Component ${setting.key} is given twice.`, [
        { path: `components.${index}.key`, message: "given twice" },
      ]);
    }
    seen.add(setting.key);
    const target = components[setting.key];
    if (!target) continue;
    if (setting.weight != null) target.weight = setting.weight;
    // A weight is given to be used: above 0 it enables the component unless `enabled` says
    // otherwise (an explicit `enabled: false` keeps a weight for later).
    if (setting.enabled != null) target.enabled = setting.enabled;
    else if (setting.weight != null && setting.weight > 0) target.enabled = true;
  }
  try {
    return parseHealthConfig({
      components,
      bands: {
        green: input.greenThreshold ?? current.bands.green,
        yellow: input.yellowThreshold ?? current.bands.yellow,
      },
      minimumCoverage: input.minimumCoverage ?? current.minimumCoverage,
    });
  } catch (error) {
    throw asValidationError(error);
  }
}

function asValidationError(error: unknown): unknown {
  if (error instanceof MetricInputError) {
    return new ValidationError(
      error.message,
      error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    );
  }
  return error;
}

builder.mutationField("updateHealthScoreConfig", (t) =>
  t.field({
    type: HealthScoreConfigRef,
    description:
      "Changes the health-score configuration, stores it as a new version and recomputes today's snapshots with it, all in one transaction.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: UpdateHealthScoreConfigInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const config = mergeConfigInput((await ctx.settings()).healthConfig, input);
      await changeHealthConfig(ctx.database, {
        workspaceId: ctx.workspaceId,
        config,
        apiKeyId: ctx.auth.keyId,
        now: ctx.now,
      });
      return config;
    },
  }),
);

builder.mutationField("restoreHealthConfigVersion", (t) =>
  t.field({
    type: HealthConfigVersionRef,
    description:
      "Makes a stored version's configuration current again, as a new version (today's snapshots are recomputed with it).",
    errors: { types: [NotFoundError] },
    args: { id: t.arg.globalID({ required: true, description: "A HealthConfigVersion of this workspace" }) },
    resolve: async (_root, { id }, ctx) => {
      const source =
        id.typename === "HealthConfigVersion" && isUuid(id.id)
          ? await findHealthConfigVersion(ctx.reader, ctx.workspaceId, id.id)
          : null;
      if (!source) throw new NotFoundError("No such health configuration version in this workspace.");
      const created = await changeHealthConfig(ctx.database, {
        workspaceId: ctx.workspaceId,
        config: source.config,
        apiKeyId: ctx.auth.keyId,
        now: ctx.now,
        restoredFromVersion: source.version,
      });
      return ctx.prisma.healthConfigVersion.findUniqueOrThrow({ where: { id: created.id } });
    },
  }),
);

const HealthBandDistributionRef = builder
  .objectRef<{ green: number; yellow: number; red: number; insufficientData: number }>(
    "HealthBandDistribution",
  )
  .implement({
    fields: (t) => ({
      green: t.exposeInt("green"),
      yellow: t.exposeInt("yellow"),
      red: t.exposeInt("red"),
      insufficientData: t.exposeInt("insufficientData", {
        description: "Accounts with too little data for a score",
      }),
    }),
  });

const HealthBandChangeRef = builder.objectRef<BandChange>("HealthBandChange").implement({
  fields: (t) => ({
    // A page's accounts come in one statement: Prisma batches the findUnique calls of one tick.
    account: t.prismaField({
      type: "Account",
      resolve: (query, change, _args, ctx) =>
        ctx.prisma.account.findUniqueOrThrow({ ...query, where: { id: change.accountId } }),
    }),
    scoreBefore: t.exposeFloat("scoreBefore", { nullable: true }),
    bandBefore: t.field({ type: HealthBandEnum, nullable: true, resolve: (change) => change.bandBefore }),
    scoreAfter: t.exposeFloat("scoreAfter", { nullable: true }),
    bandAfter: t.field({ type: HealthBandEnum, nullable: true, resolve: (change) => change.bandAfter }),
  }),
});

type Preview = Awaited<ReturnType<typeof previewHealthConfig>>;

const HealthConfigPreviewRef = builder.objectRef<Preview>("HealthConfigPreview").implement({
  description: "A proposed configuration evaluated over every active account now; nothing is stored.",
  fields: (t) => ({
    accounts: t.exposeInt("accounts", { description: "Active accounts evaluated" }),
    before: t.field({ type: HealthBandDistributionRef, resolve: (preview) => preview.before }),
    after: t.field({ type: HealthBandDistributionRef, resolve: (preview) => preview.after }),
    meanScoreChange: t.exposeFloat("meanScoreChange", {
      nullable: true,
      description: "Mean of (score after − score before) over the accounts scored by both",
    }),
    scoredByBoth: t.exposeInt("scoredByBoth"),
    bandChanges: t.connection({
      type: HealthBandChangeRef,
      description: "The accounts whose band changes, by account id",
      resolve: (preview, args) => {
        assertPageSize(args);
        return resolveOffsetConnection({ args }, ({ limit, offset }) =>
          preview.changes.slice(offset, offset + limit),
        );
      },
    }),
  }),
});

builder.queryField("previewHealthScoreConfig", (t) =>
  t.field({
    type: HealthConfigPreviewRef,
    description:
      "Evaluates a proposed health configuration (changes over the current one) over every active account, without storing anything.",
    errors: { types: [ValidationError] },
    args: { config: t.arg({ type: UpdateHealthScoreConfigInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const settings = await ctx.settings();
      const proposed = mergeConfigInput(settings.healthConfig, args.config);
      return previewHealthConfig({
        // The request's reader, uncoalesced: the preview sends its fact families as parallel statements.
        reader: ctx.reader,
        workspaceId: ctx.workspaceId,
        settings,
        portfolio: await ctx.portfolioAccounts(),
        proposed,
        now: ctx.now,
      });
    },
  }),
);

type Backtest = Awaited<ReturnType<typeof healthBacktest>>;

const BandChurnRef = builder.objectRef<Backtest["bands"][number]>("HealthBacktestBand").implement({
  fields: (t) => ({
    band: t.field({ type: HealthBandEnum, resolve: (band) => band.band }),
    accounts: t.exposeInt("accounts"),
    churned: t.exposeInt("churned"),
    churnRate: t.exposeFloat("churnRate", { nullable: true, description: "100 × churned / accounts" }),
  }),
});

const FlagQualityRef = builder.objectRef<Backtest["atRisk"]>("HealthBacktestFlag").implement({
  fields: (t) => ({
    precision: t.exposeFloat("precision", {
      nullable: true,
      description: "100 × flagged accounts that churned / flagged accounts",
    }),
    recall: t.exposeFloat("recall", {
      nullable: true,
      description: "100 × churned accounts flagged / churned accounts",
    }),
    truePositives: t.exposeInt("truePositives"),
    falsePositives: t.exposeInt("falsePositives"),
    falseNegatives: t.exposeInt("falseNegatives"),
    trueNegatives: t.exposeInt("trueNegatives"),
  }),
});

const HealthBacktestRef = builder.objectRef<Backtest>("HealthBacktest").implement({
  description: "How well a configuration's score, recomputed from the facts known then, predicted churn.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (backtest) => backtest.period.from }),
    to: t.field({ type: "DateTime", resolve: (backtest) => backtest.period.to }),
    horizonDays: t.exposeInt("horizonDays"),
    bands: t.field({ type: [BandChurnRef], resolve: (backtest) => backtest.bands }),
    rocAuc: t.exposeFloat("rocAuc", {
      nullable: true,
      description: "ROC AUC (0–1) of the score, lower meaning more likely to churn, ties counted half",
    }),
    atRisk: t.field({
      type: FlagQualityRef,
      description: "The at-risk rule (renewal reason left out) at each account's scoring instant",
      resolve: (backtest) => backtest.atRisk,
    }),
    churnedAccounts: t.exposeInt("churnedAccounts"),
    retainedAccounts: t.exposeInt("retainedAccounts"),
    scoredAccounts: t.exposeInt("scoredAccounts"),
    excludedNotYetSignedUp: t.exposeInt("excludedNotYetSignedUp"),
    excludedInsufficientData: t.exposeInt("excludedInsufficientData"),
  }),
});

builder.queryField("healthBacktest", (t) =>
  t.field({
    type: HealthBacktestRef,
    description: `Backtests a health configuration (changes over the current one; omitted: the current one): each account that churned in the period scored horizonDays before its churn, each account active at the period's end scored horizonDays before that end, from the facts known then. The period ends by now and spans at most ${MAX_BACKTEST_PERIOD_DAYS} days; horizonDays is 1 to ${MAX_BACKTEST_HORIZON_DAYS}.`,
    errors: { types: [ValidationError] },
    args: {
      config: t.arg({ type: UpdateHealthScoreConfigInput }),
      period: t.arg({ type: PeriodInput, required: true }),
      horizonDays: t.arg.int({ required: true }),
    },
    resolve: async (_root, args, ctx) => {
      const settings = await ctx.settings();
      const config = args.config
        ? mergeConfigInput(settings.healthConfig, args.config)
        : settings.healthConfig;
      const period = periodIn(args.period, settings.timeZone);
      if (period.to.getTime() <= period.from.getTime()) {
        throw new ValidationError("`period.to` must be after `period.from`.", [
          { path: "period.to", message: "must be after period.from" },
        ]);
      }
      try {
        return await healthBacktest({
          reader: ctx.facts.reader,
          workspaceId: ctx.workspaceId,
          settings,
          config,
          period,
          horizonDays: args.horizonDays,
          now: ctx.now,
        });
      } catch (error) {
        throw asValidationError(error);
      }
    },
  }),
);
