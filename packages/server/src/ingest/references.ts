// Facts name accounts, contacts, surveys and milestones by the client's keys. All items of a
// request are resolved together, one query per kind of reference, always inside the
// workspace: another workspace's rows are simply not found.
import type { SurveyKind } from "@pulse/schema/prisma";
import type { Transaction } from "./ingest.ts";
import type { Problems } from "./problems.ts";
import { findByKeys } from "./upsert.ts";

export interface AccountReference {
  id: string;
  externalId: string;
  signedUpAt: Date;
}

export interface ContactReference {
  id: string;
  externalId: string;
  accountId: string;
}

export interface SurveyReference {
  id: string;
  key: string;
  kind: SurveyKind;
}

export interface MilestoneReference {
  id: string;
  key: string;
  isFirstValue: boolean;
}

/** The rows an item names, by the input fields it has. */
export type References<Item> = ("accountExternalId" extends keyof Item
  ? { account: AccountReference }
  : unknown) &
  ("contactExternalId" extends keyof Item ? { contact: ContactReference | null } : unknown) &
  ("survey" extends keyof Item ? { survey: SurveyReference } : unknown) &
  ("milestone" extends keyof Item ? { milestone: MilestoneReference } : unknown);

export interface LocatedItem<Item> {
  input: Item;
  /** The request path of one of the item's fields, e.g. "items.3.score" ("score" when single). */
  at(field: string): string;
}

export interface ResolvedItem<Item> extends LocatedItem<Item> {
  refs: References<Item>;
}

function keyIn(input: object, field: string): string | undefined {
  const value: unknown = (input as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

/**
 * Resolves every reference of every item in at most four queries. Items naming something
 * missing are reported to `problems` and left out of the result.
 */
export async function resolveReferences<Item extends object>(
  tx: Transaction,
  workspaceId: string,
  items: readonly LocatedItem<Item>[],
  problems: Problems,
): Promise<ResolvedItem<Item>[]> {
  const keys = (field: string) => items.map((item) => keyIn(item.input, field));
  const accounts = await findByKeys(
    keys("accountExternalId"),
    (externalIds) =>
      tx.account.findMany({
        where: { workspaceId, externalId: { in: externalIds } },
        select: { id: true, externalId: true, signedUpAt: true },
      }),
    (account) => account.externalId,
  );
  const contacts = await findByKeys(
    keys("contactExternalId"),
    (externalIds) =>
      tx.contact.findMany({
        where: { workspaceId, externalId: { in: externalIds } },
        select: { id: true, externalId: true, accountId: true },
      }),
    (contact) => contact.externalId,
  );
  const surveys = await findByKeys(
    keys("survey"),
    (surveyKeys) =>
      tx.survey.findMany({
        where: { workspaceId, key: { in: surveyKeys } },
        select: { id: true, key: true, kind: true },
      }),
    (survey) => survey.key,
  );
  const milestones = await findByKeys(
    keys("milestone"),
    (milestoneKeys) =>
      tx.milestone.findMany({
        where: { workspaceId, key: { in: milestoneKeys } },
        select: { id: true, key: true, isFirstValue: true },
      }),
    (milestone) => milestone.key,
  );

  const resolved: ResolvedItem<Item>[] = [];
  for (const item of items) {
    let complete = true;
    const find = <Row>(field: string, rows: Map<string, Row>, what: string): Row | undefined => {
      const key = keyIn(item.input, field);
      if (key === undefined) return undefined;
      const row = rows.get(key);
      if (!row) {
        problems.add(item.at(field), `names no ${what} of this workspace: "${key}"`);
        complete = false;
      }
      return row;
    };
    const account = find("accountExternalId", accounts, "account");
    const contact = find("contactExternalId", contacts, "contact") ?? null;
    const survey = find("survey", surveys, "survey");
    const milestone = find("milestone", milestones, "milestone");
    if (account && contact && contact.accountId !== account.id) {
      problems.add(item.at("contactExternalId"), `"${contact.externalId}" is a contact of another account`);
      complete = false;
    }
    // Every field named in References<Item> was either found or reported above; the type
    // cannot follow that, so the record is asserted once here.
    if (complete)
      resolved.push({ ...item, refs: { account, contact, survey, milestone } as References<Item> });
  }
  return resolved;
}
