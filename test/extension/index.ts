// Entry point that VS Code's extension host loads for `extensionTestsPath` (the contract of
// @vscode/test-electron and of code-server's test payload): run the mocha suites, reject on failure.
import Mocha from 'mocha';
import * as fs from 'fs';
import * as path from 'path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.suite.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
