// README.md runs as written: every fenced code block is read from the README at test time and
// run against a started Pulse server with the demo workspace, by its language tag:
//   sh / bash     run with bash (-euo pipefail); must exit 0, and JSON it prints must hold no errors
//   graphql       sent with the demo secret key; no errors, no error results, and every mutation
//                 field selects its error types' `message` (so a failing example shows why)
//   ts / js       run with tsx in a folder outside the repository, where only the packages the
//                 README tells you to install (`npm i …`) exist; a widget token it prints is given
//                 to later blocks as PULSE_WIDGET_TOKEN, a viewer token (`typ: "viewer"`) as
//                 PULSE_VIEWER_TOKEN, which the host page's "backend" answers at /api/pulse-token
//   html          put in a page on another loopback origin and opened in Chromium with every
//                 non-loopback request aborted: the widgets must render, without page errors;
//                 each <output> the page has must come to hold a GraphQL answer (JSON) with data
//                 and no errors
//   none / text   output and listings, not run
// A block that cannot run in a test is marked by `<!-- readme-test: skip (why) -->` on the line
// before it, and the list of skipped blocks is asserted below. Any other language tag fails, so
// a new block is either run by one of these rules or explicitly skipped.
// Placeholders every block may use, replaced before running: http://127.0.0.1:4000 and
// https://pulse.example.com (the server's address), https://app.example.com (the origin of the
// page the html blocks are put in), `pk_…` (the demo publishable key) and
// `token="…"` (the widget token) and `"ENDPOINT_ID"` (the webhook endpoint an earlier block made).
import { execFile } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, openDatabase } from "@pulse/schema/database";
import { schema } from "@pulse/server/graphql-schema";
import { type StartedServer, startHttpServer } from "@pulse/server/http";
import { JobScheduler } from "@pulse/server/jobs";
import { schedulePlaybooks } from "@pulse/server/playbooks";
import {
  DEMO_PUBLISHABLE_KEY,
  DEMO_SECRET_KEY,
  DEMO_SIGNING_SECRET,
  seedDemoWorkspace,
} from "@pulse/server/seed";
import { type DocumentNode, getNamedType, isUnionType, Kind, parse, type SelectionSetNode } from "graphql";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..");
export interface ReadmeBlock {
  /** The fence's language tag, lowercased; "" without one. */
  language: string;
  code: string;
  /** 1-based line of the opening fence in README.md. */
  line: number;
  /** Why the block is not run, from `<!-- readme-test: skip (why) -->` before it; null otherwise. */
  skip: string | null;
}

/** Every fenced code block of a Markdown text, indented ones (inside lists) included. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,})([\w+-]*)\s*$/.exec(lines[index] ?? "");
    if (!open) continue;
    const [, indent = "", fence = "```", language = ""] = open;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && (lines[index] ?? "").trim() !== fence; index++) {
      const line = lines[index] ?? "";
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    let previous = start - 1;
    while (previous >= 0 && (lines[previous] ?? "").trim() === "") previous--;
    const marker = /^\s*<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->\s*$/.exec(lines[previous] ?? "");
    blocks.push({
      language: language.toLowerCase(),
      code: body.join("\n"),
      line: start + 1,
      skip: marker?.[1] ?? null,
    });
  }
  return blocks;
}

const RUNNABLE = new Set(["sh", "bash", "graphql", "ts", "js", "html"]);
const TEXT = new Set(["", "text"]);

/** Objects in a GraphQL result that are typed errors (`__typename` …Error, or a code with a message). */
function errorResults(value: unknown, path = "data"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => errorResults(item, `${path}[${index}]`));
  if (!value || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const own =
    typeof record.__typename === "string" && record.__typename.endsWith("Error")
      ? [`${path}: ${JSON.stringify(record)}`]
      : [];
  return [...own, ...Object.entries(record).flatMap(([key, child]) => errorResults(child, `${path}.${key}`))];
}

