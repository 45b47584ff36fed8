// Summarizes V8 CPU profiles (BENCH_PROFILE=1): self time by package (or Node/V8 internals) and
// the heaviest functions, to say where a server under test spends its one core.
//   tsx bench/src/profile-summary.ts bench/results/profiles/D-….cpuprofile [top]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function owner(url: string): string {
  if (!url) return "(V8/native: GC, idle, program)";
  if (url.startsWith("node:")) return "node internals";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1] as string;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (plain) return plain[1] as string;
  const pulse = /\/(packages\/[^/]+|bench)\//.exec(url);
  return pulse ? (pulse[1] as string) : url;
}

const [file, topArgument] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
let total = 0;
let idle = 0;
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, micros] of selfTime) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  total += micros;
  if (frame.functionName === "(idle)") {
    idle += micros;
    continue;
  }
  const who = owner(frame.url);
  byOwner.set(who, (byOwner.get(who) ?? 0) + micros);
  const name = `${frame.functionName || "(anonymous)"} ${who}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}
const busy = total - idle;

// Inclusive time: a sample counts for every owner on its stack (once each), e.g. all the time
// spent inside Prisma's client, whatever it called.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
for (const [id, micros] of selfTime) {
  if (byId.get(id)?.callFrame.functionName === "(idle)") continue;
  const owners = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (frame?.url) owners.add(owner(frame.url));
  }
  for (const who of owners) inclusive.set(who, (inclusive.get(who) ?? 0) + micros);
}
const percent = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)} %)`,
);
console.log("\nself time by owner (share of busy time):");
for (const [who, micros] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${percent(micros)}  ${who}`);
console.log("\ntime with the owner on the stack (inclusive):");
for (const [who, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${percent(micros)}  ${who}`);
console.log("\nheaviest functions (self time):");
for (const [name, micros] of [...byFunction]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArgument ?? 20))) {
  console.log(`  ${percent(micros)}  ${name}`);
}
