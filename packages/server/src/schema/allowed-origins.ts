// Origins (scheme, host and port) whose pages may call the API with the workspace's
// publishable key, for the widgets. Stored normalized so they compare with a browser's
// Origin header as plain strings.
import { z } from "zod";
import { builder } from "../builder.ts";
import { parseInput, plannedQuery, ValidationError } from "./errors.ts";

const MAX_ALLOWED_ORIGINS = 100;

builder.prismaObjectField("Workspace", "allowedOrigins", (t) =>
  t.exposeStringList("allowedOrigins", {
    description: "Origins whose pages may use the publishable key, e.g. https://app.example.com.",
  }),
);

/** Why a URL is not one web origin, or undefined when it is. */
function notAnOrigin(url: URL): string | undefined {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https or http";
  if (url.username || url.password) return "must not contain credentials";
  if (url.pathname !== "/" || url.search || url.hash)
    return "must be an origin only, without a path, query or fragment";
  if (url.hostname.includes("*")) return "must name one host; wildcards are not supported, list each origin";
  return undefined;
}

const origin = z
  .string()
  .trim()
  .max(300, "must be at most 300 characters")
  .transform((value, issues) => {
    if (!URL.canParse(value)) {
      issues.addIssue({ code: "custom", message: 'must be an origin such as "https://app.example.com"' });
      return z.NEVER;
    }
    const url = new URL(value);
    const problem = notAnOrigin(url);
    if (problem) {
      issues.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    // URL.origin lowercases the host and drops a default port, as browsers send it.
    return url.origin;
  });

const allowedOriginsSchema = z.object({
  origins: z.array(origin).max(MAX_ALLOWED_ORIGINS, `must hold at most ${MAX_ALLOWED_ORIGINS} origins`),
});

const SetAllowedOriginsInput = builder.inputType("SetAllowedOriginsInput", {
  fields: (t) => ({
    origins: t.stringList({
      required: true,
      description: "The complete list; it replaces the stored one. An empty list restricts no origin.",
    }),
  }),
});

builder.mutationField("setAllowedOrigins", (t) =>
  t.prismaField({
    type: "Workspace",
    description: "Replaces the origins allowed to use the workspace's publishable key.",
    errors: { types: [ValidationError] },
    args: { input: t.arg({ type: SetAllowedOriginsInput, required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const { origins } = parseInput(allowedOriginsSchema, args.input);
      const workspace = await ctx.prisma.workspace.update({
        ...plannedQuery(query),
        where: { id: ctx.workspaceId },
        data: { allowedOrigins: [...new Set(origins)] },
      });
      // Cached keys carry the workspace's origins.
      ctx.keys?.evictWorkspace(ctx.workspaceId);
      return workspace;
    },
  }),
);
