// Node-side start-up shared by the language server and the CLI: reads the two WASM files that the
// shell parser needs and hands them to the (I/O-free) engine.
import * as fs from 'fs';
import * as path from 'path';
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

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= initShellParser({
    runtime: fs.readFileSync(locate(FILES.runtime)),
    bash: fs.readFileSync(locate(FILES.bash)),
  });
  return ready;
}
