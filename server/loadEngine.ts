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

// V8 compiles WASM with its baseline compiler and then, function by function, recompiles the hot ones with its
// optimising compiler in the background. That is worth it for tree-sitter's runtime (the parser and lexer loops
// and tree building: a cold lint of the corpus 637 -> 561-599 ms; its four hot functions take ~70 ms of compiler
// CPU once, on another thread) but not for tree-sitter-bash, whose lexer is one 160 KB function: ~430 ms of
// compiler CPU and ~50 MB (a one-file CLI run took 0.55 s instead of 0.15 s) for a few percent of a lint. V8
// fixes a module's compilers when it compiles the module, so the flag below, set between the two, keeps the
// grammar on the baseline compiler only (should a later V8 read it when tiering up instead, both modules would
// stay on the baseline compiler, as before this change: slower, never wrong).
const grammarOnBaselineCompiler = (): void => v8.setFlagsFromString('--liftoff-only');

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= initShellParser({
    runtime: fs.readFileSync(locate(FILES.runtime)),
    bash: fs.readFileSync(locate(FILES.bash)),
    // The parse budget counts CPU time, so that a busy machine cannot cancel a normal parse: the parsing thread's
    // where the system tells it (should its statistics become unreadable, the parse is given up rather than timed
    // by another clock), else the process's.
    cpuClock: threadClock ? () => threadCpuMs() ?? Number.POSITIVE_INFINITY : processCpuMs,
    beforeGrammar: grammarOnBaselineCompiler,
  });
  return ready;
}

export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
