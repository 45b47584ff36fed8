// `Idempotency-Key` for mutations (as in Stripe's API): the first request with a key runs and
// its result is stored; a retry with the same key and the same operation gets that result
// again without running anything; the same key with a different operation or variables is an
// error. A concurrent duplicate waits briefly for the first to finish.
import { createHash } from "node:crypto";
import { type DocumentNode, type ExecutionResult, GraphQLError, print } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { executedOperation } from "./use-operation.ts";

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** A pending record older than this is taken over (its request died before finishing). */
const STALE_PENDING_MS = 60_000;
const WAIT_FOR_FIRST_MS = 5_000;
const PENDING = "__pending__";

function error(code: string, message: string, status: number): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, http: { status } } })] };
}

interface StoredError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export function useIdempotency(): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context & { request: Request };
      const key = ctx.request?.headers.get("idempotency-key");
      if (key == null) return;
      const operation = executedOperation(args);
      if (operation.operation !== "mutation") return;
      if (!KEY_PATTERN.test(key)) {
        setResultAndStopExecution(
          error("BAD_USER_INPUT", "Idempotency-Key must be 1–200 visible ASCII characters.", 400),
        );
        return;
      }
      const requestHash = createHash("sha256")
        .update(
          JSON.stringify([
            print(args.document as DocumentNode),
            args.operationName ?? null,
            args.variableValues ?? {},
          ]),
        )
        .digest("hex");
      const claimed = await ctx.prisma.$queryRaw<{ key: string }[]>`
        INSERT INTO "IdempotencyRecord" ("workspaceId", key, operation, "requestHash", response, "createdAt")
        VALUES (${ctx.workspaceId}::uuid, ${key}, ${PENDING}, ${requestHash}, '{}'::jsonb, ${new Date()}::timestamp)
        ON CONFLICT ("workspaceId", key) DO UPDATE SET "createdAt" = EXCLUDED."createdAt"
          WHERE "IdempotencyRecord".operation = ${PENDING} AND "IdempotencyRecord"."requestHash" = EXCLUDED."requestHash"
            AND "IdempotencyRecord"."createdAt" < ${new Date(Date.now() - STALE_PENDING_MS)}::timestamp
        RETURNING key`;
      if (claimed.length === 0) {
        const deadline = Date.now() + WAIT_FOR_FIRST_MS;
        for (;;) {
          const record = await ctx.prisma.idempotencyRecord.findUnique({
            where: { workspaceId_key: { workspaceId: ctx.workspaceId, key } },
          });
          if (!record) break;
          if (record.requestHash !== requestHash) {
            setResultAndStopExecution(
              error(
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used for a different operation or input.",
                422,
              ),
            );
            return;
          }
          if (record.operation !== PENDING) {
            const stored = record.response as { data?: ExecutionResult["data"]; errors?: StoredError[] };
            setResultAndStopExecution({
              data: stored.data,
              errors: stored.errors?.map(
                (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }),
              ),
              extensions: { idempotentReplay: true },
            });
            return;
          }
          if (Date.now() > deadline) {
            setResultAndStopExecution(
              error(
                "IDEMPOTENCY_IN_PROGRESS",
                "A request with this Idempotency-Key is still running; retry shortly.",
                409,
              ),
            );
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      return {
        async onExecuteDone({ result }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const stored = JSON.parse(
            JSON.stringify({
              data: (result as ExecutionResult).data ?? null,
              errors: (result as ExecutionResult).errors,
            }),
          );
          await ctx.prisma.idempotencyRecord.update({
            where: { workspaceId_key: { workspaceId: ctx.workspaceId, key } },
            data: { operation: operation.name?.value ?? "mutation", response: stored },
          });
        },
      };
    },
  };
}
