// Small measuring helpers: medians and percentiles, CPU time next to wall time (on a busy machine wall time
// includes the time a process waits for a CPU; CPU time does not), memory of a process.
import * as fs from 'fs';

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface ProcessTime {
  /** Time the process's threads ran on a CPU, ms. */
  cpu: number;
  /** Time they were runnable but waited for a CPU, ms. */
  wait: number;
}

/**
 * CPU time and run-queue wait of another process, summed over its threads (Linux schedstat, ns resolution;
 * exact for threads that are not running at the time, as a server that has answered), or null.
 */
export function processTime(pid: number): ProcessTime | null {
  try {
    let cpu = 0;
    let wait = 0;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const [c, w] = fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
      cpu += c;
      wait += w;
    }
    return { cpu: cpu / 1e6, wait: wait / 1e6 };
  } catch {
    return null;
  }
}

/** CPU time of this process (all threads, getrusage), ms. */
export function ownCpu(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc/<pid>/status; null when not available. */
export function memoryOf(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface Sample {
  wall: number;
  cpu: number | null;
}

/** Runs `work` and gives its wall time and the CPU time of this process, in ms. */
export function measure(work: () => void): Sample {
  const before = ownCpu();
  const start = process.hrtime.bigint();
  work();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  return { wall, cpu: ownCpu() - before };
}

export interface Summary {
  p50: number;
  p95: number;
  cpu50: number | null;
  cpu95: number | null;
  n: number;
}

export function summarize(samples: Sample[]): Summary {
  const cpus = samples.map((s) => s.cpu).filter((c): c is number => c !== null);
  return {
    p50: median(samples.map((s) => s.wall)),
    p95: percentile(samples.map((s) => s.wall), 95),
    cpu50: cpus.length === samples.length ? median(cpus) : null,
    cpu95: cpus.length === samples.length ? percentile(cpus, 95) : null,
    n: samples.length,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
