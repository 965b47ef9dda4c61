// Bundles client, server and CLI with esbuild and copies the shell parser's WASM files next to them.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = path.join(root, 'dist');
const production = process.argv.includes('--production');
mkdirSync(out, { recursive: true });

// web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle does not have.
const importMetaShim = {
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: '#!/usr/bin/env node\nvar __bundleUrl = require("url").pathToFileURL(__filename).href;' },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/main.ts'], outfile: 'dist/server.js', ...importMetaShim }),
  esbuild.build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', ...importMetaShim }),
]);
chmodSync(path.join(out, 'server.js'), 0o755);
chmodSync(path.join(out, 'cli.js'), 0o755);

copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(out, 'tree-sitter.wasm'));
copyFileSync(path.join(path.dirname(require.resolve('tree-sitter-bash/package.json')), 'tree-sitter-bash.wasm'), path.join(out, 'tree-sitter-bash.wasm'));
console.log('built dist/client.js, dist/server.js, dist/cli.js');
