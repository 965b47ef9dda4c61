// The command-line interface, run as users run it: `node dist/cli.js` in temporary folders.
// Needs `npm run build` first (the `pretest` script does it).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { localeFromEnv, parseCommand } from '../cli/args';
import { isDockerfileName } from '../cli/files';
import { colorEnabled, formatText, summary, type FileResult } from '../cli/format';
import { lint } from '../shared/engine';
import { RULES } from '../shared/rules';
import type { Finding } from '../shared/types';
import { ROOT, loadEngine } from './helpers';
import { CLI, runCliProcess, type Run } from './cliProcess';

const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

// Other rules are added over time and would find things in CLEAN: every run here selects the finished
// rules (--only, and the same selection for the engine when a test compares with it).
const FINISHED = ['prefer-copy', 'user-root', 'update-without-install'];
const SELECT = ['--no-config', '--only', FINISHED.join(',')];
const ENGINE_RULES = Object.fromEntries(RULES.filter((r) => !FINISHED.includes(r.meta.id)).map((r) => [r.meta.id, 'off' as const]));
function lintFinished(text: string, options: { locale?: 'en' | 'es' } = {}): Finding[] {
  return lint(text, { ...options, rules: ENGINE_RULES });
}

// `ADD app.py /app/` on line 2 is a prefer-copy finding at 2:1 (0-based 1:0-1:3).
const WITH_FINDING = 'FROM alpine:3.20\nADD app.py /app/\n';
// Nothing for the finished rules to report: no ADD, not root, no package index refresh.
const CLEAN = 'FROM scratch\nCOPY app /app\nUSER 1000:1000\n';
const ESC = '\x1b[';

/** Runs the CLI on the finished rules with a neutral environment (English, no colour settings) plus `env`. */
function run(args: string[], cwd: string, env: Record<string, string | undefined> = {}, timeout = 30_000): Promise<Run> {
  args = [...SELECT, ...args];
  const base: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', LC_ALL: undefined, LC_MESSAGES: undefined, NO_COLOR: undefined };
  const merged = { ...base, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return runCliProcess(args, cwd, merged, { timeout });
}

const temps: string[] = [];

/** A fresh temporary folder holding `files` (relative path → contents). */
function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-cli-')));
  temps.push(dir);
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), contents);
  }
  return dir;
}

