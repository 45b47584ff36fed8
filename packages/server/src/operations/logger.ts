// Structured logs: one JSON object per line (time, level, message, the request id of the request
// being served, and fields), so a log pipeline can index them and follow one request through
// them. The request id comes from the client's `x-request-id` when it is a sane token, otherwise a
// new one; it is echoed in the response and carried through async work by AsyncLocalStorage.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogRecord {
  time: string;
  level: LogLevel;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

const requestScope = new AsyncLocalStorage<{ requestId: string }>();
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id for an incoming `x-request-id` header value: it, when sane, or a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Runs `work` (and everything it starts) as part of the request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/** Errors as JSON: message, name, code and stack (JSON.stringify drops all of them). */
function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(code !== undefined ? { code } : {}),
      stack: value.stack,
    };
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing JSON lines at `level` and above (default: PULSE_LOG_LEVEL, else info). */
export function createLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const threshold =
    ORDER[options.level ?? (process.env.PULSE_LOG_LEVEL as LogLevel | undefined) ?? "info"] ?? ORDER.info;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < threshold) return;
      const record: LogRecord = { time: new Date().toISOString(), level, msg };
      const requestId = currentRequestId();
      if (requestId) record.requestId = requestId;
      for (const [key, value] of Object.entries(fields)) record[key] = serializable(value);
      write(JSON.stringify(record));
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/** The process's logger. */
export const logger: Logger = createLogger();
