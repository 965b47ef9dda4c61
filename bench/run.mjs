// `npm run bench` (after `npm run build`): bundles bench/main.ts with esbuild (npm packages stay external, so
// dockerfile-utils is used only when installed) and runs it with --expose-gc. Arguments are passed through.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['bench/main.ts'],
  outfile: 'bench/.out/main.js',
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bench', '.out', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
