// The injection grammar (syntaxes/), tested with vscode-tmgrammar-test as VS Code would load it: the
// grammars of package.json (injectTo source.dockerfile) over a minimal stand-in for VS Code's Dockerfile
// grammar (test/fixtures/grammar/dockerfile.tmLanguage.json). Test cases: test/fixtures/grammar/*.grammar-test.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { FIXTURES, ROOT } from './helpers';

const RUNNER = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const BASE_GRAMMAR = path.join('test', 'fixtures', 'grammar', 'dockerfile.tmLanguage.json');
const CASES = path.join(FIXTURES, 'grammar');

function run(glob: string): { status: number | null; output: string } {
  // The runner reads the grammars of ./package.json: run it from the repository root.
  const result = spawnSync(process.execPath, [RUNNER, '--compact', '-g', BASE_GRAMMAR, glob], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('injection grammar', () => {
  it('the manifest injects it into source.dockerfile', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const grammar = manifest.contributes.grammars.find((g: { path: string }) => g.path.endsWith('dockerfile-seguro.injection.tmLanguage.json'));
    assert.deepEqual(grammar.injectTo, ['source.dockerfile']);
  });

  const cases = fs.readdirSync(CASES).filter((f) => f.endsWith('.grammar-test')).sort();
  it('has test cases', () => assert.ok(cases.length >= 3));
  for (const name of cases) {
    it(`${name} passes`, () => {
      const { status, output } = run(path.join('test', 'fixtures', 'grammar', name));
      assert.equal(status, 0, output);
      assert.match(output, /run successfuly/);
    });
  }

  it('negative control: a wrong assertion makes the runner fail', () => {
    const { status, output } = run(path.join('test', 'fixtures', 'grammar', 'negative', '*.grammar-test'));
    assert.notEqual(status, 0, output);
    assert.match(output, /string\.unquoted\.reason\.dockerfile-seguro/);
  });
});
