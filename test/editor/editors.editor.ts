// Real-editor scenarios (npm run test:editor, not npm test): Neovim's and Emacs' own LSP clients against
// dist/server.js — diagnostics, hover, a quick fix applied by the editor, then the re-lint it triggers.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers';

const SERVER = path.join(ROOT, 'dist', 'server.js');
const FIXTURE = ['FROM alpine:3.20.1', 'RUN apk add --no-cache curl=8.9.1-r1', 'ADD app.py /app/', 'CMD ["python3", "/app/app.py"]', ''].join('\n');

interface Step { name: string; data: unknown }
interface Result { steps: Step[]; error?: string }

function has(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

function workspace(): { dir: string; file: string; result: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dfs-editor-'));
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, FIXTURE);
  return { dir, file, result: path.join(dir, 'result.json') };
}

function stepsOf(resultFile: string): Map<string, unknown> {
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Result;
  assert.equal(result.error, undefined, `editor script failed: ${result.error}`);
  return new Map(result.steps.map((s) => [s.name, s.data]));
}

function checkScenario(steps: Map<string, unknown>, spanish = false): void {
  const diagnostics = steps.get('diagnostics') as Array<{ code: string; line: number; col: number; href: string }>;
  const copy = diagnostics.find((d) => d.code === 'prefer-copy');
  assert.ok(copy, 'prefer-copy diagnostic shown');
  assert.equal(copy.line, 2);
  assert.equal(copy.col, 0);
  assert.equal(copy.href, 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#315-copy-o-add');
  assert.ok(diagnostics.some((d) => d.code === 'user-root'), 'user-root diagnostic shown');
  const hover = JSON.stringify(steps.get('hover'));
  assert.match(hover, spanish ? /Por qué/ : /Why/);
  assert.match(hover, /315-copy-o-add/);
  const actions = steps.get('actions') as string[];
  assert.ok(actions.includes(spanish ? 'Reemplazar ADD por COPY' : 'Replace ADD with COPY'), actions.join(' | '));
  assert.ok(actions.includes(spanish ? 'Desactivar prefer-copy en esta línea' : 'Disable prefer-copy for this line'));
  assert.equal(steps.get('line_after_fix'), 'COPY app.py /app/');
  const after = steps.get('after') as { relinted: boolean; codes: string[] };
  assert.ok(after.relinted, 'the server re-linted after the edit');
  assert.ok(!after.codes.includes('prefer-copy'));
  assert.ok(after.codes.includes('user-root'));
}

describe('Neovim (built-in LSP client)', { skip: !has('nvim') && 'nvim not installed (npm run test:editor installs it)' }, () => {
  for (const locale of ['en', 'es']) {
    it(`shows diagnostics and hover, applies the quick fix, re-lints (${locale})`, () => {
      const { dir, file, result } = workspace();
      const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(ROOT, 'test', 'editor', 'nvim', 'scenario.lua')}`, file], {
        cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DFS_SERVER: SERVER, DFS_RESULT: result, DFS_LOCALE: locale },
      });
      assert.ok(fs.existsSync(result), `no result (exit ${run.status}): ${run.stderr}`);
      checkScenario(stepsOf(result), locale === 'es');
    });
  }
});

describe('Emacs (eglot)', { skip: !has('emacs') && 'emacs not installed (npm run test:editor installs it)' }, () => {
  it('shows diagnostics and hover, applies the quick fix, re-lints', () => {
    const { dir, file, result } = workspace();
    const run = spawnSync('emacs', ['--batch', '-Q', '-l', path.join(ROOT, 'test', 'editor', 'emacs', 'scenario.el'), file], {
      cwd: dir, encoding: 'utf8', timeout: 90_000, env: { ...process.env, DFS_SERVER: SERVER, DFS_RESULT: result, DFS_LOCALE: 'en' },
    });
    assert.ok(fs.existsSync(result), `no result (exit ${run.status}): ${run.stderr.slice(-3000)}`);
    checkScenario(stepsOf(result));
  });
});
