import { builder } from "../builder.ts";
import "./errors.ts";
import "./workspace.ts";
import "./account.ts";
import "./facts.ts";
import "./account-metrics.ts";
import "./portfolio.ts";
import "./ingest/accounts.ts";
import "./ingest/contacts.ts";
import "./ingest/revenue-events.ts";
import "./ingest/contracts.ts";
import "./ingest/support-tickets.ts";
import "./ingest/invoices.ts";
import "./ingest/sentiment-entries.ts";
import "./ingest/business-reviews.ts";
import "./ingest/usage-events.ts";

export const schema = builder.toSchema({ sortSchema: true });
