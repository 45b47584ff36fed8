import { builder } from "../builder.ts";
import "./errors.ts";
import "./workspace.ts";
import "./account.ts";
import "./ingest/accounts.ts";

export const schema = builder.toSchema({ sortSchema: true });
