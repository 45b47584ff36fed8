// The workspace's health-score configuration: enabled components, weights and band thresholds.
// Validation is the formulas' own (parseHealthConfig), so the API accepts exactly what the
// health score can compute.
import {
  HEALTH_COMPONENT_KEYS,
  type HealthConfig,
  MAX_HEALTH_WEIGHT,
  MetricInputError,
  parseHealthConfig,
} from "@pulse/schema/metrics";
import { builder } from "../builder.ts";
import { recordHealthSnapshots } from "../health/snapshots.ts";
import { ValidationError } from "./errors.ts";
import { HealthComponentKeyEnum } from "./metric-types.ts";

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

const HealthScoreConfigRef = builder.objectRef<HealthConfig>("HealthScoreConfig").implement({
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

builder.mutationField("updateHealthScoreConfig", (t) =>
  t.field({
    type: HealthScoreConfigRef,
    description: "Changes the health-score configuration and recomputes today's snapshots with it.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: UpdateHealthScoreConfigInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const current = (await ctx.settings()).healthConfig;
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
      let config: HealthConfig;
      try {
        config = parseHealthConfig({
          components,
          bands: {
            green: input.greenThreshold ?? current.bands.green,
            yellow: input.yellowThreshold ?? current.bands.yellow,
          },
          minimumCoverage: input.minimumCoverage ?? current.minimumCoverage,
        });
      } catch (error) {
        if (error instanceof MetricInputError) {
          throw new ValidationError(
            error.message,
            error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
          );
        }
        throw error;
      }
      await ctx.prisma.workspace.update({
        where: { id: ctx.workspaceId },
        data: { healthConfig: JSON.parse(JSON.stringify(config)) },
      });
      await recordHealthSnapshots(ctx.prisma, ctx.workspaceId, { now: ctx.now });
      return config;
    },
  }),
);
