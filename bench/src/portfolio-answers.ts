// The portfolio's answers on the bench data set, as one JSON document, to compare two versions of
// the server byte for byte (issue 17: a faster portfolio must give identical figures).
//   tsx bench/src/portfolio-answers.ts > before.json   (on the old code)
//   tsx bench/src/portfolio-answers.ts > after.json && cmp before.json after.json
// Sends, in-process through Pulse's Yoga: the bench's PORTFOLIO_QUERY, every field of `Portfolio`
// (found by introspection) for all accounts and for each segment, and `metricSeries` of every
// `PortfolioMetric` by week, month and quarter, for all accounts and for one segment.

import { graphqlBody, PORTFOLIO_QUERY } from "./dashboard.ts";
import { openInProcessPulse } from "./lib/in-process.ts";

const { dataset, now, database, yoga } = await openInProcessPulse();

async function ask(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const response = await yoga.fetch("http://pulse.local/graphql", {
    method: "POST",
    headers: { authorization: `Bearer ${dataset.secretKey}`, "content-type": "application/json" },
    body: graphqlBody(query, variables),
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 500));
  return JSON.parse(text);
}

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface Field {
  name: string;
  args: { name: string }[];
  type: TypeRef;
}
const introspection = (await ask(`{
  __schema { types { name kind fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } enumValues { name } } }
}`)) as {
  data: {
    __schema: {
      types: { name: string; kind: string; fields: Field[] | null; enumValues: { name: string }[] | null }[];
    };
  };
};
const types = new Map(introspection.data.__schema.types.map((type) => [type.name, type]));
const named = (type: TypeRef): TypeRef => (type.ofType ? named(type.ofType) : type);

/** Every field of a type, objects expanded to their scalar fields (Account lists: id and name). */
function selection(typeName: string): string {
  const type = types.get(typeName);
  return (type?.fields ?? [])
    .filter((field) => field.args.every((arg) => arg.name === "first"))
    .map((field) => {
      const inner = named(field.type);
      if (inner.kind === "SCALAR" || inner.kind === "ENUM") return field.name;
      if (inner.name === "Account") return `${field.name} { id name }`;
      return `${field.name} { ${selection(inner.name as string)} }`;
    })
    .join(" ");
}

const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), to.getUTCDate()));
const period = { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
const segments = [null, "SMB", "Mid-Market", "Enterprise"];
const metrics = (types.get("PortfolioMetric")?.enumValues ?? []).map((value) => value.name);
const answers: Record<string, unknown> = {};

answers.PORTFOLIO_QUERY = await ask(PORTFOLIO_QUERY, { period });
answers["PORTFOLIO_QUERY default period"] = await ask(PORTFOLIO_QUERY);
const everyField = `query P($period: PeriodInput, $segment: String) { portfolio(period: $period, segment: $segment) { ${selection("Portfolio")} } }`;
for (const segment of segments) {
  answers[`portfolio ${segment}`] = await ask(everyField, { period, segment });
}
for (const metric of metrics) {
  for (const interval of ["WEEK", "MONTH", "QUARTER"]) {
    for (const segment of [null, "SMB"]) {
      answers[`metricSeries ${metric} ${interval} ${segment}`] = await ask(
        `query S($period: PeriodInput, $segment: String) { metricSeries(metric: ${metric}, interval: ${interval}, period: $period, segment: $segment) { from to value target } }`,
        { period, segment },
      );
    }
  }
}
process.stdout.write(`${JSON.stringify(answers, null, 1)}\n`);
await database.close();
