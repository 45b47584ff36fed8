// The workspace settings every metric of a request needs, read once per request (one statement).
import {
  type HealthConfig,
  type MilestoneDefinition,
  parseHealthConfig,
} from "@pulse/schema/metrics";
import type { PrismaClient } from "@pulse/schema/prisma";

export interface WorkspaceSettings {
  workspaceId: string;
  currency: string;
  healthConfig: HealthConfig;
  keyFeatures: string[];
  grossMargin: string;
  lifetimeCapMonths: number;
  milestones: (MilestoneDefinition & { id: string; name: string })[];
}

export async function loadWorkspaceSettings(prisma: PrismaClient, workspaceId: string): Promise<WorkspaceSettings> {
  const workspace = await prisma.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: {
      currency: true,
      healthConfig: true,
      keyFeatures: true,
      grossMargin: true,
      lifetimeCapMonths: true,
      milestones: { select: { id: true, key: true, name: true, position: true, targetDays: true, isFirstValue: true }, orderBy: [{ position: "asc" }, { key: "asc" }] },
    },
  });
  return {
    workspaceId,
    currency: workspace.currency,
    healthConfig: parseHealthConfig(workspace.healthConfig ?? {}),
    keyFeatures: workspace.keyFeatures,
    grossMargin: workspace.grossMargin.toString(),
    lifetimeCapMonths: workspace.lifetimeCapMonths,
    milestones: workspace.milestones,
  };
}
