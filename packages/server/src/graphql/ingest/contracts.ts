// Ingestion of contracts (their term, value and renewal outcome). With an externalId they are
// upserted on it, which is how a renewal outcome is recorded later.
import { RenewalOutcome } from "@pulse/schema/prisma";
import { z } from "zod";
import { builder } from "../../builder.ts";
import { contractValue, externalId, instant } from "../../ingest/fields.ts";
import { upsertByExternalId } from "../../ingest/upsert.ts";
import { RenewalOutcomeEnum } from "../facts.ts";
import { addIngestionMutations } from "./ingestion.ts";

const ContractInput = builder.inputType("ContractInput", {
  description:
    "A contract term of an account. An omitted optional field keeps its stored value; null clears it.",
  fields: (t) => ({
    externalId: t.string({
      required: false,
      description: "Your id of the contract. With it a retry is safe and a changed contract is updated.",
    }),
    accountExternalId: t.string({ required: true }),
    startsAt: t.field({ type: "DateTime", required: true }),
    endsAt: t.field({ type: "DateTime", required: true, description: "After startsAt." }),
    value: t.field({
      type: "Decimal",
      required: false,
      description: "Contract value in the workspace currency.",
    }),
    renewalOutcome: t.field({ type: RenewalOutcomeEnum, required: false, description: "PENDING when new." }),
  }),
});

const contractSchema = z
  .object({
    externalId: externalId.optional(),
    accountExternalId: externalId,
    startsAt: instant,
    endsAt: instant,
    value: contractValue.nullish(),
    renewalOutcome: z.enum(RenewalOutcome).optional(),
  })
  .superRefine((contract, issues) => {
    if (contract.endsAt <= contract.startsAt) {
      issues.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
  });

addIngestionMutations({
  single: "upsertContract",
  batch: "upsertContracts",
  item: ContractInput,
  batchInput: "UpsertContractsInput",
  description: "Records a contract, or updates the one stored with the same externalId.",
  spec: {
    typename: "Contract",
    // Plans, not facts: a contract runs into the future, an invoice falls due later.
    scheduledDates: ["startsAt", "endsAt"],
    schema: contractSchema,
    batchKey: (contract) =>
      contract.externalId ? { field: "externalId", value: contract.externalId } : undefined,
    write: ({ tx, workspaceId }, items) =>
      upsertByExternalId(tx.contract, workspaceId, items, ({ input, refs }) => ({
        workspaceId,
        accountId: refs.account.id,
        externalId: input.externalId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        value: input.value,
        renewalOutcome: input.renewalOutcome,
      })),
  },
});
