// `nodes(ids:)` (Relay): at most MAX_NODE_IDS ids, and each id resolved on its own, so an unknown
// or foreign id is a null entry with a NOT_FOUND error at its path (["nodes", i]) while the other
// entries answer, as `node(id:)` answers null with the same error. Pothos's own field resolves
// the whole list at once, so one unknown id made the non-null list fail and `data` null.
import { resolveNodes } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { builder } from "../builder.ts";

export const MAX_NODE_IDS = 100;

builder.queryField("nodes", (t) =>
  t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Nodes by global id, at most ${MAX_NODE_IDS}; an unknown id is a null entry with a NOT_FOUND error at its path.`,
    args: {
      ids: t.arg.globalIDList({ required: true, extensions: { relayGlobalIDAlwaysParse: true } }),
    },
    resolve: async (_root, { ids }, ctx, info) => {
      if (ids.length > MAX_NODE_IDS) {
        throw new GraphQLError(`nodes takes at most ${MAX_NODE_IDS} ids (got ${ids.length}).`, {
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      // An Error as a list entry is that entry's error (graphql-js and graphql-jit both complete
      // it as null with the error at ["nodes", i]).
      return Promise.all(
        ids.map((id) =>
          resolveNodes(builder, ctx, info, [id]).then(
            ([node]) => node ?? null,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      );
    },
  }),
);
