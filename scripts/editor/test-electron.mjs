// The same extension suite in desktop VS Code, downloaded by @vscode/test-electron. Needs network access to
// VS Code's download servers (not available on this project's CI machines, which use code-server instead):
//   npm run build && npx tsc -p tsconfig.extension.json && node scripts/editor/test-electron.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-workspace-'));
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'extension', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`Extension tests failed: ${error}`);
  process.exit(1);
}
