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

// V8's optimising WASM compiler spends ~0.65 s of CPU on tree-sitter-bash at the first parse; the baseline
// compiler gives identical results in a fraction of that, which is what a CLI run or a server start needs.
v8.setFlagsFromString('--liftoff-only');

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= initShellParser({
    runtime: fs.readFileSync(locate(FILES.runtime)),
    bash: fs.readFileSync(locate(FILES.bash)),
    // The parse budget counts CPU time, so a busy machine cannot cancel a normal parse. (This is also why the
    // optimising WASM compiler stays off: its background threads would add their CPU time to the process's.)
    cpuClock: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
  });
  return ready;
}
