// The CLI's reports (text, json, sarif, github, checkstyle), --fix and --fix-dry-run, exit-code options,
// rule selection, standard input and file discovery, run as users run them: `node dist/cli.js` in
// temporary folders. Needs `npm run build` first.
//
// Golden files are in test/fixtures/cli/golden; the runs use --no-config and --only with the three
// finished rules, so rules added later do not change them. After an intended change of output, rewrite
// them with UPDATE_GOLDENS=1 and review the diff.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { parseCommand } from '../cli/args';
import { unifiedDiff } from '../cli/diff';
import { findingsFail } from '../cli/exit';
import { keepConventions, planFixes, writeOther } from '../cli/fix';
import { escapeXml } from '../cli/formats/checkstyle';
import { escapeData, escapeProperty } from '../cli/formats/github';
import { SECURITY_SEVERITY, toSarif } from '../cli/formats/sarif';
import type { Rule } from '../shared/rule';
import { RULES } from '../shared/rules';
import type { Finding, Severity } from '../shared/types';
import { FIXTURES, ROOT, loadEngine } from './helpers';
import { CLI, runCliProcess, type Run } from './cliProcess';

const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const HERE = path.join(FIXTURES, 'cli');
const SCHEMA = path.join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const UPDATE = process.env.UPDATE_GOLDENS === '1';

/** The finished rules: goldens and fix fixtures only depend on them. */
const ONLY = ['--no-config', '--only', 'prefer-copy,user-root,update-without-install'];
/** Three severities in one run: user-root error, update-without-install warning, prefer-copy info. */
const GOLDEN_ARGS = [...ONLY, '--rule', 'user-root=error', '--rule', 'prefer-copy=info'];

function run(args: string[], cwd: string, options: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', ...options.env };
  for (const key of ['LC_ALL', 'LC_MESSAGES', 'NO_COLOR']) if (!options.env?.[key]) delete env[key];
  return runCliProcess(args, cwd, env, { input: options.input });
}

const temps: string[] = [];

function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-seguro-reports-')));
  temps.push(dir);
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), contents);
  }
  return dir;
}

function fixture(...parts: string[]): string {
  return fs.readFileSync(path.join(HERE, ...parts), 'utf8');
}

/** The fixture project in a temporary folder, plus a gitignored copy of its Dockerfile that must never be reported. */
function project(): string {
  const dir = folder();
  fs.cpSync(path.join(HERE, 'project'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.gitignore'), '# build output\nbuild/\n');
  fs.mkdirSync(path.join(dir, 'build'));
  fs.copyFileSync(path.join(dir, 'Dockerfile'), path.join(dir, 'build', 'Dockerfile'));
  return dir;
}

/**
 * The golden run of each format, on one copy of the fixture project: these runs only read it, so every test
 * that looks at the same report shares the same run.
 */
const goldenRuns = new Map<string, Promise<Run>>();
let goldenProject: string | null = null;
function goldenRun(format: string): Promise<Run> {
  goldenProject ??= project();
  let pending = goldenRuns.get(format);
  if (!pending) {
    pending = run([...GOLDEN_ARGS, '--format', format], goldenProject);
    goldenRuns.set(format, pending);
  }
  return pending;
}

function assertGolden(actual: string, name: string): void {
  const file = path.join(HERE, 'golden', name);
  if (UPDATE) fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `output differs from golden ${name}`);
}

function assertOneLineError(result: Run, ...subjects: string[]): void {
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  for (const subject of subjects) assert.ok(lines[0].includes(subject), `stderr should name ${subject}: ${lines[0]}`);
}

type JsonReport = Array<{ file: string; findings: Array<{ ruleId: string; severity: Severity; range: Finding['range'] }> }>;

function json(result: Run): JsonReport {
  try {
    return JSON.parse(result.stdout);
  } catch {
    return assert.fail(`stdout is not JSON:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

function sarifValidator() {
  // The official schema is draft-04 (`id`); ajv reads it as draft-07 once `id` is `$id`. One of its
  // patterns is not valid with the `u` flag, hence unicodeRegExp: false.
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

// ---- a tiny XML reader: enough to prove the checkstyle output is well-formed ------------------------

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** Parses elements and attributes; throws on anything that is not well-formed XML of that kind. */
function parseXml(xml: string): Element {
  const rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  assert.notEqual(rest, xml, 'missing XML declaration');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: Element[] = [];
  let root: Element | null = null;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(rest)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = match;
    if (text !== undefined) {
      assert.match(text, /^\s*$/, `unexpected text ${JSON.stringify(text)}`);
      continue;
    }
    if (closing) {
      assert.equal(stack.pop()?.name, name, `unbalanced </${name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attrs.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      assert.ok(!(key in attributes), `duplicate attribute ${key}`);
      assert.doesNotMatch(value.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), /[&<>]/, `unescaped character in ${value}`);
      attributes[key] = decodeEntities(value);
    }
    const element: Element = { name, attributes, children: [] };
    if (stack.length) stack[stack.length - 1].children.push(element);
    else {
      assert.equal(root, null, 'more than one root element');
      root = element;
    }
    if (!selfClosing) stack.push(element);
  }
  assert.equal(consumed, rest.length, `not XML from offset ${consumed}: ${JSON.stringify(rest.slice(consumed, consumed + 40))}`);
  assert.equal(stack.length, 0, 'unclosed elements');
  assert.ok(root, 'no root element');
  return root;
}

// ---- a tiny patch applier: proves a --fix-dry-run diff turns the original into the fixed file ---------

/** Applies a one-file unified diff strictly: context and removed lines must match exactly, counts must add up. */
function applyPatch(original: string, diff: string): string {
  const source = original.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines = diff.match(/[^\n]*\n/g) ?? [];
  assert.match(lines[0] ?? '', /^--- /);
  assert.match(lines[1] ?? '', /^\+\+\+ /);
  const out: string[] = [];
  let position = 0;
  let i = 2;
  while (i < lines.length) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@\n$/.exec(lines[i++]);
    assert.ok(header, `bad hunk header ${lines[i - 1]}`);
    const [oldStart, oldCount, newStart, newCount] = header.slice(1).map(Number);
    const entries: Array<{ kind: string; text: string }> = [];
    while (i < lines.length && !lines[i].startsWith('@@')) {
      const line = lines[i++];
      if (line.startsWith('\\ No newline at end of file')) entries[entries.length - 1].text = entries[entries.length - 1].text.replace(/\n$/, '');
      else entries.push({ kind: line[0], text: line.slice(1) });
    }
    assert.equal(entries.filter((e) => e.kind !== '+').length, oldCount, 'old line count');
    assert.equal(entries.filter((e) => e.kind !== '-').length, newCount, 'new line count');
    const start = oldCount === 0 ? oldStart : oldStart - 1;
    assert.ok(start >= position, 'hunks out of order');
    out.push(...source.slice(position, start));
    assert.equal(out.length, newCount === 0 ? newStart : newStart - 1, 'new start line');
    position = start;
    for (const { kind, text } of entries) {
      if (kind === ' ' || kind === '-') assert.equal(source[position++], text, `${kind === ' ' ? 'context' : 'removed'} line does not match`);
      if (kind === ' ' || kind === '+') out.push(text);
      assert.ok(' -+'.includes(kind), `bad hunk line kind ${kind}`);
    }
  }
  return [...out, ...source.slice(position)].join('');
}

