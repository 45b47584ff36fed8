// The workspace settings every metric of a request needs, read once per request (one statement).

import type { SqlReader } from "@pulse/schema/database";
import {
  DEFAULT_TIME_ZONE,
  type HealthConfig,
  healthConfigForReads,
  isTimeZone,
  lifetimeSettingsForReads,
  type MilestoneDefinition,
} from "@pulse/schema/metrics";
import { workspaceSettingsRow } from "../data/settings.ts";

export interface WorkspaceSettings {
  workspaceId: string;
  currency: string;
  healthConfig: HealthConfig;
  /** The stored version of `healthConfig` (null for a workspace without versions). */
  healthConfigVersionId: string | null;
  keyFeatures: string[];
  grossMargin: string;
  lifetimeCapMonths: number;
  /** IANA time zone of period dates, series buckets and usage days (default UTC). */
  timeZone: string;
  milestones: (MilestoneDefinition & { id: string; name: string })[];
  /** Revision of the workspace's accounts and revenue events (see loaders/portfolio.ts). */
  factsRevision: string;
  /** Revisions of the workspace's health snapshots, contracts and milestones (see loaders/workspace-reads.ts). */
  snapshotsRevision: string;
  contractsRevision: string;
  milestonesRevision: string;
  surveysRevision: string;
}

/**
 * One statement, through `reader` (a request's coalescing reader, see loaders/facts.ts, or the
 * database's primary reader for jobs and writes).
 */
export async function loadWorkspaceSettings(
  reader: SqlReader,
  workspaceId: string,
): Promise<WorkspaceSettings> {
  const row = await workspaceSettingsRow(reader, workspaceId);
  if (!row) throw new Error(`Workspace ${workspaceId} does not exist.`);
  // Stored settings that the formulas would refuse fall back to their defaults: a read never fails on them.
  const lifetime = lifetimeSettingsForReads({
    grossMargin: row.grossMargin,
    lifetimeCapMonths: row.lifetimeCapMonths,
  });
  return {
    workspaceId,
    currency: row.currency,
    // A stored configuration that no longer validates falls back to the defaults: a read never fails on it.
    healthConfig: healthConfigForReads(row.healthConfig ?? {}).config,
    keyFeatures: row.keyFeatures,
    grossMargin: lifetime.grossMargin,
    lifetimeCapMonths: lifetime.lifetimeCapMonths,
    // A stored zone this runtime does not know (written by hand) reads as UTC, like the other settings.
    timeZone: isTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE,
    milestones: row.milestones,
    factsRevision: row.factsRevision,
    snapshotsRevision: row.snapshotsRevision,
    contractsRevision: row.contractsRevision,
    milestonesRevision: row.milestonesRevision,
    surveysRevision: row.surveysRevision,
    healthConfigVersionId: row.healthConfigVersionId,
  };
}
