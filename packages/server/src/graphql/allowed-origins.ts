// Origins (scheme, host and port) whose pages may call the API with the workspace's
// publishable key, for the widgets. Stored normalized (the rules are domain/config.ts's) so they
// compare with a browser's Origin header as plain strings.
import { builder } from "../builder.ts";
import { allowedOriginsSchema } from "../domain/config.ts";
import { parseInput, plannedQuery, ValidationError } from "./errors.ts";

builder.prismaObjectField("Workspace", "allowedOrigins", (t) =>
  t.exposeStringList("allowedOrigins", {
    description: "Origins whose pages may use the publishable key, e.g. https://app.example.com.",
  }),
);

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
