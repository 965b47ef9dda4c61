// The README's generated and CI parts: the configuration reference is the schema's (npm run docs), and the
// pre-commit hook the README tells users to add exists, runs the CLI and picks the files the CLI would.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { isDockerfileName } from '../cli/files';
import { configSchema } from '../shared/config';
import { configReference } from '../scripts/config-reference';
import { ROOT } from './helpers';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('README: configuration reference', () => {
  it('is the table generated from the config schema (npm run docs)', () => {
    const start = '<!-- config:start -->\n';
    const end = '\n<!-- config:end -->';
    assert.equal(readme.split(start).length, 2, 'README needs exactly one <!-- config:start --> marker');
    const block = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end));
    assert.equal(block, configReference(), 'README configuration reference is stale: run npm run docs');
  });

  it('has one row per key of the schema, with its description (so the check above means something)', () => {
    const properties = configSchema().properties as Record<string, { description?: string }>;
    const rows = configReference().split('\n').slice(2);
    assert.deepEqual(rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1]), Object.keys(properties));
    for (const [key, property] of Object.entries(properties)) {
      const row = rows.find((r) => r.startsWith(`| \`${key}\` |`))!;
      assert.ok(property.description && row.includes(property.description.replace(/\|/g, '\\|')), `${key}: ${row}`);
      assert.equal(row.split(/(?<!\\)\|/).length, 6, `${key}: four cells`);
    }
    assert.match(rows.find((r) => r.startsWith('| `rules` |'))!, /`off`, `error`, `warning`, `info`, `hint`/);
    assert.match(rows.find((r) => r.startsWith('| `locale` |'))!, /`en`, `es`/);
  });
});

describe('pre-commit hook', () => {
  const hooks = parseYaml(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
  const hook = hooks.find((h) => h.id === 'dockerfile-seguro');

  it('is declared with id dockerfile-seguro, runs the CLI of package.json, with Node', () => {
    assert.ok(hook, '.pre-commit-hooks.yaml lacks the dockerfile-seguro hook');
    assert.equal(hook.language, 'node');
    assert.equal(hook.entry, 'dockerfile-seguro');
    assert.ok(manifest.bin?.[hook.entry as string], `package.json has no bin named ${String(hook.entry)}`);
    assert.ok(readme.includes('- id: dockerfile-seguro'), 'the README shows the .pre-commit-config.yaml entry');
  });

  it('its files pattern picks exactly the names the CLI lints, in any folder', () => {
    // pre-commit matches `files` with Python's re.search on the path from the repository root; this pattern
    // uses nothing that JavaScript's RegExp reads differently.
    const files = new RegExp(hook!.files as string);
    const names = [
      'Dockerfile', 'Containerfile', 'api.Dockerfile', 'api.dockerfile', 'Dockerfile.dev', 'Containerfile.prod', '.Dockerfile',
      'Dockerfile.dockerignore', 'api.Dockerfile.dockerignore', '.dockerignore', 'README.md', 'MyDockerfile', 'dockerfile',
      'dockerfile.txt', 'api.DockerFile', 'Dockerfile-dev', 'Containerfile.', 'x.Containerfile',
    ];
    for (const name of names) {
      for (const where of [name, `services/api/${name}`]) {
        assert.equal(files.test(where), isDockerfileName(name), where);
      }
    }
    assert.equal(files.test('Dockerfile.d/notes.txt'), false, 'a folder named like a Dockerfile does not count');
  });
});