/** Mutation fields whose error types are selected without their `message`. */
function mutationsHidingErrors(document: DocumentNode): string[] {
  const mutationType = schema.getMutationType();
  const hidden: string[] = [];
  const selectsMessage = (selectionSet: SelectionSetNode | undefined, typeName: string) =>
    (selectionSet?.selections ?? []).some(
      (selection) =>
        selection.kind === Kind.INLINE_FRAGMENT &&
        (selection.typeCondition?.name.value === typeName ||
          selection.typeCondition?.name.value === "Error") &&
        selection.selectionSet.selections.some(
          (field) => field.kind === Kind.FIELD && field.name.value === "message",
        ),
    );
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation" || !mutationType)
      continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const field = mutationType.getFields()[selection.name.value];
      const type = field ? getNamedType(field.type) : undefined;
      if (!type || !isUnionType(type)) continue;
      const errorTypes = type
        .getTypes()
        .filter((member) => member.getInterfaces().some((i) => i.name === "Error"));
      for (const errorType of errorTypes) {
        if (!selectsMessage(selection.selectionSet, errorType.name))
          hidden.push(`${selection.name.value} (${errorType.name})`);
      }
    }
  }
  return hidden;
}

/** Runs a command without blocking this process (the server under test runs in it). */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      args,
      { ...options, encoding: "utf8", timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Packages the README tells its reader to install (`npm i a b`). */
export function readmeInstalls(markdown: string): string[] {
  return [...markdown.matchAll(/`npm i(?:nstall)? ([^`]+)`/g)].flatMap((match) =>
    (match[1] ?? "").split(/\s+/).filter((name) => name && !name.startsWith("-")),
  );
}

describe("README.md, run as written", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const blocks = readmeBlocks(readme);
  let database: Database;
  let server: StartedServer;
  let jobs: JobScheduler;
  let browser: Browser;
  let hostPage: Server;
  let hostPageHtml = "";
  let hostUrl = "";
  const env: Record<string, string> = {};
  // A reader's own project: outside the repository, holding only what the README says to install.
  const scratch = mkdtempSync(join(tmpdir(), "pulse-readme-"));

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ":memory:" });
    const demo = await seedDemoWorkspace(database.prisma, { accounts: 12 });
    // The webhook example names a receiver on loopback (PULSE_WEBHOOKS_ALLOW_PRIVATE=true).
    server = await startHttpServer({ database, port: 0, allowPrivateWebhooks: true });
    // The background work `pulse start` runs with the server (cli.ts): the playbook evaluator.
    jobs = new JobScheduler(database, { tickMs: 10_000 });
    schedulePlaybooks(jobs, database);
    jobs.start();
    env.PULSE_WORKSPACE_ID = demo.workspaceId;
    env.PULSE_SIGNING_SECRET = DEMO_SIGNING_SECRET;
    mkdirSync(join(scratch, "node_modules"), { recursive: true });
    writeFileSync(
      join(scratch, "package.json"),
      JSON.stringify({ name: "readme-reader", private: true, type: "module" }),
    );
    const require = createRequire(import.meta.url);
    for (const name of readmeInstalls(readme)) {
      const target = join(scratch, "node_modules", ...name.split("/"));
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(dirname(require.resolve(`${name}/package.json`)), target, "dir");
    }
    hostPage = createServer((request, response) => {
      // The host's backend: it hands its page the viewer token a ts block signed.
      if (request.url === "/api/pulse-token") {
        response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        response.end(JSON.stringify({ token: env.PULSE_VIEWER_TOKEN ?? "" }));
        return;
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(hostPageHtml);
    });
    await new Promise<void>((resolve) => hostPage.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${(hostPage.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostPage?.close(resolve));
    await server?.close();
    await jobs?.stop();
    await database?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  function substituted(code: string): string {
    return code
      .replaceAll("http://127.0.0.1:4000", server.url)
      .replaceAll("https://pulse.example.com", server.url)
      .replaceAll("https://app.example.com", hostUrl.replace(/\/$/, ""))
      .replaceAll("pk_…", DEMO_PUBLISHABLE_KEY)
      .replaceAll('token="…"', `token="${env.PULSE_WIDGET_TOKEN ?? ""}"`)
      .replaceAll('"ENDPOINT_ID"', JSON.stringify(env.PULSE_WEBHOOK_ENDPOINT_ID ?? "ENDPOINT_ID"));
  }

  it("runs, skips explicitly, or shows as text every block, by its language tag", () => {
    expect(blocks.length).toBeGreaterThan(5);
    const unhandled = blocks.filter(
      (block) => !block.skip && !RUNNABLE.has(block.language) && !TEXT.has(block.language),
    );
    expect(unhandled.map((block) => `README.md:${block.line} \`\`\`${block.language}`)).toEqual([]);
    for (const language of ["sh", "graphql", "ts", "html"]) {
      expect(
        blocks.some((block) => block.language === language && !block.skip),
        language,
      ).toBe(true);
    }
  });

  it("skips only the blocks that cannot run in a test, each with its reason", () => {
    const skipped = blocks.filter((block) => block.skip);
    expect(skipped.map((block) => block.code.split("\n")[0])).toEqual([
      "npx -y pnpm@10.20.0 install && npx -y pnpm@10.20.0 start",
      "npx -y pnpm@10.20.0 install --frozen-lockfile && npx -y pnpm@10.20.0 test",
      "curl -N http://127.0.0.1:4000/graphql \\",
      "// subscribe.mjs: node subscribe.mjs",
      "// receive.mjs: PULSE_WEBHOOK_SECRET=whsec_… node receive.mjs",
      "createdb pulse",
    ]);
    for (const block of skipped)
      expect(block.skip?.length ?? 0, `README.md:${block.line}`).toBeGreaterThan(10);
  });

  it('installs without pnpm\'s "Ignored build scripts" warning: every dependency with an install script is decided', () => {
    const workspace = readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8");
    const listed = (key: string) => {
      const section = new RegExp(`^${key}:\\s*\\n((?:\\s+- .+\\n?)*)`, "m").exec(workspace)?.[1] ?? "";
      return [...section.matchAll(/- "?([^"\n]+)"?/g)].map((match) => (match[1] ?? "").trim());
    };
    const decided = new Set([...listed("onlyBuiltDependencies"), ...listed("ignoredBuiltDependencies")]);
    const store = join(repoRoot, "node_modules", ".pnpm");
    const withScripts = new Set<string>();
    for (const entry of readdirSync(store)) {
      const modules = join(store, entry, "node_modules");
      if (!existsSync(modules)) continue;
      for (const name of readdirSync(modules).flatMap((n) =>
        n.startsWith("@") ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n],
      )) {
        const manifest = join(modules, name, "package.json");
        if (!existsSync(manifest) || lstatSync(join(modules, ...name.split("/"))).isSymbolicLink()) continue;
        const scripts =
          (JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
        if (scripts.preinstall || scripts.install || scripts.postinstall) withScripts.add(name);
      }
    }
    expect(withScripts.size).toBeGreaterThan(0);
    expect([...withScripts].filter((name) => !decided.has(name)).sort()).toEqual([]);
  });

  for (const block of blocks.filter((b) => !b.skip && RUNNABLE.has(b.language))) {
    it(`runs the ${block.language} block at README.md:${block.line}`, async () => {
      const code = substituted(block.code);
      if (block.language === "sh" || block.language === "bash") {
        const result = await run("bash", ["-euo", "pipefail", "-c", code], {
          cwd: repoRoot,
          env: { ...process.env, ...env },
        });
        expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0);
        let printed: unknown;
        try {
          printed = JSON.parse(result.stdout);
        } catch {
          printed = undefined;
        }
        if (printed && typeof printed === "object") {
          expect((printed as { errors?: unknown }).errors, result.stdout).toBeUndefined();
          expect(errorResults(printed)).toEqual([]);
        }
        return;
      }
      if (block.language === "graphql") {
        const document = parse(code);
        expect(mutationsHidingErrors(document), "each mutation selects its errors' message").toEqual([]);
        const response = await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ query: code }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: unknown };
        expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
        expect(response.status).toBe(200);
        expect(errorResults(body.data)).toEqual([]);
        // A webhook endpoint made here is the one later blocks name as ENDPOINT_ID.
        const made = (body.data as { createWebhookEndpoint?: { data?: { endpoint?: { id?: string } } } })
          ?.createWebhookEndpoint?.data?.endpoint?.id;
        if (made) env.PULSE_WEBHOOK_ENDPOINT_ID = made;
        return;
      }
      if (block.language === "ts" || block.language === "js") {
        const file = join(scratch, `block-${block.line}.${block.language === "ts" ? "mts" : "mjs"}`);
        writeFileSync(file, code);
        const result = await run(join(repoRoot, "node_modules", ".bin", "tsx"), [file], {
          cwd: scratch,
          env: { ...process.env, ...env },
        });
        expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0);
        const printed = result.stdout.trim();
        if (JWT.test(printed)) {
          const claims = JSON.parse(
            Buffer.from(printed.split(".")[1] ?? "", "base64url").toString("utf8"),
          ) as {
            typ?: unknown;
          };
          env[claims.typ === "viewer" ? "PULSE_VIEWER_TOKEN" : "PULSE_WIDGET_TOKEN"] = printed;
        }
        return;
      }
      // html: the embed on a host page of another origin, in Chromium, offline but for loopback.
      if (/<pulse-/.test(code))
        expect(env.PULSE_WIDGET_TOKEN, "a block before the embed prints the widget token").toMatch(JWT);
      if (code.includes("x-pulse-viewer-token"))
        expect(env.PULSE_VIEWER_TOKEN, "a block before the page prints the viewer token").toMatch(JWT);
      hostPageHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>README embed</title></head><body>\n${code}\n</body></html>`;
      browser ??= await launchChromium();
      const context = await browser.newContext();
      const offline: string[] = [];
      await context.route("**/*", (route) => {
        const { hostname, protocol } = new URL(route.request().url());
        if (hostname === "127.0.0.1" || protocol === "data:") return route.continue();
        offline.push(route.request().url());
        return route.abort("internetdisconnected");
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error" && !message.text().includes("favicon")) errors.push(message.text());
      });
      const widgetErrors: string[] = [];
      await page.exposeFunction("pulseReadmeError", (detail: string) => widgetErrors.push(detail));
      await page.addInitScript(() => {
        document.addEventListener("pulse-error", (event) => {
          (window as unknown as { pulseReadmeError(detail: string): void }).pulseReadmeError(
            JSON.stringify((event as CustomEvent).detail),
          );
        });
      });
      await page.goto(hostUrl);
      for (const tag of ["pulse-nps-survey", "pulse-health-badge", "pulse-ces-survey", "pulse-csat-survey"]) {
        const elements = page.locator(tag);
        if ((await elements.count()) === 0) continue;
        // Each widget rendered its content (not an empty shadow root).
        await expect
          .poll(
            () =>
              elements.first().evaluate((element) => (element.shadowRoot?.textContent ?? "").trim().length),
            { timeout: 20_000 },
          )
          .toBeGreaterThan(0);
      }
      if ((await page.locator("pulse-health-badge").count()) > 0) {
        await expect
          .poll(
            () =>
              page
                .locator("pulse-health-badge")
                .first()
                .evaluate(
                  (element) =>
                    element.shadowRoot?.querySelector("[aria-label]")?.getAttribute("aria-label") ?? "",
                ),
            { timeout: 20_000 },
          )
          .toMatch(/Health/i);
      }
      // A page that queries GraphQL shows each answer in an <output>.
      const outputs = page.locator("output");
      for (let index = 0; index < (await outputs.count()); index++) {
        const text = async () => (await outputs.nth(index).textContent()) ?? "";
        await expect.poll(async () => (await text()).startsWith("{"), { timeout: 20_000 }).toBe(true);
        const answer = JSON.parse(await text()) as { data?: unknown; errors?: unknown };
        expect(answer.errors, await text()).toBeUndefined();
        expect(answer.data).toBeTruthy();
        expect(errorResults(answer.data)).toEqual([]);
      }
      expect(widgetErrors).toEqual([]);
      expect(errors).toEqual([]);
      expect(offline).toEqual([]);
      await context.close();
    });
  }
});
