// Bundle sizes: dist/ as built (raw and gzip), the same entry points minified as `npm run package` ships
// them (built in memory with esbuild, dist/ untouched), the WASM files, and the VSIX when one was built.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';

export interface SizeRow {
  file: string;
  bytes: number;
  gzip: number;
  /** Minified bundle (production build), when the file is one of the three bundles. */
  minified: number | null;
  minifiedGzip: number | null;
  note?: string;
}

const BUNDLES: Record<string, { entry: string; external?: string[]; shim?: boolean }> = {
  'client.js': { entry: 'client/extension.ts', external: ['vscode'] },
  'server.js': { entry: 'server/main.ts', shim: true },
  'cli.js': { entry: 'cli/main.ts', shim: true },
};

async function minified(root: string, name: string): Promise<Uint8Array | null> {
  const bundle = BUNDLES[name];
  try {
    const result = await esbuild.build({
      absWorkingDir: root, entryPoints: [bundle.entry], bundle: true, platform: 'node', target: 'node18', format: 'cjs',
      minify: true, write: false, logLevel: 'silent', external: bundle.external ?? [],
      // as scripts/build.mjs: web-tree-sitter reads import.meta.url
      ...(bundle.shim ? { define: { 'import.meta.url': '__bundleUrl' }, banner: { js: 'var __bundleUrl = require("url").pathToFileURL(__filename).href;' } } : {}),
    });
    return result.outputFiles[0].contents;
  } catch {
    return null;
  }
}

export async function bundleSizes(root: string): Promise<SizeRow[]> {
  const dist = path.join(root, 'dist');
  const rows: SizeRow[] = [];
  const serverTime = fs.existsSync(path.join(dist, 'server.js')) ? fs.statSync(path.join(dist, 'server.js')).mtimeMs : 0;
  for (const file of ['client.js', 'server.js', 'cli.js', 'tree-sitter.wasm', 'tree-sitter-bash.wasm']) {
    const full = path.join(dist, file);
    if (!fs.existsSync(full)) continue;
    const content = fs.readFileSync(full);
    const min = BUNDLES[file] ? await minified(root, file) : null;
    rows.push({
      file: `dist/${file}`, bytes: content.length, gzip: gzipSync(content).length,
      minified: min ? min.length : null, minifiedGzip: min ? gzipSync(min).length : null,
    });
  }
  for (const file of fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => f.endsWith('.vsix')) : []) {
    const stat = fs.statSync(path.join(dist, file));
    rows.push({
      file: `dist/${file}`, bytes: stat.size, gzip: stat.size, minified: null, minifiedGzip: null,
      ...(stat.mtimeMs < serverTime ? { note: 'built before the current bundles' } : {}),
    });
  }
  return rows;
}
