// The VSIX allow-list: only bundles, manifest, nls files, README, LICENSE, icon and grammar ship.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { it } from 'node:test';
import { ROOT } from './helpers';

it('vsce would package exactly the allow-listed files', () => {
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const files = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    'dist/client.js',
    'dist/server.js',
    'dist/tree-sitter-bash.wasm',
    'dist/tree-sitter.wasm',
    'images/icon.png',
    'package.json',
    'package.nls.es.json',
    'package.nls.json',
    'schemas/dockerfile-seguro.schema.json',
    'syntaxes/dockerfile-seguro.injection.tmLanguage.json',
  ]);
});

it('the manifest points at files that exist after a build', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const file of [manifest.main, manifest.icon, ...Object.values(manifest.bin as Record<string, string>), ...manifest.contributes.grammars.map((g: { path: string }) => g.path)]) {
    assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} missing`);
  }
});

it('activates only for Dockerfiles, and declares that it is safe in untrusted and virtual workspaces', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // No workspaceContains or `*`: nothing starts until a Dockerfile is open.
  assert.deepEqual(manifest.activationEvents, ['onLanguage:dockerfile']);
  // It runs no programs and reads only the Dockerfile, its .dockerignore and the config chain
  // (test/protocol-abuse.test.ts, test/context-files.test.ts); documents that are not files are linted alone.
  assert.deepEqual(manifest.capabilities, { untrustedWorkspaces: { supported: true }, virtualWorkspaces: true });
});
