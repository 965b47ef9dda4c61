// Node-side start-up shared by the language server and the CLI: reads the two WASM files that the
// shell parser needs and hands them to the (I/O-free) engine.
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { initShellParser } from '../shared/shell/parser';

const FILES = { runtime: 'tree-sitter.wasm', bash: 'tree-sitter-bash.wasm' } as const;

function locate(file: string): string {
  // Bundled: next to dist/*.js. From sources (tests): the npm packages.
  const candidates = [
    path.join(__dirname, file),
    path.join(__dirname, '..', 'dist', file),
    path.join(__dirname, '..', '..', 'dist', file),
  ];
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  const pkg = file === FILES.runtime ? 'web-tree-sitter' : 'tree-sitter-bash';
  return require.resolve(`${pkg}/${file}`, { paths: [__dirname, process.cwd()] });
}

/**
 * CPU time of the calling thread in ms, from Linux's per-thread scheduler statistics (nanoseconds); null
 * where there are none. Unlike process.cpuUsage() it leaves out V8's helper threads (compilers, GC).
 * The file stays open (it is read at the start of every shell parse): one pread, under 2 µs. JavaScript
 * runs on one thread per module instance (a worker has its own), so "thread-self" stays the right thread.
 */
export function threadCpuMs(): number | null {
  if (schedstat === undefined) {
    try {
      schedstat = fs.openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedstat = null;
    }
  }
  if (schedstat === null) return null;
  try {
    const length = fs.readSync(schedstat, schedstatBuffer, 0, schedstatBuffer.length, 0);
    const ns = Number(schedstatBuffer.toString('latin1', 0, length).split(' ', 1)[0]);
    return Number.isFinite(ns) && length > 0 ? ns / 1e6 : null;
  } catch {
    return null;
  }
}

/** File descriptor of this thread's schedstat; null when it cannot be opened, undefined before trying. */
let schedstat: number | null | undefined;
const schedstatBuffer = Buffer.alloc(128);

const threadClock = threadCpuMs() !== null;

// V8's optimising WASM compiler would make shell parses ~30% faster once warm (corpus RUNs: 161 -> 114 ms, reading
// trees 57 -> 43 ms), but compiles all of tree-sitter-bash in the background when the flag is set: ~0.5 s of CPU
// after the start (a CLI run on one file took 0.7 s instead of 0.2 s; the server's first diagnostics came later)
// and 25-50 MB more memory (the server went over 150 MB with 200 documents open). Only the baseline compiler runs.
// (The per-thread CPU clock would have let the parse budget ignore the compiler's threads.)
v8.setFlagsFromString('--liftoff-only');

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= initShellParser({
    runtime: fs.readFileSync(locate(FILES.runtime)),
    bash: fs.readFileSync(locate(FILES.bash)),
    // The parse budget counts CPU time, so that a busy machine cannot cancel a normal parse: the parsing thread's
    // where the system tells it (should its statistics become unreadable, the parse is given up rather than timed
    // by another clock), else the process's.
    cpuClock: threadClock ? () => threadCpuMs() ?? Number.POSITIVE_INFINITY : processCpuMs,
  });
  return ready;
}

export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
