// Server-Sent Events with ids, so a reconnecting client resumes by the standard `Last-Event-ID`
// header (what a browser's EventSource sends by itself after a drop): each event of the
// `domainEvents` subscription carries its domain event id as the SSE `id:` field, and as
// `extensions.eventId` of its payload for clients that read the JSON only. The subscription
// reads the header as its `after` when no `after` argument is given (schema/domain-events.ts).
import { isAsyncIterable, mapAsyncIterator, type Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";

export function useEventIds(): Plugin<Context> {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args }) {
          const context = args.contextValue as Context;
          return {
            onNext({ result, setResult }) {
              // Set by the field's resolver while this very result was executed.
              const eventId = context.eventIds.current;
              if (!eventId) return;
              context.eventIds.current = null;
              setResult({ ...result, extensions: { ...result.extensions, eventId } });
            },
          };
        },
      };
    },
    onResultProcess({ request, result, setResult }) {
      if (!isAsyncIterable(result) || !request.headers.get("accept")?.includes("text/event-stream")) return;
      // Yoga's SSE processor writes `data: <stringify(result)>\n\n`: an `id:` line after the
      // data line belongs to the same event.
      setResult(
        mapAsyncIterator(result, (next) => {
          const eventId = (next.extensions as { eventId?: unknown } | undefined)?.eventId;
          if (typeof eventId !== "string" || !/^[\w-]+$/.test(eventId)) return next;
          const stringify = next.stringify ?? JSON.stringify;
          return { ...next, stringify: (value: unknown) => `${stringify(value)}\nid: ${eventId}` };
        }),
      );
    },
  };
}
