// Running the built CLI (dist/cli.js) as a process from the tests, shared by the CLI, report and parity suites.
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

export const CLI = path.join(ROOT, 'dist', 'cli.js');

/**
 * Node flags for the CLI processes. The CLI keeps tree-sitter-bash's grammar on V8's baseline WASM compiler
 * and lets the runtime's hot functions tier up (server/loadEngine.ts): ~70 ms of compiler CPU that the short
 * CLI processes of the tests do not need (V8's tiers give the same results). Left out if this Node does not
 * know the flag.
 */
export const NODE_FLAGS = spawnSync(process.execPath, ['--liftoff-only', '-e', '']).status === 0 ? ['--liftoff-only'] : [];

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * At most this many CLI processes at once: twice the cores keeps them busy while processes start and exit;
 * more would only make them compete (measured on 2 cores: 2 and 8 were both slower than 4).
 */
const MAX_PROCESSES = 2 * Math.max(1, os.availableParallelism());
let processes = 0;
const queue: Array<() => void> = [];

/** Runs `work` when fewer than MAX_PROCESSES are running, so concurrent tests do not overload the machine. */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (processes < MAX_PROCESSES) processes++;
  else await new Promise<void>((resolve) => queue.push(resolve)); // the finishing run hands over its place
  try {
    return await work();
  } finally {
    const next = queue.shift();
    if (next) next();
    else processes--;
  }
}

/** `node dist/cli.js args` in `cwd` with `input` on standard input (then closed), like spawnSync without blocking. */
export function runCliProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv, options: { input?: string | Buffer; timeout?: number } = {}): Promise<Run> {
  const timeout = options.timeout ?? 30_000;
  return limited(() => new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dockerfile-seguro ${args.join(' ')} did not finish in ${timeout} ms`));
    }, timeout);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
    child.stdin.on('error', () => { /* EPIPE: the CLI exited without reading its input */ });
    child.stdin.end(options.input ?? '');
  }));
}
