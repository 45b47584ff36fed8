// `Idempotency-Key` for mutations (as in Stripe's API): the first request with a key runs and
// its result is stored; a retry with the same key and the same operation gets that result
// again without running anything; the same key with a different operation or variables is an
// error. A concurrent duplicate waits briefly for the first to finish.
//
// Records belong to the API key that sent the request (as in Stripe's API): another key of the
// workspace — a publishable key in a page, say — can neither replay nor claim them. A request
// that was refused (every error a client error, no field answered: a bad token, bad input,
// a lost database) records nothing, so its key stays free for a corrected retry; a result
// whose effect is unknown (an unexpected error, a timeout) is kept, so a retry cannot run twice.
import { createHash } from "node:crypto";
import { type DocumentNode, type ExecutionResult, GraphQLError, print } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { claimIdempotencyKey } from "../data/idempotency.ts";
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

/** Errors after which the request may have changed something: a retry must not run it again. */
const UNKNOWN_EFFECT = new Set(["INTERNAL_SERVER_ERROR", "TIMEOUT"]);

/** Whether a mutation's result says it was refused and changed nothing. */
export function wasRefused(result: ExecutionResult): boolean {
  if (!result.errors?.length) return false;
  if (result.data && Object.values(result.data).some((value) => value !== null && value !== undefined))
    return false;
  return result.errors.every((error) => {
    const code = error.extensions?.code;
    return typeof code === "string" && !UNKNOWN_EFFECT.has(code);
  });
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
      const apiKeyId = ctx.auth.keyId;
      const record = { apiKeyId_key: { apiKeyId, key } };
      const requestHash = createHash("sha256")
        .update(
          JSON.stringify([
            print(args.document as DocumentNode),
            args.operationName ?? null,
            args.variableValues ?? {},
          ]),
        )
        .digest("hex");
      const deadline = Date.now() + WAIT_FOR_FIRST_MS;
      for (;;) {
        const claimed = await claimIdempotencyKey(ctx.database.writer, {
          workspaceId: ctx.workspaceId,
          apiKeyId,
          key,
          pending: PENDING,
          requestHash,
          now: new Date(),
          staleBefore: new Date(Date.now() - STALE_PENDING_MS),
        });
        if (claimed) break;
        const stored = await ctx.prisma.idempotencyRecord.findUnique({ where: record });
        // The first request was refused (its record removed) meanwhile: claim the key again.
        if (!stored) continue;
        if (stored.requestHash !== requestHash) {
          setResultAndStopExecution(
            error(
              "IDEMPOTENCY_KEY_REUSED",
              "This Idempotency-Key was used for a different operation or input.",
              422,
            ),
          );
          return;
        }
        if (stored.operation !== PENDING) {
          const response = stored.response as { data?: ExecutionResult["data"]; errors?: StoredError[] };
          setResultAndStopExecution({
            data: response.data,
            errors: response.errors?.map(
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
      return {
        async onExecuteDone({ result }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const executed = result as ExecutionResult;
          if (wasRefused(executed)) {
            await ctx.prisma.idempotencyRecord.deleteMany({ where: { apiKeyId, key, operation: PENDING } });
            return;
          }
          const stored = JSON.parse(JSON.stringify({ data: executed.data ?? null, errors: executed.errors }));
          await ctx.prisma.idempotencyRecord.update({
            where: record,
            data: { operation: operation.name?.value ?? "mutation", response: stored },
          });
        },
      };
    },
  };
}