function json(result: Run): Array<{ file: string; findings: Array<Record<string, unknown>> }> {
  try {
    return JSON.parse(result.stdout);
  } catch (error) {
    assert.fail(`stdout is not JSON (${String(error)}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

function preferCopy(text: string, locale: 'en' | 'es' = 'en'): Finding {
  const finding = lintFinished(text, { locale }).find((f) => f.ruleId === 'prefer-copy');
  assert.ok(finding, 'the engine should report prefer-copy for the test Dockerfile');
  return finding;
}

/** Stderr is a single line naming `subject`, with no stack trace. */
function assertOneLineError(result: Run, subject: string): void {
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.ok(lines[0].includes(subject), `stderr should name ${subject}: ${lines[0]}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
}

before(async () => {
  assert.ok(fs.existsSync(CLI), `${CLI} does not exist: run "npm run build" before these tests`);
  await loadEngine();
});
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

// Every test spawns the CLI: they run concurrently (each in its own folder), at most MAX_PROCESSES processes at once.
describe('cli', { concurrency: true }, () => {
  describe('cli: text format', () => {
    it('shows file:line:col, severity, message, rule id and the guide URL, then a summary', async () => {
      const cwd = folder({ Dockerfile: WITH_FINDING });
      const expected = preferCopy(WITH_FINDING);
      const result = await run(['Dockerfile'], cwd);
      const lines = result.stdout.split('\n');
      const at = lines.indexOf(`Dockerfile:2:1: warning: ${expected.message} [prefer-copy]`);
      assert.notEqual(at, -1, `no finding line in:\n${result.stdout}`);
      assert.ok(expected.url.startsWith('https://'), expected.url);
      assert.ok(lines[at + 1].includes(expected.url), `guide link should follow the finding: ${lines[at + 1]}`);
      assert.ok(lines[at + 1].includes(expected.guideSection));
      const count = lintFinished(WITH_FINDING).length;
      assert.equal(lines.filter((l) => l.startsWith('Dockerfile:')).length, count);
      assert.match(result.stdout, new RegExp(`\\n${count} problems? \\(\\d+ errors?, \\d+ warnings?, \\d+ info, \\d+ hints?\\) in 1 file\\n$`));
    });

    it('groups findings per file, separated by a blank line, and counts every linted file', async () => {
      const cwd = folder({ 'a.Dockerfile': WITH_FINDING, 'b.Dockerfile': WITH_FINDING, 'c.Dockerfile': CLEAN });
      const result = await run([], cwd);
      const groups = result.stdout.trimEnd().split('\n\n');
      assert.equal(groups.length, 3, result.stdout);
      assert.ok(groups[0].split('\n').filter((l) => /^\S/.test(l)).every((l) => l.startsWith('a.Dockerfile:')), groups[0]);
      assert.ok(groups[1].split('\n').filter((l) => /^\S/.test(l)).every((l) => l.startsWith('b.Dockerfile:')), groups[1]);
      assert.match(groups[2], / in 3 files$/);
    });

    it('says "No problems found" for clean files', async () => {
      const cwd = folder({ Dockerfile: CLEAN, 'api.Dockerfile': CLEAN });
      const result = await run([], cwd);
      assert.equal(result.stdout, 'No problems found in 2 files\n');
      assert.equal(result.status, 0);
    });

    it('summary counts each severity with singular and plural forms', () => {
      const finding = (severity: Finding['severity']): Finding => ({ ...preferCopy(WITH_FINDING), severity });
      const results = [
        { file: 'a', findings: [finding('error'), finding('warning'), finding('warning'), finding('info')] },
        { file: 'b', findings: [finding('hint'), finding('hint'), finding('hint')] },
      ];
      assert.equal(summary(results), '7 problems (1 error, 2 warnings, 1 info, 3 hints) in 2 files');
      assert.equal(summary([{ findings: [finding('warning')] }]), '1 problem (0 errors, 1 warning, 0 info, 0 hints) in 1 file');
      assert.equal(summary([{ findings: [] }]), 'No problems found in 1 file');
    });
  });

  describe('cli: json format', () => {
    it('is an array of { file, findings } with 0-based LSP ranges and the fixable flag', async () => {
      const cwd = folder({ Dockerfile: WITH_FINDING });
      const result = await run(['--format', 'json', 'Dockerfile'], cwd);
      const output = json(result);
      assert.equal(output.length, 1);
      assert.deepEqual(Object.keys(output[0]), ['file', 'findings']);
      assert.equal(output[0].file, 'Dockerfile');
      const mine = output[0].findings.filter((f) => f.ruleId === 'prefer-copy');
      assert.equal(mine.length, 1);
      const expected = preferCopy(WITH_FINDING);
      assert.deepEqual(mine[0], {
        ruleId: 'prefer-copy',
        severity: 'warning',
        message: expected.message,
        guideSection: '3.1.5',
        url: expected.url,
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
        fixable: true,
      });
      assert.equal(result.stderr, '');
    });

    it('reports exactly what the engine reports, with only the documented keys', async () => {
      const cwd = folder({ Dockerfile: WITH_FINDING });
      const [entry] = json(await run(['-f', 'json'], cwd));
      const engine = lintFinished(WITH_FINDING);
      assert.equal(entry.findings.length, engine.length);
      entry.findings.forEach((f, i) => {
        assert.deepEqual(Object.keys(f), ['ruleId', 'severity', 'message', 'guideSection', 'url', 'range', 'fixable']);
        assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity as string));
        assert.deepEqual(f.range, engine[i].range);
        assert.equal(f.message, engine[i].message);
        assert.equal(f.fixable, engine[i].fixes.some((x) => x.kind === 'quickfix'));
      });
    });

    it('has one entry per linted file, clean ones included, in a stable order', async () => {
      const cwd = folder({ 'b/Dockerfile': WITH_FINDING, 'a/Dockerfile': CLEAN, Dockerfile: CLEAN });
      const [first, second] = await Promise.all([run(['--format=json'], cwd), run(['--format=json'], cwd)]);
      const output = json(first);
      assert.deepEqual(output.map((e) => e.file), ['Dockerfile', path.join('a', 'Dockerfile'), path.join('b', 'Dockerfile')]);
      assert.deepEqual(output[0].findings, []);
      assert.deepEqual(output[1].findings, []);
      assert.ok(output[2].findings.some((f) => f.ruleId === 'prefer-copy'));
      assert.equal(second.stdout, first.stdout);
    });

    it('prints [] when there is nothing to lint', async () => {
      const result = await run(['--format', 'json'], folder({ 'README.md': '# hi\n' }));
      assert.deepEqual(json(result), []);
      assert.equal(result.status, 0);
    });
  });

  describe('cli: exit codes and errors', () => {
    it('0 for a clean file', async () => {
      const result = await run(['Dockerfile'], folder({ Dockerfile: CLEAN }));
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.equal(result.stderr, '');
    });

    it('1 for a file with findings', async () => {
      assert.equal((await run(['Dockerfile'], folder({ Dockerfile: WITH_FINDING }))).status, 1);
    });

    it('2 for a missing file, with one line naming it', async () => {
      const result = await run(['missing/Dockerfile'], folder());
      assert.equal(result.status, 2);
      assertOneLineError(result, 'missing/Dockerfile');
      assert.match(result.stderr, /no such file/);
    });

    it('2 for a binary file (NUL bytes), with one line naming it', async () => {
      const cwd = folder({ Dockerfile: Buffer.from([0x46, 0x52, 0x00, 0x4f, 0x4d, 0xff, 0x00]) });
      const result = await run(['Dockerfile'], cwd);
      assert.equal(result.status, 2);
      assertOneLineError(result, 'Dockerfile');
      assert.match(result.stderr, /binary/);
    });

    it('2 for an unknown option, with one line naming it and nothing on stdout', async () => {
      const result = await run(['--fromat', 'json'], folder({ Dockerfile: WITH_FINDING }));
      assert.equal(result.status, 2);
      assertOneLineError(result, '--fromat');
      assert.equal(result.stdout, '');
    });

    it('2 for an unknown format or language, and for an option without its value', async () => {
      const cwd = folder({ Dockerfile: CLEAN });
      const cases = [[['--format', 'xml'], 'xml'], [['--lang', 'fr'], 'fr'], [['--format'], '--format']] as const;
      const results = await Promise.all(cases.map(([args]) => run([...args], cwd)));
      cases.forEach(([args, subject], i) => {
        assert.equal(results[i].status, 2, args.join(' '));
        assertOneLineError(results[i], subject);
      });
    });

    it('still lints the readable files when one path is missing, and exits 2', async () => {
      const result = await run(['--format', 'json', 'nope', 'Dockerfile'], folder({ Dockerfile: WITH_FINDING }));
      assert.equal(result.status, 2);
      assertOneLineError(result, 'nope');
      assert.deepEqual(json(result).map((e) => e.file), ['Dockerfile']);
    });

    it('2 for an unreadable folder', { skip: process.getuid?.() === 0 ? 'root can read any folder' : false }, async () => {
      const cwd = folder({ 'locked/Dockerfile': CLEAN });
      fs.chmodSync(path.join(cwd, 'locked'), 0o000);
      try {
        const result = await run(['locked'], cwd);
        assert.equal(result.status, 2);
        assertOneLineError(result, 'locked');
      } finally {
        fs.chmodSync(path.join(cwd, 'locked'), 0o755);
      }
    });

    it('a folder with no Dockerfiles is not an error: exit 0 and a note on stderr', async () => {
      const result = await run([], folder({ 'README.md': '# hi\n', 'src/app.py': 'print(1)\n' }));
      assert.equal(result.status, 0);
      assert.match(result.stderr, /No Dockerfiles found/);
      assert.equal(result.stdout, '');
    });
  });

  describe('cli: files', () => {
    const tree = {
      Dockerfile: WITH_FINDING,
      'sub/Containerfile': WITH_FINDING,
      'api.Dockerfile': CLEAN,
      'Dockerfile.dev': CLEAN,
      'web/worker.dockerfile': CLEAN,
      'Containerfile.prod': CLEAN,
      'README.md': WITH_FINDING,
      'Dockerfile.dockerignore': 'node_modules\n',
      'node_modules/x/Dockerfile': WITH_FINDING,
      '.git/Dockerfile': WITH_FINDING,
    };
    const expected = ['Containerfile.prod', 'Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'sub/Containerfile', 'web/worker.dockerfile']
      .map((f) => f.split('/').join(path.sep));

    it('walks folders for Dockerfiles and Containerfiles, skipping node_modules and .git', async () => {
      const result = await run(['--format', 'json', '.'], folder(tree));
      assert.deepEqual(json(result).map((e) => e.file), expected);
    });

    it('lints the current folder when given no paths', async () => {
      const result = await run(['--format', 'json'], folder(tree));
      assert.deepEqual(json(result).map((e) => e.file), expected);
    });

    it('lints a file named explicitly whatever its name, and each file once', async () => {
      const cwd = folder({ 'build.txt': WITH_FINDING, Dockerfile: CLEAN });
      const result = await run(['--format', 'json', 'build.txt', 'Dockerfile', '.', './Dockerfile'], cwd);
      assert.deepEqual(json(result).map((e) => e.file), ['build.txt', 'Dockerfile']);
      assert.equal(result.status, 1);
    });

    it('does not loop on symbolic links to a parent folder', { skip: process.platform === 'win32' && 'symlinks need privileges' }, async () => {
      const cwd = folder({ Dockerfile: CLEAN, 'sub/Dockerfile': CLEAN });
      // Two links: walking them blindly would branch at every level until the OS gives up (2^40 folders).
      fs.symlinkSync('..', path.join(cwd, 'sub', 'loop'), 'dir');
      fs.symlinkSync(cwd, path.join(cwd, 'sub', 'back'), 'dir');
      const result = await run(['--format', 'json'], cwd, {}, 10_000);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(json(result).map((e) => e.file), ['Dockerfile', path.join('sub', 'Dockerfile')]);
    });

    it('follows symbolic links to folders elsewhere', { skip: process.platform === 'win32' && 'symlinks need privileges' }, async () => {
      const outside = folder({ 'Dockerfile': WITH_FINDING });
      const cwd = folder({ Dockerfile: CLEAN });
      fs.symlinkSync(outside, path.join(cwd, 'linked'), 'dir');
      const result = await run(['--format', 'json'], cwd);
      assert.deepEqual(json(result).map((e) => e.file), ['Dockerfile', path.join('linked', 'Dockerfile')]);
    });

    it('shows paths relative to the current folder when under it, absolute otherwise', async () => {
      const cwd = folder({ Dockerfile: CLEAN, 'sub/Dockerfile': CLEAN });
      const [inside, outside] = await Promise.all([
        run(['--format', 'json', path.join(cwd, 'sub')], cwd),
        run(['--format', 'json', path.join('..', 'Dockerfile')], path.join(cwd, 'sub')),
      ]);
      assert.deepEqual(json(inside).map((e) => e.file), [path.join('sub', 'Dockerfile')]);
      assert.deepEqual(json(outside).map((e) => e.file), [path.join(cwd, 'Dockerfile')]);
    });

    it('strips a leading BOM, so positions match the editor', async () => {
      const text = 'ADD app.py /app/\n';
      const cwd = folder({ Dockerfile: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) });
      const [entry] = json(await run(['--format', 'json'], cwd));
      assert.deepEqual(entry.findings.find((f) => f.ruleId === 'prefer-copy')?.range, preferCopy(text).range);
    });

    it('recognises the Dockerfile names of package.json', () => {
      for (const name of ['Dockerfile', 'Containerfile', 'api.Dockerfile', 'api.dockerfile', 'Dockerfile.dev', 'Containerfile.prod']) {
        assert.equal(isDockerfileName(name), true, name);
      }
      for (const name of ['README.md', 'dockerfile.txt', 'Dockerfile.dockerignore', 'api.Dockerfile.dockerignore', 'MyDockerfile']) {
        assert.equal(isDockerfileName(name), false, name);
      }
    });
  });

  describe('cli: language', () => {
    let english = '';
    let spanish = '';
    before(() => {
      english = preferCopy(WITH_FINDING, 'en').message;
      spanish = preferCopy(WITH_FINDING, 'es').message;
    });

    it('the two messages differ (so the checks below mean something)', () => {
      assert.notEqual(spanish, english);
    });

    it('--lang es gives the Spanish message', async () => {
      const result = await run(['--lang', 'es', 'Dockerfile'], folder({ Dockerfile: WITH_FINDING }));
      assert.ok(result.stdout.includes(spanish), result.stdout);
      assert.ok(!result.stdout.includes(english));
    });

    it('defaults to Spanish when LANG starts with es, and LC_ALL wins over LANG', async () => {
      const cwd = folder({ Dockerfile: WITH_FINDING });
      const [lang, messages, all, option] = await Promise.all([
        run([], cwd, { LANG: 'es_ES.UTF-8' }),
        run([], cwd, { LC_MESSAGES: 'es_AR.UTF-8', LANG: 'en_US.UTF-8' }),
        run([], cwd, { LC_ALL: 'en_US.UTF-8', LANG: 'es_ES.UTF-8' }),
        run(['--lang', 'en'], cwd, { LANG: 'es_ES.UTF-8' }),
      ]);
      assert.ok(lang.stdout.includes(spanish));
      assert.ok(messages.stdout.includes(spanish));
      assert.ok(all.stdout.includes(english));
      assert.ok(option.stdout.includes(english));
    });

    it('localeFromEnv follows LC_ALL, LC_MESSAGES, LANG', () => {
      assert.equal(localeFromEnv({}), 'en');
      assert.equal(localeFromEnv({ LANG: 'es' }), 'es');
      assert.equal(localeFromEnv({ LANG: 'C' }), 'en');
      assert.equal(localeFromEnv({ LC_ALL: '', LANG: 'es_MX.UTF-8' }), 'es');
      assert.equal(localeFromEnv({ LC_MESSAGES: 'en_GB', LANG: 'es_ES' }), 'en');
    });
  });

  describe('cli: colour', () => {
    const results = (): FileResult[] => [{ file: 'Dockerfile', findings: lintFinished(WITH_FINDING), text: WITH_FINDING }];
    const context = (color: boolean) => ({ color, locale: 'en' as const, version: VERSION, rules: new Map() });

    it('the text formatter can colour (so the checks below mean something)', () => {
      assert.ok(formatText(results(), context(true)).includes(ESC));
      assert.ok(!formatText(results(), context(false)).includes(ESC));
    });

    it('colour only on a TTY without NO_COLOR', () => {
      assert.equal(colorEnabled({ isTTY: true }, {}), true);
      assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
      assert.equal(colorEnabled({ isTTY: false }, {}), false);
      assert.equal(colorEnabled({}, {}), false);
    });

    it('no escape codes when stdout is not a TTY, with or without NO_COLOR', async () => {
      const cwd = folder({ Dockerfile: WITH_FINDING });
      for (const result of await Promise.all([{}, { NO_COLOR: '1' }].map((env) => run([], cwd, env)))) {
        assert.equal(result.status, 1);
        assert.ok(!result.stdout.includes(ESC), JSON.stringify(result.stdout));
        assert.ok(!result.stderr.includes(ESC));
      }
    });
  });

  describe('cli: help and version', () => {
    it('--help shows usage, options and examples, exit 0', async () => {
      const result = await run(['--help'], folder());
      assert.equal(result.status, 0);
      for (const text of ['Usage: dockerfile-seguro', '--format', '--lang', '--version', 'Examples:']) {
        assert.ok(result.stdout.includes(text), `help lacks ${text}`);
      }
    });

    it('--version prints the package.json version', async () => {
      const result = await run(['--version'], folder());
      assert.equal(result.status, 0);
      assert.equal(result.stdout, `${VERSION}\n`);
    });

    it('parseCommand: defaults, values and paths', () => {
      const pick = (argv: string[]) => {
        const command = parseCommand(argv, {});
        assert.equal(command.kind, 'lint');
        return command.kind === 'lint' ? { format: command.format, locale: command.locale ?? command.envLocale, paths: command.paths } : null;
      };
      assert.deepEqual(pick([]), { format: 'text', locale: 'en', paths: [] });
      assert.deepEqual(pick(['-f', 'json', '--lang=es', 'a', 'b']), { format: 'json', locale: 'es', paths: ['a', 'b'] });
      assert.deepEqual(pick(['--', '--odd-name']), { format: 'text', locale: 'en', paths: ['--odd-name'] });
      assert.throws(() => parseCommand(['--nope'], {}), /unknown option '--nope'/);
    });
  });
});
