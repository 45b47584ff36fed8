// CPU time per request of one GraphQL operation, in-process (yoga.fetch, no HTTP, no load
// generator): a steadier figure than req/s on a shared machine, for comparing server changes.
//   tsx bench/src/cpu-per-request.ts [dashboard|portfolio|<fields of Account>] [requests]
// Needs the benchmark data set (run `pnpm bench --seed-only` once).

import { DASHBOARD_QUERY, graphqlBody, PORTFOLIO_QUERY } from "./dashboard.ts";
import { openInProcessPulse } from "./lib/in-process.ts";

const [which = "dashboard", countArgument = "200"] = process.argv.slice(2);
const count = Number(countArgument);
const { dataset, now, database, yoga } = await openInProcessPulse();
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
