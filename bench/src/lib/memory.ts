// Resident memory of a child process, read from /proc (Linux) while a load phase runs: the
// samples give the peak and the steady level (the median of the phase's second half).
import { readFileSync } from "node:fs";

export interface MemoryFigures {
  /** Highest resident set seen while sampling, MiB. */
  peakMiB: number;
  /** Median of the samples of the phase's second half, MiB. */
  steadyMiB: number;
  /** Resident set at the start of the phase, MiB. */
  startMiB: number;
  /** The kernel's high-water mark of the process's whole life so far (VmHWM), MiB. */
  lifetimePeakMiB: number;
  samples: number;
}

function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** Samples `pid`'s resident set every `everyMs` until `stop()`; null where /proc is not there. */
export function sampleMemory(pid: number | undefined, everyMs = 200): { stop(): MemoryFigures | null } {
  const samples: number[] = [];
  const take = () => {
    if (pid === undefined) return;
    const rss = statusKiB(pid, "VmRSS");
    if (rss !== null) samples.push(rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      if (pid === undefined || samples.length === 0) return null;
      const secondHalf = samples.slice(Math.floor(samples.length / 2)).sort((a, b) => a - b);
      return {
        peakMiB: mib(Math.max(...samples)),
        steadyMiB: mib(secondHalf[Math.floor(secondHalf.length / 2)] ?? 0),
        startMiB: mib(samples[0] ?? 0),
        lifetimePeakMiB: mib(statusKiB(pid, "VmHWM") ?? 0),
        samples: samples.length,
      };
    },
  };
}
