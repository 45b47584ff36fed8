// D, R and N: the dashboard page through Pulse, through hand-written SQL, and through naive
// resolvers. First their answers are compared (they must be the same JSON), then the SQL
// statements of one request are counted at several page sizes, then each is loaded in turn.
import { load, PAGE_SIZE, PAGE_SIZES_CHECKED } from "../config.ts";
import { DASHBOARD_QUERY, graphqlBody } from "../dashboard.ts";
import { canonical, firstDifference, post } from "../lib/http.ts";
import { describePhase, type Measured, measure, type Run } from "../lib/run.ts";
import type { RunningServer } from "../lib/server.ts";
import type { TracedStatement } from "../servers/child.ts";

export interface DashboardResults {
  sameJson: boolean;
  pagesCompared: number;
  difference: string | null;
  /** Statements of one request, by contender and page size. */
  statements: Record<string, Record<number, number>>;
  /** Pulse's statements for one page of PAGE_SIZE, with the time Prisma reports for each. */
  trace: TracedStatement[];
  load: Record<"D" | "R" | "N", Measured>;
}

type Contenders = Record<"D" | "R" | "N", RunningServer>;

interface Answer {
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a GraphQL answer, compared as a whole
  json: any;
  statements: number;
}

async function ask(server: RunningServer, run: Run, first: number, after: string | null): Promise<Answer> {
  const before = await server.stats();
  const reply = await post(
    `${server.url}/graphql`,
    graphqlBody(DASHBOARD_QUERY, { first, after }),
    run.headers,
  );
  const afterStats = await server.stats();
  if (reply.status !== 200)
    throw new Error(`${server.name} answered ${reply.status}: ${reply.text.slice(0, 300)}`);
  return {
    text: reply.text,
    json: JSON.parse(reply.text),
    statements: afterStats.statements - before.statements,
  };
}

export async function dashboardScenarios(run: Run, servers: Contenders): Promise<DashboardResults> {
  // Same JSON: the first three pages (cursor pagination included), compared as parsed values.
  let after: string | null = null;
  let difference: string | null = null;
  const pages = 3;
  const firstAnswers: Record<string, string> = {};
  for (let page = 0; page < pages && difference === null; page++) {
    const answers: Record<"D" | "R" | "N", Answer> = {
      D: await ask(servers.D, run, PAGE_SIZE, after),
      R: await ask(servers.R, run, PAGE_SIZE, after),
      N: await ask(servers.N, run, PAGE_SIZE, after),
    };
    if (answers.D.json.errors) throw new Error(`Pulse answered with errors: ${answers.D.text.slice(0, 300)}`);
    if (page === 0) for (const [name, answer] of Object.entries(answers)) firstAnswers[name] = answer.text;
    for (const name of ["R", "N"] as const) {
      if (canonical(answers.D.json) !== canonical(answers[name].json)) {
        difference = `D vs ${name}, page ${page + 1}: ${firstDifference(answers.D.json, answers[name].json)}`;
      }
    }
    after = answers.D.json.data.accounts.pageInfo.endCursor;
  }
  const sameJson = difference === null;
  run.log(
    sameJson
      ? `D, R and N return the same JSON (deep equal, key order aside) for ${pages} consecutive pages of ${PAGE_SIZE} accounts`
      : `D, R and N do NOT return the same JSON: ${difference}`,
  );

  const statements: DashboardResults["statements"] = { D: {}, R: {}, N: {} };
  for (const [name, server] of Object.entries(servers)) {
    for (const size of PAGE_SIZES_CHECKED) {
      (statements[name] as Record<number, number>)[size] = (await ask(server, run, size, null)).statements;
    }
  }
  run.log(
    `SQL statements per dashboard request by page size ${PAGE_SIZES_CHECKED.join(" / ")}: ${JSON.stringify(statements)}`,
  );
  const trace = await servers.D.trace(() => ask(servers.D, run, PAGE_SIZE, null));

  const results = {} as DashboardResults["load"];
  for (const name of ["D", "R", "N"] as const) {
    results[name] = await measure(servers[name], {
      path: "/graphql",
      headers: run.headers,
      body: graphqlBody(DASHBOARD_QUERY, { first: PAGE_SIZE, after: null }),
      // Every answer under load must be the verified first page, byte for byte.
      expectBody: firstAnswers[name],
      connections: load.dashboardConnections,
      warmup: { seconds: load.warmupSeconds },
      // N answers a page in seconds: a longer window so that it completes enough requests.
      seconds: name === "N" ? Math.max(load.seconds, 30) : load.seconds,
      timeoutSeconds: 60,
    });
    run.log(describePhase(name, results[name]));
  }
  return { sameJson, pagesCompared: pages, difference, statements, trace, load: results };
}
