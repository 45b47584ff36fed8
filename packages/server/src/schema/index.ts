import { builder } from "../builder.ts";
import "./errors.ts";
import "./workspace.ts";
import "./account.ts";
import "./facts.ts";
import "./account-metrics.ts";
import "./portfolio.ts";
import "./health-config.ts";
import "./widget.ts";
import "./api-keys.ts";

export const schema = builder.toSchema({ sortSchema: true });
