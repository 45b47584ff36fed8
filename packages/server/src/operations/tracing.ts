// OpenTelemetry traces of GraphQL operations (@envelop/opentelemetry), off unless
// PULSE_OTEL_TRACES=true. Spans go to the global tracer provider, which the operator sets up with
// the OpenTelemetry SDK and exporter of their choice (e.g. `node --import ./otel.mjs`); Pulse
// bundles no exporter, so nothing leaves the process unless one is configured.
import { useOpenTelemetry } from "@envelop/opentelemetry";
import { type TracerProvider, trace } from "@opentelemetry/api";
import type { Plugin } from "graphql-yoga";

export function useTracing(provider: TracerProvider = trace.getTracerProvider()): Plugin {
  // Resolver spans would cost a span per field of every account: operations only.
  return useOpenTelemetry(
    { resolvers: false, variables: false, result: false },
    provider,
    undefined,
    undefined,
    "pulse",
  ) as Plugin;
}
