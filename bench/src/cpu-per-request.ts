// CPU time per request of one GraphQL operation, in-process (yoga.fetch, no HTTP, no load
// generator): a steadier figure than req/s on a shared machine, for comparing server changes.
//   tsx bench/src/cpu-per-request.ts [dashboard|portfolio|<fields of Account>] [requests]
// Needs the benchmark data set (run `pnpm bench --seed-only` once).
import { openDatabase } from "@pulse/schema/database";
import pg from "pg";
import { createPulseYoga } from "../../packages/server/src/yoga.ts";
import { databaseUrl } from "./config.ts";
import { DASHBOARD_QUERY, graphqlBody, PORTFOLIO_QUERY } from "./dashboard.ts";

const [which = "dashboard", countArgument = "200"] = process.argv.slice(2);
const count = Number(countArgument);
const meta = new pg.Client({ connectionString: databaseUrl });
await meta.connect();
const row = (await meta.query<{ value: string }>("SELECT value FROM bench_meta WHERE key = 'dataset'"))
  .rows[0];
await meta.end();
if (!row) throw new Error("no data set: run `pnpm bench --seed-only` first");
const dataset = JSON.parse(row.value) as { secretKey: string; now: string };
const now = new Date(dataset.now);

const database = await openDatabase({ url: databaseUrl, migrate: false, poolSize: 10 });
const yoga = createPulseYoga({ database, clock: () => now, rateLimits: null });
const body =
  which === "portfolio"
    ? graphqlBody(PORTFOLIO_QUERY, {
        period: { from: new Date(now.getTime() - 365 * 86_400_000).toISOString(), to: now.toISOString() },
      })
    : which === "dashboard"
      ? graphqlBody(DASHBOARD_QUERY, { first: 50 })
      : graphqlBody(`query { accounts(first: 50) { edges { cursor node { ${which} } } } }`);

async function once(): Promise<number> {
  const response = await yoga.fetch("http://pulse.local/graphql", {
    method: "POST",
    headers: { authorization: `Bearer ${dataset.secretKey}`, "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 500));
  return text.length;
}

for (let i = 0; i < Math.min(20, count); i += 1) await once();
database.statements.reset();
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < count; i += 1) await once();
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${which}: ${count} requests, ${(cpuMs / count).toFixed(2)} ms CPU/request, ${(wall / count).toFixed(2)} ms wall/request, ` +
    `${(database.statements.count / count).toFixed(1)} statements/request ` +
    `(user ${(used.user / 1000 / count).toFixed(2)} ms, system ${(used.system / 1000 / count).toFixed(2)} ms)`,
);
await database.close();