before(async () => {
  assert.ok(fs.existsSync(CLI), `${CLI} does not exist: run "npm run build" before these tests`);
  await loadEngine();
});
after(() => {
  for (const dir of temps) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // a folder left read-only by a failed test: not worth failing the run
    }
  }
});

// Most tests spawn the CLI: they run concurrently (each in its own folder), at most MAX_PROCESSES processes at
// once. Not when rewriting goldens, which some tests read.
describe('cli reports', { concurrency: !UPDATE }, () => {
  // ---------------------------------------------------------------------------------------------------

  describe('cli reports: goldens of every format', () => {
    const expectedFiles = ['Dockerfile', 'services/api/Dockerfile', 'services/web/web.Dockerfile', 'services/worker/Containerfile'];

    for (const [format, golden] of [['text', 'text.txt'], ['json', 'json.json'], ['github', 'github.txt'], ['checkstyle', 'checkstyle.xml']] as const) {
      it(`${format} matches golden/${golden}`, async () => {
        const result = await goldenRun(format);
        assert.equal(result.stderr, '');
        assert.equal(result.status, 1);
        assertGolden(result.stdout, golden);
      });
    }

    it('sarif matches golden/sarif.json (the tool version shown as <version>)', async () => {
      const result = await goldenRun('sarif');
      assert.equal(result.stderr, '');
      assert.equal(result.status, 1);
      const log = JSON.parse(result.stdout) as Sarif.Log;
      // Only the version may vary; everything else is the exact output.
      assert.equal(result.stdout, `${JSON.stringify(log, null, 2)}\n`);
      const driver = log.runs[0].tool.driver;
      assert.equal(driver.version, VERSION);
      assert.equal(driver.semanticVersion, VERSION);
      driver.version = '<version>';
      driver.semanticVersion = '<version>';
      assertGolden(`${JSON.stringify(log, null, 2)}\n`, 'sarif.json');
    });

    it('the goldens cover the fixture files, not the gitignored build/ copy', async () => {
      const files = json(await goldenRun('json')).map((e) => e.file);
      assert.deepEqual(files, expectedFiles.map((f) => f.split('/').join(path.sep)));
      const text = fixture('golden', 'text.txt');
      assert.ok(!text.includes('build'), text);
    });
  });

  describe('cli reports: sarif', () => {
    let validate: ReturnType<typeof sarifValidator>;
    let log: Sarif.Log;
    before(async () => {
      validate = sarifValidator();
      log = JSON.parse((await goldenRun('sarif')).stdout);
    });

    it('is valid against the official SARIF 2.1.0 schema', () => {
      assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
    });

    it('the validator rejects broken SARIF (so the check above means something)', () => {
      const broken = structuredClone(log);
      delete (broken.runs[0].results![0] as Partial<Sarif.Result>).message;
      broken.runs[0].results![1].level = 'fatal' as Sarif.Result.level;
      (broken.runs[0].tool.driver as { informationUri: string }).informationUri = 'not a uri';
      assert.equal(validate(broken), false);
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n');
      assert.match(problems, /results\/0 must have required property 'message'/);
      assert.match(problems, /results\/1\/level must be equal to one of the allowed values/);
      assert.match(problems, /informationUri must match format "uri"/);
    });

    it('lists only the rules that ran, and every result points at its rule', async () => {
      const driver = log.runs[0].tool.driver;
      assert.deepEqual(driver.rules!.map((r) => r.id), ['user-root', 'update-without-install', 'prefer-copy']);
      for (const result of log.runs[0].results!) {
        assert.equal(driver.rules![result.ruleIndex!].id, result.ruleId);
      }
      const two = JSON.parse((await run(['--no-config', '--only', 'prefer-copy,user-root', '-f', 'sarif'], project())).stdout) as Sarif.Log;
      assert.deepEqual(two.runs[0].tool.driver.rules!.map((r) => r.id), ['user-root', 'prefer-copy']);
      assert.ok(two.runs[0].results!.every((r) => r.ruleId !== 'update-without-install'));
    });

    it('rule metadata: guide URL, levels and security-severity from the configured severity, security tag', () => {
      const byId = new Map(log.runs[0].tool.driver.rules!.map((r) => [r.id, r]));
      const userRoot = byId.get('user-root')!;
      assert.equal(userRoot.helpUri, 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#312-privilegios');
      assert.equal(userRoot.defaultConfiguration?.level, 'error');
      assert.equal(userRoot.properties?.['security-severity'], '7.5');
      assert.equal(byId.get('update-without-install')!.properties?.['security-severity'], '5.0');
      assert.equal(byId.get('prefer-copy')!.defaultConfiguration?.level, 'note');
      assert.equal(byId.get('prefer-copy')!.properties?.['security-severity'], '3.0');
      for (const rule of byId.values()) {
        assert.ok((rule.properties?.tags as string[]).includes('security'));
        assert.match(rule.properties?.['security-severity'] as string, /^\d+\.\d$/);
        assert.ok(rule.help?.markdown?.includes(rule.helpUri!));
      }
    });

    it('results: relative forward-slash URIs under %SRCROOT%, 1-based regions with the end column after the range', () => {
      const results = log.runs[0].results!;
      const api = results.find((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === 'services/api/Dockerfile');
      assert.ok(api, JSON.stringify(results.map((r) => r.locations![0].physicalLocation!.artifactLocation)));
      assert.equal(api.locations![0].physicalLocation!.artifactLocation!.uriBaseId, '%SRCROOT%');
      // `USER root` on line 4: "root" is columns 6-9, the SARIF end column is the one after it.
      assert.deepEqual(api.locations![0].physicalLocation!.region, { startLine: 4, startColumn: 6, endLine: 4, endColumn: 10 });
      assert.equal(api.level, 'error');
    });

    it('levels: error, warning, note, none; security-severity for each severity', () => {
      const rule = RULES.find((r) => r.meta.id === 'prefer-copy')!;
      const finding = (severity: Severity, line: number): Finding => ({
        ruleId: 'prefer-copy', severity, message: 'm', guideSection: '3.1.5', url: 'https://example.com',
        range: { start: { line, character: 0 }, end: { line, character: 3 } }, fixes: [],
      });
      const severities: Severity[] = ['error', 'warning', 'info', 'hint'];
      const sarif = toSarif([{ file: 'Dockerfile', text: 'ADD a /a\nADD b /b\nADD c /c\nADD d /d\n', findings: severities.map(finding) }],
        { color: false, locale: 'en', version: '1.0.0', rules: new Map([[rule.meta.id, 'hint']]) });
      assert.deepEqual(sarif.runs[0].results!.map((r) => r.level), ['error', 'warning', 'note', 'none']);
      assert.equal(sarif.runs[0].tool.driver.rules![0].defaultConfiguration?.level, 'none');
      assert.deepEqual(SECURITY_SEVERITY, { error: '7.5', warning: '5.0', info: '3.0', hint: '1.0' });
      assert.equal(validate(sarif), true, JSON.stringify(validate.errors));
    });

    it('fingerprints survive lines added above, and identical lines get distinct ones', async () => {
      const text = 'FROM alpine:3.20\nADD a.txt /a/\nADD a.txt /a/\nUSER 1000\n';
      const prints = async (dockerfile: string) => {
        const sarif = JSON.parse((await run([...ONLY, '-f', 'sarif'], folder({ Dockerfile: dockerfile }))).stdout) as Sarif.Log;
        return sarif.runs[0].results!.map((r) => [r.locations![0].physicalLocation!.region!.startLine, r.partialFingerprints!.primaryLocationLineHash]);
      };
      const [first, moved, edited] = await Promise.all([
        prints(text), prints(`# a comment\n\n${text}`), prints(text.replace('ADD a.txt /a/\nADD', 'ADD b.txt /b/\nADD')),
      ]);
      assert.equal(first.length, 2);
      assert.notEqual(first[0][1], first[1][1]);
      assert.deepEqual(moved.map((p) => p[0]), [4, 5]);
      assert.deepEqual(moved.map((p) => p[1]), first.map((p) => p[1]));
      assert.notEqual(edited[0][1], first[0][1]);
    });

    it('a file outside the current folder gets a file: URI', async () => {
      const outside = folder({ Dockerfile: 'FROM alpine:3.20\nADD x /x\nUSER 1\n' });
      const cwd = folder();
      const sarif = JSON.parse((await run([...ONLY, '-f', 'sarif', path.join(outside, 'Dockerfile')], cwd)).stdout) as Sarif.Log;
      const location = sarif.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!;
      assert.equal(location.uri, `file://${outside}/Dockerfile`);
      assert.equal(location.uriBaseId, undefined);
      assert.equal(validate(sarif), true);
    });
  });

  describe('cli reports: github annotations', () => {
    it('escapes %, CR and LF in messages, and also : and , in properties', () => {
      assert.equal(escapeData('100% done\r\nnext: a, b'), '100%25 done%0D%0Anext: a, b');
      assert.equal(escapeProperty('100% a:b,c\nd'), '100%25 a%3Ab%2Cc%0Ad');
      assert.equal(escapeProperty('%3A'), '%253A'); // escaped first, so an escape in the input survives
    });

    it('file names with , : and % are escaped in the command', async () => {
      const cwd = folder({ 'we,ird:dir/100%/Dockerfile': 'FROM alpine:3.20\nADD x /x\nUSER 1\n' });
      const result = await run([...ONLY, '-f', 'github'], cwd);
      assert.equal(result.stdout.trim().split('\n').length, 1, result.stdout);
      assert.match(result.stdout, /^::warning file=we%2Cird%3Adir\/100%25\/Dockerfile,line=2,col=1,endLine=2,endColumn=3,title=prefer-copy::ADD copies /);
      assert.match(result.stdout, /\(https:\/\/github\.com\/UlisesGascon\/docker-seguro\/blob\/main\/manuscript\/c03\.md#315-copy-o-add\)\n$/);
    });

    it('an annotation spanning lines has no columns; accents in guide URLs keep their escapes escaped', () => {
      const lines = fixture('golden', 'github.txt').split('\n');
      assert.ok(lines.some((l) => /^::warning file=services\/worker\/Containerfile,line=3,endLine=4,title=update-without-install::/.test(l)), lines.join('\n'));
      assert.equal(escapeData('https://x/c02.md#223-gesti%C3%B3n'), 'https://x/c02.md#223-gesti%25C3%25B3n');
    });

    it('info and hint become notices, error errors', async () => {
      const golden = fixture('golden', 'github.txt');
      assert.match(golden, /^::error file=Dockerfile,.*title=user-root::/m);
      assert.match(golden, /^::notice file=Dockerfile,.*title=prefer-copy::/m);
      const hint = await run([...ONLY, '--rule', 'prefer-copy=hint', '-f', 'github', 'Dockerfile'], folder({ Dockerfile: 'FROM scratch\nADD x /x\nUSER 1\n' }));
      assert.match(hint.stdout, /^::notice file=Dockerfile,line=2,/);
    });
  });

  describe('cli reports: checkstyle', () => {
    it('is well-formed XML with one <file> per linted file and one <error> per finding', async () => {
      const [xml, report] = await Promise.all([goldenRun('checkstyle').then((r) => r.stdout), goldenRun('json').then(json)]);
      const root = parseXml(xml);
      assert.equal(root.name, 'checkstyle');
      assert.equal(root.attributes.version, '4.3');
      assert.deepEqual(root.children.map((f) => f.attributes.name), report.map((e) => e.file));
      assert.deepEqual(root.children.map((f) => f.children.length), report.map((e) => e.findings.length));
      const errors = root.children.flatMap((f) => f.children);
      assert.ok(errors.length >= 5);
      for (const error of errors) {
        assert.equal(error.name, 'error');
        assert.match(error.attributes.line, /^[1-9]\d*$/);
        assert.match(error.attributes.column, /^[1-9]\d*$/);
        assert.ok(['error', 'warning', 'info'].includes(error.attributes.severity));
        assert.match(error.attributes.source, /^dockerfile-seguro\.[a-z-]+$/);
      }
    });

    it('the XML reader rejects broken XML (so the check above means something)', () => {
      assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a></b>\n'));
      assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a m="x & y"/>\n'));
      assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a m="1" m="2"/>\n'));
      assert.throws(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>text</a>\n'));
    });

    it('escapes markup characters, line breaks and characters XML cannot hold', async () => {
      assert.equal(escapeXml(`a<b>&"c"'d'\n\t\u0001\uFFFEz`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;&#9;z');
      const cwd = folder({ [`a&b<c>'"/Dockerfile`]: 'FROM alpine:3.20\nADD x /x\nUSER 1\n' });
      const root = parseXml((await run([...ONLY, '-f', 'checkstyle'], cwd)).stdout);
      assert.equal(root.children[0].attributes.name, path.join(`a&b<c>'"`, 'Dockerfile'));
      assert.equal(root.children[0].children.length, 1);
    });
  });

  // ---------------------------------------------------------------------------------------------------

  describe('cli: --fix', () => {
    const input = () => fixture('fix', 'input.Dockerfile');
    const expected = () => fixture('fix', 'input.fixed.Dockerfile');

    it('applies the safe fixes in place and reports what is left (nothing): exit 0', async () => {
      const cwd = folder({ Dockerfile: input() });
      const result = await run([...ONLY, '--fix'], cwd);
      assert.equal(fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'), expected());
      assert.equal(result.stdout, 'No problems found in 1 file\n');
      assert.equal(result.stderr, 'Fixed 3 problems in Dockerfile\n');
      assert.equal(result.status, 0);
      assert.deepEqual(fs.readdirSync(cwd), ['Dockerfile'], 'no temporary file left behind');
    });

    it('findings without a safe fix are reported after fixing, and decide the exit code', async () => {
      const cwd = folder({ Dockerfile: fixture('fix', 'remaining.Dockerfile') });
      const result = await run([...ONLY, '--fix'], cwd);
      assert.equal(fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'), fixture('fix', 'remaining.fixed.Dockerfile'));
      assert.equal(result.status, 1);
      assert.match(result.stdout, /^Dockerfile:3:5: warning: `apk update` runs in a RUN that installs nothing/);
      assert.match(result.stdout, /1 problem \(0 errors, 1 warning, 0 info, 0 hints\) in 1 file\n$/);
      assert.equal((await run([...ONLY, '--fix', '--severity-threshold', 'error'], cwd)).status, 0);
    });

    it('keeps CRLF line endings, the BOM and the missing final newline', async () => {
      const crlf = (text: string) => text.replace(/\n/g, '\r\n').replace(/\r\n$/, '');
      const original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(input()))]);
      const cwd = folder({ Dockerfile: original });
      const result = await run([...ONLY, '--fix'], cwd);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      const bytes = fs.readFileSync(path.join(cwd, 'Dockerfile'));
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.equal(bytes.subarray(3).toString('utf8'), crlf(expected()));
      assert.ok(!/[^\r]\n/.test(bytes.toString('utf8')), 'a bare LF crept in');
    });

    it('keeps the file mode', { skip: process.platform === 'win32' && 'no POSIX modes' }, async () => {
      const cwd = folder({ Dockerfile: input() });
      fs.chmodSync(path.join(cwd, 'Dockerfile'), 0o640);
      await run([...ONLY, '--fix'], cwd);
      assert.equal(fs.statSync(path.join(cwd, 'Dockerfile')).mode & 0o777, 0o640);
      assert.equal(fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'), expected());
    });

    it('a read-only file: exit 2, one line naming it, file untouched, other files still fixed', async () => {
      const cwd = folder({ Dockerfile: input(), 'ok/Dockerfile': input() });
      const file = path.join(cwd, 'Dockerfile');
      fs.chmodSync(file, 0o444);
      const result = await run([...ONLY, '--fix', '--format', 'json'], cwd);
      assert.equal(result.status, 2);
      const errors = result.stderr.split('\n').filter((l) => l.startsWith('dockerfile-seguro:'));
      assert.deepEqual(errors, ['dockerfile-seguro: Dockerfile: cannot fix: read-only file (left untouched)']);
      assert.equal(fs.readFileSync(file, 'utf8'), input());
      assert.equal(fs.statSync(file).mode & 0o777, 0o444);
      assert.equal(fs.readFileSync(path.join(cwd, 'ok', 'Dockerfile'), 'utf8'), expected());
      // The untouched file's findings are still reported.
      assert.equal(json(result).find((e) => e.file === 'Dockerfile')!.findings.length, 3);
    });

    it('a read-only folder: exit 2, one line naming the file, untouched', { skip: process.platform === 'win32' && 'no POSIX modes' }, async () => {
      const cwd = folder({ 'locked/Dockerfile': input() });
      fs.chmodSync(path.join(cwd, 'locked'), 0o555);
      try {
        const result = await run([...ONLY, '--fix'], cwd);
        assert.equal(result.status, 2);
        assertOneLineError({ ...result, stderr: result.stderr }, path.join('locked', 'Dockerfile'), 'read-only folder');
        assert.equal(fs.readFileSync(path.join(cwd, 'locked', 'Dockerfile'), 'utf8'), input());
        assert.deepEqual(fs.readdirSync(path.join(cwd, 'locked')), ['Dockerfile']);
      } finally {
        fs.chmodSync(path.join(cwd, 'locked'), 0o755);
      }
    });

    it('a symbolic link stays a link; its target is fixed', { skip: process.platform === 'win32' && 'symlinks need privileges' }, async () => {
      const cwd = folder({ 'real/Dockerfile': input() });
      fs.symlinkSync(path.join('real', 'Dockerfile'), path.join(cwd, 'Dockerfile'));
      const result = await run([...ONLY, '--fix', 'Dockerfile'], cwd);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(fs.lstatSync(path.join(cwd, 'Dockerfile')).isSymbolicLink());
      assert.equal(fs.readFileSync(path.join(cwd, 'real', 'Dockerfile'), 'utf8'), expected());
    });

    it('with --stdin: prints the fixed text (CRLF and BOM kept) and writes nothing', async () => {
      const cwd = folder();
      const result = await run([...ONLY, '--fix', '--stdin'], cwd, { input: `\uFEFF${input().replace(/\n/g, '\r\n')}` });
      assert.equal(result.stdout, `\uFEFF${expected().replace(/\n/g, '\r\n')}`);
      assert.equal(result.status, 0);
      assert.deepEqual(fs.readdirSync(cwd), []);
    });

    it('keepConventions: CRLF, and the final newline or its absence, as in the original', () => {
      assert.equal(keepConventions('a\r\nb\r\n', 'a\r\nx\nb\r\n'), 'a\r\nx\r\nb\r\n');
      assert.equal(keepConventions('a\nb', 'a\nb\nc\n'), 'a\nb\nc');
      assert.equal(keepConventions('a\nb\n', 'a\nb'), 'a\nb\n');
      assert.equal(keepConventions('a\r\nb\n', 'a\nb\n'), 'a\nb\n', 'mixed endings are left alone');
    });

    it('fixes that change other files: .dockerignore created (dry run: shown as a new file) and appended to', async () => {
      // The dockerignore rules' own content is theirs to choose: only the mechanics are checked here.
      const args = ['--no-config', '--only', 'dockerignore,dockerignore-secrets'];
      const dockerfile = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nUSER node\n';
      const cwd = folder({ Dockerfile: dockerfile });
      const existing = folder({ Dockerfile: dockerfile, '.dockerignore': 'node_modules' });
      // Three independent folders: the dry run then --fix in one, --fix in another, standard input.
      const [[dry, afterDryRun, fixed], appended, stdin] = await Promise.all([
        (async () => {
          const dryRun = await run([...args, '--fix-dry-run'], cwd);
          const listing = fs.readdirSync(cwd);
          return [dryRun, listing, await run([...args, '--fix'], cwd)] as const;
        })(),
        run([...args, '--fix'], existing),
        run([...args, '--fix', '--stdin', '--stdin-filename', 'Dockerfile'], folder(), { input: dockerfile }),
      ]);
      assert.match(dry.stdout, /^--- \/dev\/null\n\+\+\+ b\/\.dockerignore\n@@ -0,0 \+1,\d+ @@\n/);
      assert.deepEqual(afterDryRun, ['Dockerfile'], 'the dry run writes nothing');
      assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
      assert.equal(fixed.stderr, 'Created .dockerignore\nFixed 1 problem in Dockerfile\n');
      const created = fs.readFileSync(path.join(cwd, '.dockerignore'), 'utf8');
      assert.equal(applyPatch('', dry.stdout), created, 'the dry run showed what --fix wrote');
      assert.match(created, /^\.git$/m);
      assert.equal(fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'), dockerfile);

      assert.equal(appended.status, 0, appended.stdout + appended.stderr);
      assert.match(appended.stderr, /^Updated \.dockerignore\n/);
      const text = fs.readFileSync(path.join(existing, '.dockerignore'), 'utf8');
      assert.ok(text.startsWith('node_modules\n') && text.length > 'node_modules\n'.length, text);

      assert.equal(stdin.stdout, dockerfile, 'no build context on standard input: nothing to fix');
    });

    it('planFixes: fixes that change other files are planned with them, and the build context follows', () => {
      // No finished rule changes other files yet: a stand-in rule, registered for this test only, asks for a
      // .dockerignore (created) holding `.git` and `.env` (appended), and marks the Dockerfile when it appends.
      const standIn: Rule = {
        meta: {
          id: 'test-dockerignore', sections: ['3.2.4'], severity: 'warning', fixable: true, equivalents: {},
          docs: { en: { title: 't', why: 'w', how: 'h' }, es: { title: 't', why: 'w', how: 'h' } },
        },
        check({ options, report }) {
          const ignore = options.context?.dockerignore;
          const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
          const message = { en: 'm', es: 'm' };
          if (ignore === null) {
            report({ range, message, fixes: [{ title: message, kind: 'quickfix', edits: [], files: [{ path: '.dockerignore', create: true, edits: [{ range, newText: '.git\n' }] }] }] });
          } else if (ignore && !ignore.text.includes('.env')) {
            const lines = ignore.text.split('\n');
            const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
            report({ range, message, fixes: [{ title: message, kind: 'quickfix', edits: [{ range, newText: '# ignore file checked\n' }], files: [{ path: '.dockerignore', edits: [{ range: { start: end, end }, newText: '.env\n' }] }] }] });
          } else if (ignore && ignore.text.includes('.escape')) {
            report({ range, message, fixes: [{ title: message, kind: 'quickfix', edits: [], files: [{ path: '../outside', create: true, edits: [{ range, newText: 'x' }] }] }] });
          }
        },
      };
      const rules = RULES as Rule[];
      rules.push(standIn);
      try {
        const only = { rules: Object.fromEntries(RULES.filter((r) => r !== standIn).map((r) => [r.meta.id, 'off' as const])) };
        const cwd = folder({ 'existing/.dockerignore': 'node_modules\n', 'escape/.dockerignore': '.env\n.escape\n' });
        const created = planFixes('FROM scratch\n', { ...only, context: { dockerignore: null } }, cwd);
        assert.deepEqual(created.others, [{ path: path.join(cwd, '.dockerignore'), before: null, after: '.git\n.env\n' }]);
        assert.equal(created.text, '# ignore file checked\nFROM scratch\n');
        assert.equal(created.applied, 2);
        assert.deepEqual(created.options.context?.dockerignore, { path: '.dockerignore', text: '.git\n.env\n' });
        assert.deepEqual(fs.readdirSync(cwd).sort(), ['escape', 'existing'], 'planning writes nothing');

        const existing = path.join(cwd, 'existing');
        const appended = planFixes('FROM scratch\n', { ...only, context: { dockerignore: { path: '.dockerignore', text: 'node_modules\n' } } }, existing);
        assert.deepEqual(appended.others, [{ path: path.join(existing, '.dockerignore'), before: 'node_modules\n', after: 'node_modules\n.env\n' }]);

        const escaping = planFixes('FROM scratch\n', { ...only, context: { dockerignore: { path: '.dockerignore', text: '.env\n.escape\n' } } }, path.join(cwd, 'escape'));
        assert.deepEqual(escaping.others, [], 'never outside the Dockerfile\'s folder');

        const stdin = planFixes('FROM scratch\n', { ...only, context: { dockerignore: null } }, null);
        assert.deepEqual(stdin.others, []);
        assert.equal(stdin.skipped, 1);
        assert.equal(stdin.text, 'FROM scratch\n');
      } finally {
        rules.splice(rules.indexOf(standIn), 1);
      }
    });

    it('writeOther: creates exclusively, appends when the fix only adds at the end', () => {
      const cwd = folder({ existing: 'a\n' });
      assert.equal(writeOther({ path: path.join(cwd, 'new'), before: null, after: 'x\n' }), 'created');
      assert.equal(fs.readFileSync(path.join(cwd, 'new'), 'utf8'), 'x\n');
      assert.throws(() => writeOther({ path: path.join(cwd, 'new'), before: null, after: 'y\n' }), /already exists/);
      assert.equal(fs.readFileSync(path.join(cwd, 'new'), 'utf8'), 'x\n');
      assert.equal(writeOther({ path: path.join(cwd, 'existing'), before: 'a\n', after: 'a\nb\n' }), 'updated');
      assert.equal(fs.readFileSync(path.join(cwd, 'existing'), 'utf8'), 'a\nb\n');
      assert.equal(writeOther({ path: path.join(cwd, 'existing'), before: 'a\nb\n', after: 'b\n' }), 'updated');
      assert.equal(fs.readFileSync(path.join(cwd, 'existing'), 'utf8'), 'b\n');
    });
  });

  describe('cli: --fix-dry-run', () => {
    it('prints the golden diff and changes nothing', async () => {
      const cwd = folder({ Dockerfile: fixture('fix', 'input.Dockerfile') });
      const result = await run([...ONLY, '--fix-dry-run'], cwd);
      assertGolden(result.stdout, 'fix-dry-run.diff');
      assert.equal(fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'), fixture('fix', 'input.Dockerfile'));
      assert.deepEqual(fs.readdirSync(cwd), ['Dockerfile']);
      assert.equal(result.status, 0, 'exit code as --fix would give');
    });

    it('the diff turns the original into exactly what --fix writes', () => {
      const diff = fixture('golden', 'fix-dry-run.diff');
      assert.equal(applyPatch(fixture('fix', 'input.Dockerfile'), diff), fixture('fix', 'input.fixed.Dockerfile'));
    });

    it('also with CRLF, BOM and no final newline (the diff says "\\ No newline at end of file")', async () => {
      const original = `\uFEFF${fixture('fix', 'input.Dockerfile').replace(/\n/g, '\r\n').replace(/\r\n$/, '')}`;
      const cwd = folder({ Dockerfile: original });
      const diff = (await run([...ONLY, '--fix-dry-run'], cwd)).stdout;
      assert.match(diff, /\n CMD \["python", "app\.py"\]\n\\ No newline at end of file\n$/);
      const fixed = await run([...ONLY, '--fix'], cwd);
      assert.equal(fixed.status, 0);
      assert.equal(applyPatch(original, diff), fs.readFileSync(path.join(cwd, 'Dockerfile'), 'utf8'));
    });

    it('the patch applier rejects a diff whose context does not match (so the checks above mean something)', () => {
      const diff = fixture('golden', 'fix-dry-run.diff');
      assert.throws(() => applyPatch(fixture('fix', 'input.Dockerfile').replace('WORKDIR /app', 'WORKDIR /srv'), diff));
      assert.throws(() => applyPatch(fixture('fix', 'input.Dockerfile'), diff.replace('@@ -1,8', '@@ -1,7')));
    });

    it('unifiedDiff: hunks, line numbers, created files and nothing for equal texts', () => {
      const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join('');
      const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', '');
      assert.equal(unifiedDiff('f', before, after), [
        '--- a/f', '+++ b/f',
        '@@ -1,5 +1,5 @@', ' line 1', '-line 2', '+line two', ' line 3', ' line 4', ' line 5',
        '@@ -15,6 +15,5 @@', ' line 15', ' line 16', ' line 17', '-line 18', ' line 19', ' line 20', '',
      ].join('\n'));
      assert.equal(unifiedDiff('f', before, before), '');
      assert.equal(unifiedDiff('.dockerignore', null, '.git\n.env\n'), '--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1,2 @@\n+.git\n+.env\n');
      assert.equal(unifiedDiff('f', 'a\n', ''), '--- a/f\n+++ b/f\n@@ -1,1 +0,0 @@\n-a\n');
      assert.equal(applyPatch(before, unifiedDiff('f', before, after)), after);
      assert.equal(applyPatch('a\nb', unifiedDiff('f', 'a\nb', 'a\nb\n')), 'a\nb\n');
    });
  });

  // ---------------------------------------------------------------------------------------------------

  describe('cli: exit status options', () => {
    // user-root (warning by default) on line 1 and prefer-copy (warning) on line 2.
    const TWO_WARNINGS = 'FROM alpine:3.20\nADD app.py /app/\n';

    /** Runs the CLI (finished rules) with each case's arguments, all at once, and checks each exit code. */
    async function assertStatuses(cwd: string, cases: Array<[string[], number, string?]>): Promise<void> {
      const results = await Promise.all(cases.map(([args]) => run([...ONLY, ...args], cwd)));
      cases.forEach(([args, status, message], i) => assert.equal(results[i].status, status, message ?? args.join(' ')));
    }

    it('--severity-threshold: exit 1 only for findings at or above it', async () => {
      const cwd = folder({ Dockerfile: TWO_WARNINGS });
      await assertStatuses(cwd, [
        [[], 1, 'default: any finding'],
        [['--severity-threshold', 'warning'], 1],
        [['--severity-threshold', 'error'], 0],
        [['--severity-threshold', 'error', '--rule', 'prefer-copy=error'], 1],
        [['--rule', 'prefer-copy=hint', '--rule', 'user-root=hint', '--severity-threshold', 'info'], 0],
        [['--rule', 'prefer-copy=hint', '--rule', 'user-root=info', '--severity-threshold', 'info'], 1],
        [['--severity-threshold', 'fatal'], 2],
      ]);
    });

    it('--max-warnings N: warnings fail only when there are more than N; errors still fail', async () => {
      const cwd = folder({ Dockerfile: TWO_WARNINGS });
      await assertStatuses(cwd, [
        [['--max-warnings', '2'], 0],
        [['--max-warnings', '1'], 1],
        [['--max-warnings', '0'], 1],
        [['--max-warnings', '5', '--rule', 'prefer-copy=error'], 1],
        [['--max-warnings', '-1'], 2],
        [['--max-warnings', 'many'], 2],
      ]);
    });

    it('the text report still shows findings below the threshold', async () => {
      const result = await run([...ONLY, '--severity-threshold', 'error'], folder({ Dockerfile: TWO_WARNINGS }));
      assert.equal(result.status, 0);
      assert.match(result.stdout, /2 problems \(0 errors, 2 warnings, 0 info, 0 hints\) in 1 file/);
    });

    it('findingsFail, directly', () => {
      const f = (severity: Severity) => ({ severity }) as Finding;
      assert.equal(findingsFail([], 'hint', null), false);
      assert.equal(findingsFail([f('hint')], 'hint', null), true);
      assert.equal(findingsFail([f('hint')], 'info', null), false);
      assert.equal(findingsFail([f('warning'), f('warning')], 'hint', 2), false);
      assert.equal(findingsFail([f('warning'), f('warning'), f('warning')], 'error', 2), true);
      assert.equal(findingsFail([f('info')], 'hint', 10), true, 'max-warnings does not excuse other severities');
    });
  });

  describe('cli: rule selection', () => {
    const TEXT = 'FROM alpine:3.20\nRUN apk update\nRUN apk add curl\nADD app.py /app/\n';

    it('--rule sets a level or turns a rule off, and wins over the default', async () => {
      const cwd = folder({ Dockerfile: TEXT });
      const levels = async (...args: string[]) => json(await run([...ONLY, '-f', 'json', ...args], cwd))[0].findings.map((f) => `${f.ruleId}:${f.severity}`);
      const [defaults, set, twice] = await Promise.all([
        levels(), levels('--rule', 'prefer-copy=error', '--rule', 'user-root=off'), levels('--rule', 'prefer-copy=error', '--rule', 'prefer-copy=info'),
      ]);
      assert.deepEqual(defaults, ['user-root:warning', 'update-without-install:warning', 'prefer-copy:warning']);
      assert.deepEqual(set, ['update-without-install:warning', 'prefer-copy:error']);
      assert.deepEqual(twice, ['user-root:warning', 'update-without-install:warning', 'prefer-copy:info'], 'the last one wins');
    });

    it('--only runs only the listed rules (comma-separated or repeated)', async () => {
      const cwd = folder({ Dockerfile: TEXT });
      const ids = async (...args: string[]) => json(await run(['--no-config', '-f', 'json', ...args], cwd))[0].findings.map((f) => f.ruleId);
      const [one, repeated, withRule] = await Promise.all([
        ids('--only', 'prefer-copy'), ids('--only', 'prefer-copy', '--only', 'user-root'), ids('--only', 'prefer-copy,user-root', '--rule', 'prefer-copy=off'),
      ]);
      assert.deepEqual(one, ['prefer-copy']);
      assert.deepEqual(repeated, ['user-root', 'prefer-copy']);
      assert.deepEqual(withRule, ['user-root']);
    });

    it('unknown rule ids and levels: exit 2 with one line naming them', async () => {
      const cwd = folder({ Dockerfile: TEXT });
      const cases = [
        [['--rule', 'no-such-rule=error'], 'no-such-rule'],
        [['--rule', 'prefer-copy=loud'], 'loud'],
        [['--rule', 'prefer-copy'], 'prefer-copy'],
        [['--only', 'prefer-copy,nope'], 'nope'],
      ] as const;
      const results = await Promise.all(cases.map(([args]) => run([...args], cwd)));
      cases.forEach(([args, subject], i) => {
        const result = results[i];
        assert.equal(result.status, 2, args.join(' '));
        assertOneLineError(result, subject);
        assert.equal(result.stdout, '');
      });
    });

    it('--list-rules --format json: every rule with sections, severity, fixable, equivalents and title', async () => {
      const [result, inSpanish] = await Promise.all([
        run(['--list-rules', '--format', 'json'], folder()), run(['--list-rules', '-f', 'json', '--lang', 'es'], folder()),
      ]);
      assert.equal(result.status, 0);
      const rules = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(rules.map((r) => r.id), RULES.map((r) => r.meta.id));
      const preferCopy = rules.find((r) => r.id === 'prefer-copy')!;
      assert.deepEqual(preferCopy, {
        id: 'prefer-copy', sections: ['3.1.5'], severity: 'warning', fixable: true,
        equivalents: { hadolint: ['DL3020'], trivy: ['DS-0005'], checkov: ['CKV_DOCKER_4'] },
        title: 'Use COPY for local files',
        url: 'https://github.com/UlisesGascon/docker-seguro/blob/main/manuscript/c03.md#315-copy-o-add',
      });
      const spanish = JSON.parse(inSpanish.stdout) as Array<Record<string, unknown>>;
      assert.equal(spanish.find((r) => r.id === 'prefer-copy')!.title, 'Usa COPY para ficheros locales');
    });

    it('--list-rules as a table names every rule; other formats are refused', async () => {
      const [listing, refused] = await Promise.all([run(['--list-rules'], folder()), run(['--list-rules', '-f', 'sarif'], folder())]);
      const table = listing.stdout.split('\n');
      assert.match(table[0], /^rule\s+guide\s+severity\s+fix\s+title$/);
      for (const rule of RULES) assert.ok(table.some((l) => l.startsWith(`${rule.meta.id} `)), rule.meta.id);
      assert.ok(table.some((l) => /^user-root\s+3\.1\.2, 2\.1\.3\s+warning\s+yes\s+The image runs as root$/.test(l)));
      assert.equal(refused.status, 2);
      assertOneLineError(refused, 'sarif');
    });
  });

  describe('cli: standard input, configuration', () => {
    const TEXT = 'FROM alpine:3.20\nADD app.py /app/\nUSER 1000\n';

    it('--stdin lints standard input, named <stdin> or --stdin-filename', async () => {
      const cwd = folder();
      const [plain, namedRun, clean] = await Promise.all([
        run([...ONLY, '--stdin'], cwd, { input: TEXT }),
        run([...ONLY, '--stdin', '--stdin-filename', 'services/api/Dockerfile', '-f', 'json'], cwd, { input: TEXT }),
        run([...ONLY, '--stdin'], cwd, { input: 'FROM scratch\nCOPY a /a\nUSER 1\n' }),
      ]);
      assert.equal(plain.status, 1);
      assert.match(plain.stdout, /^<stdin>:2:1: warning: ADD copies only local files/);
      const named = json(namedRun);
      assert.deepEqual(named.map((e) => e.file), [path.join('services', 'api', 'Dockerfile')]);
      assert.deepEqual(named[0].findings.map((f) => f.ruleId), ['prefer-copy']);
      assert.equal(clean.status, 0);
      assert.equal(clean.stdout, 'No problems found in 1 file\n');
    });

    it('--stdin with paths, or --stdin-filename alone, is a usage error', async () => {
      const cwd = folder({ Dockerfile: TEXT });
      const [withPath, nameOnly] = await Promise.all([run(['--stdin', 'Dockerfile'], cwd, { input: TEXT }), run(['--stdin-filename', 'x'], cwd)]);
      assert.equal(withPath.status, 2);
      assertOneLineError(withPath, 'Dockerfile');
      assert.equal(nameOnly.status, 2);
      assertOneLineError(nameOnly, '--stdin-filename');
    });

    it('--config with --no-config, and --fix with --fix-dry-run: exit 2, one line', async () => {
      const cwd = folder({ Dockerfile: TEXT });
      const [both, fixes] = await Promise.all([run(['--config', 'x.yaml', '--no-config'], cwd), run(['--fix', '--fix-dry-run'], cwd)]);
      assert.equal(both.status, 2);
      assertOneLineError(both, '--config', '--no-config');
      assert.equal(fixes.status, 2);
      assertOneLineError(fixes, '--fix', '--fix-dry-run');
    });

    it('a config file sets levels; --rule wins over it; --no-config ignores it', async () => {
      const cwd = folder({ '.dockerfile-seguro.yaml': 'rules:\n  prefer-copy: error\n', Dockerfile: TEXT });
      const only = ['--only', 'prefer-copy', '-f', 'json'];
      const severity = async (...args: string[]) => json(await run([...only, ...args], cwd))[0].findings.map((f) => f.severity);
      // other.yaml is not a config file name: discovery in the other runs does not see it.
      fs.writeFileSync(path.join(cwd, 'other.yaml'), 'rules:\n  prefer-copy: hint\n');
      const [discovered, rule, none, named] = await Promise.all([
        severity(), severity('--rule', 'prefer-copy=info'), severity('--no-config'), severity('--config', 'other.yaml'),
      ]);
      assert.deepEqual(discovered, ['error']);
      assert.deepEqual(rule, ['info']);
      assert.deepEqual(none, ['warning']);
      assert.deepEqual(named, ['hint']);
    });

    it('the config\'s locale applies unless --lang says otherwise', async () => {
      const cwd = folder({ '.dockerfile-seguro.yaml': 'locale: es\n', Dockerfile: TEXT });
      const [config, option] = await Promise.all([run(['--only', 'prefer-copy'], cwd), run(['--only', 'prefer-copy', '--lang', 'en'], cwd)]);
      assert.match(config.stdout, /Este ADD solo copia ficheros locales/);
      assert.match(option.stdout, /ADD copies only local files/);
    });

    it('ignorePaths skips the Dockerfiles found by walking, not the ones named', async () => {
      const cwd = folder({ '.dockerfile-seguro.yaml': 'ignorePaths:\n  - vendor/**\n', Dockerfile: TEXT, 'vendor/lib/Dockerfile': TEXT });
      const [walked, named] = await Promise.all([
        run(['--only', 'prefer-copy', '-f', 'json'], cwd), run(['--only', 'prefer-copy', '-f', 'json', 'vendor/lib/Dockerfile'], cwd),
      ]);
      assert.deepEqual(json(walked).map((e) => e.file), ['Dockerfile']);
      assert.deepEqual(json(named).map((e) => e.file), [path.join('vendor', 'lib', 'Dockerfile')]);
    });

    it('an invalid config: exit 2, a line per problem naming the file and line, no report', async () => {
      const cwd = folder({ '.dockerfile-seguro.yaml': 'rules:\n  user-root: warn\n', Dockerfile: TEXT });
      const [result, missing] = await Promise.all([run(['-f', 'json'], cwd), run(['--config', 'nope.yaml'], folder())]);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assertOneLineError(result, '.dockerfile-seguro.yaml:2', 'warn');
      assert.equal(missing.status, 2, 'checked even with nothing to lint');
      assertOneLineError(missing, 'nope.yaml');
    });

    it('parseCommand: defaults of the new options', () => {
      const command = parseCommand([], {});
      assert.equal(command.kind, 'lint');
      if (command.kind !== 'lint') return;
      assert.deepEqual({ ...command }, {
        kind: 'lint', format: 'text', locale: null, envLocale: 'en', paths: [], stdin: false, stdinFilename: null, fix: null,
        threshold: 'hint', maxWarnings: null, rules: {}, only: null, configPath: null, noConfig: false,
      });
    });

    it('--help documents the new options with CI, SARIF upload and --fix examples', async () => {
      const help = (await run(['--help'], folder())).stdout;
      for (const text of ['--format', 'sarif', 'github', 'checkstyle', '--fix', '--fix-dry-run', '--severity-threshold', '--max-warnings',
        '--rule', '--only', '--config', '--no-config', '--list-rules', '--stdin', '--stdin-filename', 'upload-sarif', 'Examples:']) {
        assert.ok(help.includes(text), `help lacks ${text}`);
      }
    });
  });

  describe('cli: discovery (.gitignore, globs)', () => {
    const FINDING = 'FROM alpine:3.20\nADD app.py /app/\nUSER 1000\n';
    const files = async (cwd: string, ...args: string[]) => json(await run([...ONLY, '-f', 'json', ...args], cwd)).map((e) => e.file.split(path.sep).join('/'));

    it('honours .gitignore files, nested ones too, with deeper files winning', async () => {
      const cwd = folder({
        '.gitignore': 'dist/\n*.tmp.Dockerfile\nlegacy/\n',
        'Dockerfile': FINDING,
        'dist/Dockerfile': FINDING,
        'a.tmp.Dockerfile': FINDING,
        'legacy/Dockerfile': FINDING,
        'services/.gitignore': 'old/\n!keep.tmp.Dockerfile\n',
        'services/old/Dockerfile': FINDING,
        'services/keep.tmp.Dockerfile': FINDING,
        'services/api/Dockerfile': FINDING,
        'services/api/x.tmp.Dockerfile': FINDING,
      });
      assert.deepEqual(await files(cwd), ['Dockerfile', 'services/api/Dockerfile', 'services/keep.tmp.Dockerfile']);
    });

    it('from a subfolder, the repository root\'s .gitignore still applies; named files are linted anyway', async () => {
      const cwd = folder({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': 'generated/\n', 'app/Dockerfile': FINDING, 'app/generated/Dockerfile': FINDING });
      const [walked, named] = await Promise.all([files(path.join(cwd, 'app')), files(path.join(cwd, 'app'), 'generated/Dockerfile')]);
      assert.deepEqual(walked, ['Dockerfile']);
      assert.deepEqual(named, ['generated/Dockerfile']);
    });

    it('expands quoted globs itself, honouring .gitignore', async () => {
      const cwd = folder({
        '.gitignore': 'services/ignored/\n',
        'Dockerfile': FINDING,
        'services/api/Dockerfile': FINDING,
        'services/web/Dockerfile': FINDING,
        'services/web/README.md': FINDING,
        'services/web/web.Dockerfile': FINDING,
        'services/ignored/Dockerfile': FINDING,
        'node_modules/services/x/Dockerfile': FINDING,
      });
      const [deep, star, names] = await Promise.all([files(cwd, 'services/**/Dockerfile'), files(cwd, 'services/*'), files(cwd, '**/*.Dockerfile')]);
      assert.deepEqual(deep, ['services/api/Dockerfile', 'services/web/Dockerfile']);
      assert.deepEqual(star, ['services/api/Dockerfile', 'services/web/Dockerfile', 'services/web/web.Dockerfile']);
      assert.deepEqual(names, ['services/web/web.Dockerfile']);
    });

    it('a glob that matches nothing: exit 2 naming it; a real path with glob characters is taken literally', async () => {
      const cwd = folder({ '[x]/Dockerfile': FINDING, 'x/Dockerfile': 'FROM scratch\n' });
      const [none, none2, literal] = await Promise.all([
        run([...ONLY, 'nothing/**/Dockerfile'], cwd), run([...ONLY, '**/Containerfile'], cwd), files(cwd, '[x]/Dockerfile'),
      ]);
      assert.equal(none.status, 2);
      assertOneLineError(none, 'nothing/**/Dockerfile');
      assert.equal(none2.status, 2);
      assertOneLineError(none2, '**/Containerfile', 'no Dockerfiles match');
      assert.deepEqual(literal, ['[x]/Dockerfile']);
    });
  });

  describe('--migrate-hadolint', () => {
    it('prints the equivalent config for a .hadolint.yaml, and exits 2 on a missing file', async () => {
      const dir = folder({ '.hadolint.yaml': 'ignored:\n  - DL3008\noverride:\n  error:\n    - DL3020\n' });
      const [ok, missing] = await Promise.all([
        runCliProcess(['--migrate-hadolint'], dir, process.env), runCliProcess(['--migrate-hadolint', 'nope.yaml'], dir, process.env),
      ]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /pin-apt: off/);
      assert.match(ok.stdout, /prefer-copy: error/);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /nope\.yaml/);
      assert.equal(missing.stderr.trim().split('\n').length, 1);
    });
  });
});
