// Configuration files: validation with lines, discovery up to the repository root, extends, hadolint's
// config and its migration, ignorePaths, the mtime cache, and the published JSON schema.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { configSchema, validateConfig } from '../shared/config';
import { RULES, RULES_BY_ID } from '../shared/rules';
import {
  ConfigError, ConfigLoader, findConfig, isIgnoredPath, lintOptionsFrom, loadConfigFor, parseConfigText,
  type ResolvedConfig,
} from '../server/config';
import { hadolintTable, migrateHadolint } from '../server/hadolint';
import { FIXTURES, findingsOf, loadEngine, ROOT } from './helpers';

before(loadEngine);

const CONFIG_FIXTURES = path.join(FIXTURES, 'config');
const SCHEMA_FILE = path.join(ROOT, 'schemas', 'dockerfile-seguro.schema.json');

/** Every problem of one file's text, as the loader reports them (parse errors, then validation). */
function problemsOf(file: string, text: string): ConfigError[] {
  return new ConfigLoader().check(file, text);
}

// ---- temporary folder trees -----------------------------------------------------------------------

let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-config-')); });
after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

let treeCounter = 0;
/** Writes `files` (path → content; a path ending in `/` is a folder) under a new folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = path.join(tmp, `t${++treeCounter}`);
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(root, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(full, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
    }
  }
  return root;
}

function resolve(dockerfile: string, options = {}): { config: ResolvedConfig; errors: ConfigError[] } {
  return new ConfigLoader().resolve(dockerfile, options);
}

describe('config validation: fixtures with expected problems and lines', () => {
  const dir = path.join(CONFIG_FIXTURES, 'invalid');
  for (const name of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const expected = [...text.matchAll(/^# expect-error: (\d+) (\S+) (.+)$/gm)].map((m) => ({ line: Number(m[1]), key: m[2] === '-' ? null : m[2], pattern: new RegExp(m[3]) }));
    it(`${name}: ${expected.length} problem(s), each at its line and key`, () => {
      assert.ok(expected.length > 0, 'fixture without expectations');
      const problems = problemsOf(path.join(dir, name), text);
      assert.equal(problems.length, expected.length, problems.map((p) => p.message).join('\n'));
      const sorted = [...problems].sort((a, b) => a.line - b.line);
      expected.sort((a, b) => a.line - b.line).forEach((e, i) => {
        const p = sorted[i];
        assert.equal(p.line, e.line, p.message);
        assert.equal(p.key, e.key, p.message);
        assert.match(p.detail, e.pattern);
        assert.equal(p.range!.start.line, e.line - 1, 'the LSP range is on the same line');
        assert.ok(p.message.includes(`:${e.line}: `), `the message names the line: ${p.message}`);
      });
    });
  }

  it('valid fixtures have no problem', () => {
    const dir2 = path.join(CONFIG_FIXTURES, 'valid');
    for (const name of fs.readdirSync(dir2)) {
      assert.deepEqual(problemsOf(path.join(dir2, name), fs.readFileSync(path.join(dir2, name), 'utf8')).map((p) => p.message), [], name);
    }
  });

  it('JSON files report their errors as JSON with the line', () => {
    const [problem] = problemsOf('/x/.dockerfile-seguro.json', '{\n  "rules": {\n    "prefer-copy" "off"\n  }\n}\n');
    assert.match(problem.detail, /^invalid JSON: /);
    assert.equal(problem.line, 3);
    const [unknown] = problemsOf('/x/.dockerfile-seguro.json', '{\n  "rules": {\n    "prefer-copy": "off",\n    "nope": "off"\n  }\n}\n');
    assert.equal(unknown.line, 4);
    assert.equal(unknown.key, 'rules.nope');
  });

  it('keeps the valid parts of a config with problems', () => {
    const { config, issues } = validateConfig({ rules: { 'prefer-copy': 'off', nope: 'off', 'user-root': 'loud' }, locale: 'es', extra: 1 });
    assert.deepEqual(config, { rules: { 'prefer-copy': 'off' }, locale: 'es' });
    assert.equal(issues.length, 3);
  });
});

describe('config discovery', () => {
  const RULE_OFF = (id: string) => `rules:\n  ${id}: off\n`;

  it('finds the nearest config from the Dockerfile folder upward, and nothing past the .git folder', () => {
    const root = tree({
      '.dockerfile-seguro.yaml': RULE_OFF('user-root'), // above the repository: never read
      'repo/.git/': '',
      'repo/.dockerfile-seguro.yaml': RULE_OFF('prefer-copy'),
      'repo/services/api/Dockerfile': 'FROM alpine\n',
      'repo/services/web/.dockerfile-seguro.yml': RULE_OFF('update-without-install'),
      'repo/services/web/deep/Dockerfile': 'FROM alpine\n',
      'other/.git': 'gitdir: ../somewhere\n', // a worktree or submodule: .git is a file
      'other/Dockerfile': 'FROM alpine\n',
    });
    const api = resolve(path.join(root, 'repo/services/api/Dockerfile')).config;
    assert.equal(api.source, path.join(root, 'repo/.dockerfile-seguro.yaml'));
    assert.deepEqual(api.rules, { 'prefer-copy': 'off' });
    const web = resolve(path.join(root, 'repo/services/web/deep/Dockerfile')).config;
    assert.equal(web.source, path.join(root, 'repo/services/web/.dockerfile-seguro.yml'));
    assert.deepEqual(web.rules, { 'update-without-install': 'off' }, 'no merging with configs further up');
    const other = resolve(path.join(root, 'other/Dockerfile')).config;
    assert.equal(other.source, null, 'the config above the .git file is outside the repository');
    assert.deepEqual(other.rules, {});
  });

  it('without a .git folder, the search goes on above (control for the boundary test)', () => {
    const root = tree({ '.dockerfile-seguro.yaml': RULE_OFF('user-root'), 'a/b/Dockerfile': '' });
    assert.equal(findConfig(path.join(root, 'a/b'))?.path, path.join(root, '.dockerfile-seguro.yaml'));
  });

  it('.yaml wins over .yml and .json in one folder; .json is read too', () => {
    const both = tree({ '.git/': '', '.dockerfile-seguro.json': '{"rules": {"user-root": "off"}}', '.dockerfile-seguro.yaml': RULE_OFF('prefer-copy'), Dockerfile: '' });
    assert.deepEqual(resolve(path.join(both, 'Dockerfile')).config.rules, { 'prefer-copy': 'off' });
    const json = tree({ '.git/': '', '.dockerfile-seguro.json': '{"rules": {"user-root": "off"}, "locale": "es"}', Dockerfile: '' });
    const config = resolve(path.join(json, 'Dockerfile')).config;
    assert.deepEqual([config.rules, config.locale], [{ 'user-root': 'off' }, 'es']);
  });

  it('--config uses the given file, --no-config none', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': RULE_OFF('prefer-copy'), 'custom.yaml': RULE_OFF('user-root'), Dockerfile: '' });
    const dockerfile = path.join(root, 'Dockerfile');
    assert.deepEqual(loadConfigFor(dockerfile, { configPath: path.join(root, 'custom.yaml') }).rules, { 'user-root': 'off' });
    assert.deepEqual(loadConfigFor(dockerfile, { noConfig: true }), { source: null, rules: {}, ignorePaths: [] });
  });

  it('loadConfigFor throws a ConfigError carrying every problem; a missing --config file is one', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'rules:\n  nope: off\nlocale: de\n', Dockerfile: '' });
    assert.throws(() => loadConfigFor(path.join(root, 'Dockerfile')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.line, 2);
      assert.equal(error.key, 'rules.nope');
      assert.deepEqual(error.all.map((e) => [e.line, e.key]), [[2, 'rules.nope'], [3, 'locale']]);
      assert.match(error.message, /\.dockerfile-seguro\.yaml:2: rules\.nope: unknown rule id "nope"$/);
      return true;
    });
    assert.throws(() => loadConfigFor(path.join(root, 'Dockerfile'), { configPath: path.join(root, 'missing.yaml') }),
      (error: unknown) => error instanceof ConfigError && /missing\.yaml: cannot read the config file: no such file$/.test(error.message));
  });
});

describe('extends', () => {
  it('merges: rules id by id with the extending file winning, other keys replaced', () => {
    const root = tree({
      '.git/': '',
      'base/common.yaml': 'rules:\n  prefer-copy: error\n  user-root: off\ntrustedRegistries: [docker.io]\nrequiredLabels: [a]\nlocale: es\n',
      'svc/.dockerfile-seguro.yaml': 'extends: ../base/common.yaml\nrules:\n  prefer-copy: hint\ntrustedRegistries: [registry.example.com]\n',
      'svc/Dockerfile': '',
    });
    const { config, errors } = resolve(path.join(root, 'svc/Dockerfile'));
    assert.deepEqual(errors, []);
    assert.deepEqual(config.rules, { 'prefer-copy': 'hint', 'user-root': 'off' });
    assert.deepEqual(config.trustedRegistries, ['registry.example.com']);
    assert.deepEqual(config.requiredLabels, ['a']);
    assert.equal(config.locale, 'es');
    assert.equal(config.source, path.join(root, 'svc/.dockerfile-seguro.yaml'));
    assert.deepEqual(config.files, [path.join(root, 'svc/.dockerfile-seguro.yaml'), path.join(root, 'base/common.yaml')]);
  });

  it('follows chains of several files', () => {
    const root = tree({ '.git/': '', 'a.yaml': 'extends: b.yaml\nrules: {prefer-copy: off}\n', 'b.yaml': 'extends: c.yaml\nrules: {user-root: info}\n', 'c.yaml': 'rules: {user-root: off, unused-ignore: error}\n', Dockerfile: '' });
    const { config, errors } = resolve(path.join(root, 'Dockerfile'), { configPath: path.join(root, 'a.yaml') });
    assert.deepEqual(errors, []);
    assert.deepEqual(config.rules, { 'prefer-copy': 'off', 'user-root': 'info', 'unused-ignore': 'error' });
  });

  it('a cycle is an error on the extends line, naming the files', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': '# top\nextends: b.yaml\nrules: {prefer-copy: off}\n', 'b.yaml': 'rules: {user-root: off}\nextends: ./.dockerfile-seguro.yaml\n', Dockerfile: '' });
    const { config, errors } = resolve(path.join(root, 'Dockerfile'));
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error.file, path.join(root, 'b.yaml'));
    assert.equal(error.line, 2);
    assert.equal(error.key, 'extends');
    assert.match(error.detail, /"extends" makes a cycle: \.dockerfile-seguro\.yaml → b\.yaml → \.dockerfile-seguro\.yaml/);
    assert.deepEqual(config.rules, { 'prefer-copy': 'off', 'user-root': 'off' }, 'the rest still applies');
    const self = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'extends: .dockerfile-seguro.yaml\n', Dockerfile: '' });
    assert.match(resolve(path.join(self, 'Dockerfile')).errors[0].detail, /cycle/);
  });

  it('an unreadable extends is an error on the extends line', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'rules: {prefer-copy: off}\nextends: ./nowhere.yaml\n', Dockerfile: '' });
    const { config, errors } = resolve(path.join(root, 'Dockerfile'));
    assert.deepEqual(errors.map((e) => [e.file, e.line, e.key, e.detail]), [[path.join(root, '.dockerfile-seguro.yaml'), 2, 'extends', 'cannot read "./nowhere.yaml": no such file']]);
    assert.deepEqual(config.rules, { 'prefer-copy': 'off' });
  });

  it('an extends that leads out of the repository (a path or a symbolic link) is an error, and is not read', () => {
    const outside = tree({ 'base.yaml': 'rules: {user-root: off}\n' });
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': `extends: ${path.join(outside, 'base.yaml')}\nrules: {prefer-copy: off}\n`, Dockerfile: '' });
    const { config, errors } = resolve(path.join(root, 'Dockerfile'));
    assert.deepEqual(errors.map((e) => [e.line, e.key]), [[1, 'extends']]);
    assert.match(errors[0].detail, /leads out of the repository/);
    assert.deepEqual(config.rules, { 'prefer-copy': 'off' }, 'the outside file was not merged');
    const linked = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'extends: base.yaml\n', Dockerfile: '' });
    fs.symlinkSync(path.join(outside, 'base.yaml'), path.join(linked, 'base.yaml'));
    assert.match(resolve(path.join(linked, 'Dockerfile')).errors[0]?.detail ?? '', /leads out of the repository/);
  });

  it('a config file over 1 MB is not read', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': `# ${'x'.repeat(1024 * 1024)}\nrules: {}\n`, Dockerfile: '' });
    assert.match(resolve(path.join(root, 'Dockerfile')).errors[0]?.detail ?? '', /larger than 1 MB/);
  });

  it('problems of an extended file are reported in that file', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'extends: base.yaml\n', 'base.yaml': 'rules:\n  user-root: loud\n', Dockerfile: '' });
    const { errors } = resolve(path.join(root, 'Dockerfile'));
    assert.deepEqual(errors.map((e) => [path.basename(e.file), e.line, e.key]), [['base.yaml', 2, 'rules.user-root']]);
  });
});

describe('ignorePaths', () => {
  it('globs relative to the folder of the file that set them; folders cover what is below', () => {
    const root = tree({
      '.git/': '',
      'base.yaml': 'ignorePaths: ["vendor", "**/testdata/*.Dockerfile"]\n',
      'svc/.dockerfile-seguro.yaml': 'extends: ../base.yaml\n',
      'svc/Dockerfile': '',
    });
    const { config } = resolve(path.join(root, 'svc/Dockerfile'));
    assert.equal(config.ignoreRoot, root);
    assert.ok(isIgnoredPath(config, path.join(root, 'vendor/lib/Dockerfile')));
    assert.ok(isIgnoredPath(config, path.join(root, 'svc/testdata/x.Dockerfile')));
    assert.ok(!isIgnoredPath(config, path.join(root, 'svc/Dockerfile')));
    assert.ok(!isIgnoredPath(config, path.join(root, 'svc/vendor/Dockerfile')), 'relative to base.yaml, not to svc/');
    assert.ok(!isIgnoredPath(config, path.join(path.dirname(root), 'vendor/Dockerfile')), 'outside the folder: never');
  });
});

describe('the mtime cache', () => {
  it('re-reads a config file when it changes, and reuses it when it does not', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'rules: {prefer-copy: off}\n', Dockerfile: '' });
    const file = path.join(root, '.dockerfile-seguro.yaml');
    const loader = new ConfigLoader();
    const dockerfile = path.join(root, 'Dockerfile');
    const time = new Date(2024, 0, 1, 12, 0, 0); // whole seconds: setting it again gives the very same mtime
    fs.utimesSync(file, time, time);
    assert.deepEqual(loader.resolve(dockerfile).config.rules, { 'prefer-copy': 'off' });
    // Same size and mtime: the cached parse is used (this proves there is a cache).
    fs.writeFileSync(file, 'rules: {prefer-copy: hint}\n'.padEnd(fs.statSync(file).size, ' ').slice(0, fs.statSync(file).size));
    fs.utimesSync(file, time, time);
    assert.deepEqual(loader.resolve(dockerfile).config.rules, { 'prefer-copy': 'off' });
    // A later mtime: read again.
    const later = new Date(2024, 0, 1, 12, 0, 5);
    fs.utimesSync(file, later, later);
    assert.deepEqual(loader.resolve(dockerfile).config.rules, { 'prefer-copy': 'hint' });
  });

  it('with cached discovery, a new config file is seen after invalidate()', () => {
    const root = tree({ '.git/': '', 'Dockerfile': '' });
    const loader = new ConfigLoader(true);
    const dockerfile = path.join(root, 'Dockerfile');
    assert.equal(loader.resolve(dockerfile).config.source, null);
    fs.writeFileSync(path.join(root, '.dockerfile-seguro.yaml'), 'rules: {user-root: off}\n');
    assert.equal(loader.resolve(dockerfile).config.source, null, 'discovery is cached until invalidated');
    loader.invalidate();
    assert.deepEqual(loader.resolve(dockerfile).config.rules, { 'user-root': 'off' });
  });
});

describe('lint options from a config', () => {
  it('the engine with lintOptionsFrom(config) gives what the same options give directly', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'rules:\n  prefer-copy: error\nlocale: es\n', Dockerfile: '' });
    const options = lintOptionsFrom(loadConfigFor(path.join(root, 'Dockerfile')));
    assert.deepEqual(options, { rules: { 'prefer-copy': 'error' }, locale: 'es' });
    const [finding] = findingsOf('FROM alpine:3.20\nADD a.py /a/\n', 'prefer-copy', options);
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /usa COPY/);
  });
});

describe('hadolint configuration', () => {
  const withCodes = RULES.filter((r) => r.meta.equivalents.hadolint?.length);

  it('.hadolint.yaml is used when there is no config of ours: ignored, override, trustedRegistries, label-schema', () => {
    const copyCode = RULES_BY_ID.get('prefer-copy')!.meta.equivalents.hadolint![0];
    const userCode = RULES_BY_ID.get('user-root')!.meta.equivalents.hadolint![0];
    const root = tree({
      '.git/': '',
      '.hadolint.yaml': `failure-threshold: warning\nignored:\n  - ${copyCode}\n  - DL9999\noverride:\n  style:\n    - ${userCode}\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  maintainer: text\n  org.opencontainers.image.source: url\n`,
      'app/Dockerfile': '',
    });
    const { config, errors } = resolve(path.join(root, 'app/Dockerfile'));
    assert.deepEqual(errors, []);
    assert.equal(config.kind, 'hadolint');
    assert.deepEqual(config.rules, { 'prefer-copy': 'off', 'user-root': 'hint' });
    assert.deepEqual(config.trustedRegistries, ['docker.io']);
    assert.deepEqual(config.requiredLabels, ['maintainer', 'org.opencontainers.image.source']);
    const fromEngine = findingsOf('FROM alpine:3.20\nADD a.py /a/\n', 'prefer-copy', lintOptionsFrom(config));
    assert.deepEqual(fromEngine, []);
  });

  it('a .dockerfile-seguro.yaml anywhere up to the root wins over a nearer .hadolint.yml', () => {
    const root = tree({ '.git/': '', '.dockerfile-seguro.yaml': 'rules: {user-root: error}\n', 'app/.hadolint.yml': 'ignored: [DL3002]\n', 'app/Dockerfile': '' });
    const { config } = resolve(path.join(root, 'app/Dockerfile'));
    assert.equal(config.kind, 'dockerfile-seguro');
    assert.deepEqual(config.rules, { 'user-root': 'error' });
  });

  it('wrong types in .hadolint.yaml are reported with their line; unknown hadolint keys are not', () => {
    const root = tree({ '.git/': '', '.hadolint.yaml': 'format: tty\nignored: DL3008\noverride:\n  fatal: [DL3002]\n', Dockerfile: '' });
    const { errors } = resolve(path.join(root, 'Dockerfile'));
    assert.deepEqual(errors.map((e) => [e.line, e.key]).sort(), [[2, 'ignored'], [4, 'override.fatal']]);
  });

  it('migrateHadolint turns the fixture into the expected .dockerfile-seguro.yaml, which loads cleanly', () => {
    const input = fs.readFileSync(path.join(CONFIG_FIXTURES, 'hadolint', '.hadolint.yaml'), 'utf8');
    const expected = fs.readFileSync(path.join(CONFIG_FIXTURES, 'hadolint', 'migrated.dockerfile-seguro.yaml'), 'utf8');
    const output = migrateHadolint(input);
    assert.equal(output, expected);
    assert.deepEqual(problemsOf('/x/.dockerfile-seguro.yaml', output), []);
    const data = parseYaml(output);
    assert.deepEqual(data.rules, { 'prefer-copy': 'off', 'user-root': 'error' });
  });

  it('migrateHadolint throws a ConfigError with the line for invalid input', () => {
    assert.throws(() => migrateHadolint('ignored:\n  - DL3008\n override: x\n'), (e: unknown) => e instanceof ConfigError && e.line > 0);
    assert.throws(() => migrateHadolint('ignored: {a: 1}\n'), (e: unknown) => e instanceof ConfigError && e.key === 'ignored' && e.line === 1);
  });

  it('hadolintTable lists every declared code with its rules, and the README holds the current table', () => {
    const table = hadolintTable();
    for (const rule of withCodes) {
      for (const code of rule.meta.equivalents.hadolint!) {
        assert.match(table, new RegExp(`^\\| \\[${code}\\]\\([^)]+\\) \\|.*\`${rule.meta.id}\``, 'm'));
      }
    }
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const between = /<!-- hadolint:start -->\n([\s\S]*?)\n<!-- hadolint:end -->/.exec(readme);
    assert.ok(between, 'README has the hadolint markers');
    assert.equal(between[1], table, 'README table is stale: regenerate it (npm run docs)');
  });
});

describe('JSON schema', () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);

  it('is draft-07 and enumerates exactly the rule ids of the registry', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ids = RULES.map((r) => r.meta.id);
    assert.deepEqual(schema.properties.rules.propertyNames.enum, ids);
    assert.deepEqual(Object.keys(schema.properties.rules.properties), ids);
  });

  it('the committed file is what configSchema() generates', () => {
    assert.deepEqual(schema, configSchema(), 'schemas/dockerfile-seguro.schema.json is stale: regenerate it (npm run docs)');
  });

  it('agrees with the validator: accepts the valid fixtures, rejects the invalid ones', () => {
    for (const dir of ['valid', 'invalid']) {
      const folder = path.join(CONFIG_FIXTURES, dir);
      for (const name of fs.readdirSync(folder)) {
        const text = fs.readFileSync(path.join(folder, name), 'utf8');
        const parsed = parseConfigText(name, text);
        const data = parsed.data ?? {};
        const schemaSaysValid = validate(data ?? {}) as boolean;
        const expectValid = dir === 'valid' || /^# schema: valid$/m.test(text);
        assert.equal(schemaSaysValid, expectValid, `${dir}/${name}: ${JSON.stringify(validate.errors)}`);
        if (parsed.data !== undefined) assert.equal(validateConfig(parsed.data).issues.length === 0, schemaSaysValid, `${dir}/${name}: validator and schema disagree`);
      }
    }
  });

  it('is registered in package.json for .json (jsonValidation) and .yaml/.yml (yamlValidation), and shipped', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const url = './schemas/dockerfile-seguro.schema.json';
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.dockerfile-seguro.json', url }]);
    assert.deepEqual(manifest.contributes.yamlValidation.map((v: { fileMatch: string }) => v.fileMatch).sort(), ['.dockerfile-seguro.yaml', '.dockerfile-seguro.yml']);
    for (const entry of manifest.contributes.yamlValidation) assert.equal(entry.url, url);
    assert.ok(fs.existsSync(path.join(ROOT, url)));
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/\*\.json$/m);
  });
});
