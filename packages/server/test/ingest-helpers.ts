// Calls ingestion mutations the way a client does and returns their typed result.
import type { PulseYoga } from "../src/yoga.ts";
import { graphql } from "./helpers.ts";

export interface BatchResult {
  __typename: string;
  created?: number;
  updated?: number;
  unchanged?: number;
  ids?: string[];
  message?: string;
  fields?: { path: string; message: string }[];
}

export interface ItemResult {
  __typename: string;
  id?: string;
  outcome?: "CREATED" | "UPDATED" | "UNCHANGED";
  message?: string;
  fields?: { path: string; message: string }[];
}

function successType(mutation: string): string {
  return `Mutation${mutation[0]?.toUpperCase()}${mutation.slice(1)}Success`;
}

/** Runs a batch mutation, e.g. `ingestBatch(yoga, key, "upsertAccounts", "UpsertAccountsInput", items)`. */
export async function ingestBatch(
  yoga: PulseYoga,
  key: string,
  mutation: string,
  inputType: string,
  items: readonly object[],
): Promise<BatchResult> {
  const result = await graphql<{ result: BatchResult & { data?: Omit<BatchResult, "__typename"> } }>(
    yoga,
    key,
    `mutation($input: ${inputType}!) { result: ${mutation}(input: $input) {
      __typename
      ... on ${successType(mutation)} { data { created updated unchanged ids } }
      ... on ValidationError { message fields { path message } }
    } }`,
    { input: { items } },
  );
  if (result.errors) throw new Error(`${mutation}: ${JSON.stringify(result.errors)}`);
  const answer = result.data?.result;
  if (!answer) throw new Error(`${mutation}: no result`);
  return answer.data ? { __typename: answer.__typename, ...answer.data } : answer;
}

/** Runs a single-item mutation, e.g. `ingestOne(yoga, key, "upsertAccount", "AccountInput", item)`. */
export async function ingestOne(
  yoga: PulseYoga,
  key: string,
  mutation: string,
  inputType: string,
  input: object,
): Promise<ItemResult> {
  const result = await graphql<{ result: ItemResult & { data?: Omit<ItemResult, "__typename"> } }>(
    yoga,
    key,
    `mutation($input: ${inputType}!) { result: ${mutation}(input: $input) {
      __typename
      ... on ${successType(mutation)} { data { id outcome } }
      ... on ValidationError { message fields { path message } }
    } }`,
    { input },
  );
  if (result.errors) throw new Error(`${mutation}: ${JSON.stringify(result.errors)}`);
  const answer = result.data?.result;
  if (!answer) throw new Error(`${mutation}: no result`);
  return answer.data ? { __typename: answer.__typename, ...answer.data } : answer;
}
