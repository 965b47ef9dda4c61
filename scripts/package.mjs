// npm run package — production build, then the VSIX (dist/dockerfile-seguro.vsix) with @vscode/vsce.
// README.md shows screenshots from images/ by relative path (fine on GitHub). vsce cannot resolve relative images
// without a public "repository" in package.json, and the screenshots do not ship in the VSIX (.vscodeignore is an
// allow-list), so the Marketplace README is generated here from README.md without those image lines and handed to
// vsce with --readme-path (it lands in the VSIX as extension/readme.md). The generated file sits in dist/
// (gitignored).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MARKETPLACE_README = 'dist/README.marketplace.md';

/** A line that is only a Markdown image with a relative source: `![alt](images/x.png)`. */
const RELATIVE_IMAGE_LINE = /^[ \t]*!\[[^\]]*\]\((?![a-z][a-z0-9+.-]*:|#)[^)]+\)[ \t]*\r?\n/gim;

/** README.md for the Marketplace: the relative image lines dropped, no run of blank lines left behind. */
export function marketplaceReadme(readme) {
  const text = readme.replace(RELATIVE_IMAGE_LINE, '').replace(/\n{3,}/g, '\n\n');
  const relative = [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((href) => !/^(https?:|#|mailto:)/.test(href));
  if (relative.length) throw new Error(`README.md has relative links vsce cannot resolve: ${relative.join(', ')}`);
  return text;
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run(['scripts/build.mjs', '--production']);
  fs.writeFileSync(path.join(ROOT, MARKETPLACE_README), marketplaceReadme(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')));
  run([path.join('node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository',
    '--readme-path', MARKETPLACE_README, '--out', 'dist/dockerfile-seguro.vsix']);
}
