// Seeded fuzzing of the engine (issue 6): mutations of real Dockerfiles (the shared corpus and the rule
// fixtures) and token soups, checked against properties that must hold for ANY text an editor can hold:
//
// - `lint` never throws and no rule crashes (onRuleError records them);
// - every lint call finishes within a per-size budget (50 ms + 2 ms per KB), so no catastrophic regular
//   expression or quadratic scan hides in a rule or in the parsers: time is min(wall, CPU) of a cold call
//   (shell parse caches emptied first), re-measured twice on a miss; a miss names the slowest parts;
// - every finding's range and every fix's edits are inside the document, and a fix's edits never overlap;
// - applying any fix leaves a file dockerfile-ast still parses and the engine still lints without crashes;
// - fix-all is idempotent: fixAll(fixAll(x)) === fixAll(x).
//
// `test/fuzz.test.ts` runs a small fixed-seed budget of this in `npm test` and replays the regression files
// of test/fixtures/fuzz-regressions. `npm run fuzz` is the long run:
//
//   npm run fuzz -- [--runs 100000] [--seed N] [--max-long 1100000] [--out fuzz-findings] [--time-scale 1]
//                   [--max-failures 50 (distinct)] [--hang-seconds 60] [--strict] [--jobs 1]
//
// It prints the seed first; every distinct violation is printed and its case (recipe + text) written to
// --out, so it can be turned into a regression file (see test/fixtures/fuzz-regressions/README.md). Cases
// run in a worker thread: one that takes longer than --hang-seconds (default 60, more for big inputs) is
// reported as a hang and the worker replaced; the case being checked is always in --out/current.json.
// --jobs N checks N cases at a time, one worker thread each (the same cases as with one: case numbers do not
// change); each worker's current case is then in --out/current-<worker>.json. On a machine with N free CPUs,
// N times the cases per second, but the time budgets need a CPU per worker: more jobs than free CPUs make cases
// wait for one and miss their budget.
// Known issues (the `known` regression files) are skipped unless --strict.
import * as fs from 'fs';
import * as path from 'path';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import * as fc from 'fast-check';
import { DockerfileParser } from 'dockerfile-ast';
import { loadEngine, processCpuMs, threadCpuMs } from '../server/loadEngine';
import * as dockerfileModule from '../shared/dockerfile';
import { fixAll, lint } from '../shared/engine';
import { RULES } from '../shared/rules';
import * as shellParser from '../shared/shell/parser';
import { LineIndex, applyEdits, comparePositions, rangesOverlap } from '../shared/textDocument';
import type { Finding, Range, TextEdit } from '../shared/types';

// ---------------------------------------------------------------------------------------------------------
// Seeds: the corpus of real Dockerfiles and the rule fixtures.

export function findRoot(): string {
  const candidates = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..'), process.cwd()];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'test', 'fixtures'))) ?? process.cwd();
}

/** Corpus files then rule fixtures, sorted, so that an index means the same file on every machine with the same tree. */
export function loadSeeds(root = findRoot()): { names: string[]; texts: string[] } {
  const names: string[] = [];
  const texts: string[] = [];
  const corpus = process.env.DOCKERFILE_SEGURO_CORPUS ?? path.resolve(root, '..', 'shared', 'corpus', 'files');
  if (fs.existsSync(corpus)) {
    for (const name of fs.readdirSync(corpus).sort()) {
      const file = path.join(corpus, name);
      if (!fs.statSync(file).isFile()) continue;
      names.push(`corpus/${name}`);
      texts.push(fs.readFileSync(file, 'utf8'));
    }
  }
  const rules = path.join(root, 'test', 'fixtures', 'rules');
  if (fs.existsSync(rules)) {
    for (const dir of fs.readdirSync(rules).sort()) {
      const folder = path.join(rules, dir);
      if (!fs.statSync(folder).isDirectory()) continue;
      for (const name of fs.readdirSync(folder).sort()) {
        if (!name.endsWith('.Dockerfile')) continue;
        names.push(`fixtures/${dir}/${name}`);
        texts.push(fs.readFileSync(path.join(folder, name), 'utf8'));
      }
    }
  }
  if (!texts.length) {
    names.push('builtin');
    texts.push('FROM alpine:3.20\nRUN apk add curl && curl -fsSL https://example.com/x | sh\nADD app.py /app/\nUSER root\n');
  }
  return { names, texts };
}

// ---------------------------------------------------------------------------------------------------------
// Recipes: a case is data (a base text + mutations), so a failure prints something short and shrinkable.

/** Tokens the soup generator and the long-line generator draw from: what rules look for, and what breaks parsers. */
export const TOKENS = [
  'FROM', 'RUN', 'ADD', 'COPY', 'ENV', 'ARG', 'USER', 'LABEL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'WORKDIR',
  'EXPOSE', 'ONBUILD', 'SHELL', 'STOPSIGNAL', 'VOLUME', 'MAINTAINER', 'AS', 'NONE', '--from=build', '--chown=1:1',
  '--mount=type=secret,id=t', '--mount=type=ssh', '--chmod=777', '--platform=$BUILDPLATFORM', '--interval=5s',
  'alpine', 'alpine:3.20', 'ubuntu:latest', 'node@sha256:' + 'a'.repeat(64), 'scratch', 'build', '$BASE', '${BASE:-alpine}',
  'apt-get', 'update', 'install', '-y', '--no-install-recommends', 'curl=7.1', 'apk', 'add', '--no-cache', 'pip',
  'npm', 'ci', 'gem', 'go', 'yum', 'dnf', 'rpm', 'sudo', 'chmod', '777', 'upgrade', 'dist-upgrade', 'wget', '-O-',
  'curl', '-fsSL', '-k', '--insecure', 'sh', 'bash', '|', '&&', '||', ';', '&', '>', '2>&1', '(', ')', '{', '}',
  'if', 'then', 'fi', '$(', '`', '"', "'", '\\', '\\\n', '\n', ' ', '\t', '#', '# dockerfile-seguro-ignore',
  '# dockerfile-seguro-ignore prefer-copy', '# syntax=docker/dockerfile:1', '# escape=`', '=',
  'https://user:pass@example.com/x', 'http://example.com/a.tar.gz', 'https://x.io/i?token=abc', 'git@github.com:o/r',
  'ghp_' + 'A'.repeat(36), 'PASSWORD=hunter2', 'AWS_SECRET_ACCESS_KEY=x', 'id_rsa', '.env', '/root/.ssh',
  'app.tar.gz', '/app/', '.', '*', 'root', '0', '1000:1000', 'org.opencontainers.image.source=x', '<<EOF', 'EOF',
  '<<-EOT', "<<'X'", '["sh","-c","x"]', '[', ']', ',', 'ü', '中文', '𝒳', '\u0000', '\uFEFF', '\u2028', '\r',
  'constructor', '__proto__', 'toString',
];

/** Fragments repeated into very long lines: shapes that make backtracking regular expressions blow up. */
export const FRAGMENTS = [
  'a', 'a.', 'a-', 'a+', '1', '1.', 'a1', ' ', 'a ', '\t', ':', '/', '//', '@', 'a:', 'a@', ':/', 'h://', 'h://a:b',
  'https://', 'x:y@', '?', '?token=', '&a=', 'a=', 'a=b ', '$', '${', '${a', '$a', '"', "'", '`', '\\', '\\\\', '&&',
  '| ', ';', '%', '-', '--', '-a ', '--a=', 'ghp_', 'glpat-', 'sha256:', 'a,', '.tar', '.gz', '*', '**/', 'apt-get ',
  'install ', 'curl ', 'http://x ', 'x=1 ', '<', '>', 'é', '中', '𝒳', '#', 'ARG ', 'RUN ', 'a b',
];

/** Prefixes for long lines: where in an instruction the long text lands. */
export const PREFIXES = [
  '', 'RUN ', 'RUN echo ', 'RUN curl https://', 'RUN echo "', 'ENV A=', 'ARG A=', 'LABEL a=', 'COPY ', 'ADD ',
  'FROM ', 'CMD ', 'CMD ["', 'HEALTHCHECK CMD ', '# ', 'USER ', 'EXPOSE ', 'WORKDIR ', 'SHELL ["', 'ONBUILD RUN ',
  'RUN --mount=', 'COPY --from=', 'FROM alpine AS ', '# dockerfile-seguro-ignore ',
];

/** Text inserted at arbitrary places: control characters, line separators, non-ASCII, directives. */
export const SNIPPETS = [
  '\u0000', '\u0000\u0000\u0000', '\uFEFF', '\r', '\r\n', '\n', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c',
  '\t', '\u00a0', 'é', 'ñ', 'ü', '中文', '日本語', '𝒳𝒴', '🐳', '\u200d', '\u200b', 'e\u0301', '\u202e', 'ﬁ', 'İ', 'ß',
  '\ud800', '\udc00', '\\', '\\\n', '`', '`\n', '"', "'", '#', '# escape=`\n', '# escape=\\\n', '# syntax=x\n',
  '# dockerfile-seguro-ignore\n', '# dockerfile-seguro-ignore-file all\n', '# dockerfile-seguro-ignore-stage x\n',
  '${', '$(', '<<EOF', 'FROM ', '\nFROM scratch\n', '\nFROM alpine AS a\nFROM a\n', 'AS', ' && ', ' | sh', '\nUSER root\n',
  '\nARG X\n', '\nONBUILD ONBUILD RUN x\n', '\nHEALTHCHECK NONE\n', '\nCOPY --from=0 / /\n', '\nSHELL ["pwsh"]\n',
];

const HEREDOCS = [
  'RUN <<EOF\n', 'RUN <<-EOT bash\n\techo', "COPY <<'X' /x\n", 'RUN cat <<A <<B\n', 'RUN <<"EOF" sh -c\necho hi',
  'RUN <<EOF\nRUN <<EOF\n', 'RUN <<EOF\napt-get install -y curl\n', 'COPY <<EOF <<EOF2 /dst/\n', 'RUN <<', 'RUN <<EOF cat > /f\n${',
  'RUN python3 <<PY\nimport os\n', 'ADD <<A /a\n',
];

const CONTINUATIONS = ['\\\n', '  \\\n', 'a \\\n', '# c\n', '\\\r\n', ' \\ \n', '`\n', 'curl http://x \\\n', '\\\n\n', '&& \\\n'];

export type Base = { kind: 'file'; index: number } | { kind: 'soup'; lines: number[][] } | { kind: 'empty' };

export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'cut'; at: number }
  | { op: 'bytes'; at: number; bytes: number[] }
  | { op: 'units'; at: number; units: number[] }
  | { op: 'quote'; at: number; quote: number }
  | { op: 'heredoc'; at: number; variant: number }
  | { op: 'continuations'; at: number; count: number; variant: number; keyword: boolean }
  | { op: 'long'; at: number; size: number; fragment: number; prefix: number; raw: boolean }
  | { op: 'snippet'; at: number; snippet: number }
  | { op: 'bom' }
  | { op: 'eol'; mode: 'cr' | 'crlf' | 'lf' | 'mixed'; salt: number }
  | { op: 'splice'; from: number; at: number; start: number; count: number };

export interface Recipe {
  base: Base;
  mutations: Mutation[];
}

/** Lines with their terminators. */
function linesOf(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

const pick = <T>(list: readonly T[], i: number): T => list[((i % list.length) + list.length) % list.length];
const at = (i: number, n: number) => (n <= 0 ? 0 : i % (n + 1));
const insert = (text: string, i: number, piece: string) => {
  const p = at(i, text.length);
  return text.slice(0, p) + piece + text.slice(p);
};
const insertLine = (text: string, i: number, piece: string) => {
  const lines = linesOf(text);
  const p = at(i, lines.length);
  if (p > 0 && !/[\r\n]$/.test(lines[p - 1])) lines[p - 1] += '\n';
  lines.splice(p, 0, piece.endsWith('\n') ? piece : `${piece}\n`);
  return lines.join('');
};

function repeatTo(fragment: string, size: number): string {
  return fragment.repeat(Math.ceil(size / fragment.length)).slice(0, size);
}

export function applyMutation(text: string, m: Mutation, seeds: readonly string[]): string {
  switch (m.op) {
    case 'delete': {
      const lines = linesOf(text);
      if (!lines.length) return text;
      lines.splice(m.at % lines.length, 1);
      return lines.join('');
    }
    case 'duplicate': {
      const lines = linesOf(text);
      if (!lines.length) return text;
      const i = m.at % lines.length;
      const line = /[\r\n]$/.test(lines[i]) ? lines[i] : `${lines[i]}\n`;
      lines.splice(i, 0, line);
      return lines.join('');
    }
    case 'swap': {
      const lines = linesOf(text);
      if (lines.length < 2) return text;
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('');
    }
    case 'cut':
      return text.slice(0, at(m.at, text.length));
    case 'bytes':
      // Random bytes read from disk as UTF-8 (invalid sequences become U+FFFD, as the CLI would read them).
      return insert(text, m.at, Buffer.from(m.bytes).toString('utf8'));
    case 'units':
      // Raw UTF-16 code units, lone surrogates included: what an editor buffer may hold.
      return insert(text, m.at, String.fromCharCode(...m.units));
    case 'quote':
      return insert(text, m.at, pick(['"', "'", '`', '"\'', '$(', '${', '[', '["'], m.quote));
    case 'heredoc':
      return insertLine(text, m.at, pick(HEREDOCS, m.variant));
    case 'continuations': {
      const body = pick(CONTINUATIONS, m.variant).repeat(m.count);
      return m.keyword ? insertLine(text, m.at, `RUN echo ${body}x`) : insert(text, m.at, body);
    }
    case 'long': {
      const body = repeatTo(pick(FRAGMENTS, m.fragment), m.size);
      return m.raw ? insert(text, m.at, body) : insertLine(text, m.at, pick(PREFIXES, m.prefix) + body);
    }
    case 'snippet':
      return insert(text, m.at, pick(SNIPPETS, m.snippet));
    case 'bom':
      return `\uFEFF${text}`;
    case 'eol': {
      if (m.mode === 'mixed') {
        let k = m.salt;
        return text.replace(/\r\n|\r|\n/g, () => pick(['\n', '\r\n', '\r'], (k = (k * 1103515245 + 12345) & 0x7fffffff) >> 8));
      }
      return text.replace(/\r\n|\r|\n/g, { cr: '\r', crlf: '\r\n', lf: '\n' }[m.mode]);
    }
    case 'splice': {
      const source = linesOf(pick(seeds, m.from));
      if (!source.length) return text;
      const start = m.start % source.length;
      const piece = source.slice(start, start + m.count).join('');
      return insertLine(text, m.at, piece.replace(/(?:\r\n|\r|\n)$/, ''));
    }
  }
}

export function materialize(recipe: Recipe, seeds: readonly string[]): string {
  let text: string;
  switch (recipe.base.kind) {
    case 'file':
      text = pick(seeds, recipe.base.index);
      break;
    case 'soup':
      text = recipe.base.lines.map((line) => line.map((t) => pick(TOKENS, t)).join(' ')).join('\n');
      break;
    default:
      text = '';
  }
  for (const m of recipe.mutations) text = applyMutation(text, m, seeds);
  return text;
}

export interface Limits {
  /** Largest long line. */
  maxLong: number;
  /** Most line continuations in one mutation. */
  maxContinuations: number;
  /** Most mutations per case. */
  maxMutations: number;
}

export const TEST_LIMITS: Limits = { maxLong: 40_000, maxContinuations: 2_000, maxMutations: 6 };
export const RUNNER_LIMITS: Limits = { maxLong: 1_100_000, maxContinuations: 10_000, maxMutations: 10 };

export function recipeArbitrary(seedCount: number, limits: Limits): fc.Arbitrary<Recipe> {
  const pos = fc.nat({ max: 0x7fffffff });
  const small = fc.nat({ max: 1000 });
  // Mostly modest sizes, sometimes the maximum: big inputs are slow to lint, so they are rarer.
  const size = fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 2_000 }), weight: 6 },
    { arbitrary: fc.integer({ min: 2_000, max: Math.max(2_000, Math.floor(limits.maxLong / 4)) }), weight: 3 },
    { arbitrary: fc.integer({ min: Math.floor(limits.maxLong / 4), max: limits.maxLong }), weight: 1 },
  );
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('delete' as const), at: pos }), weight: 4 },
    { arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: pos }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('swap' as const), a: pos, b: pos }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('cut' as const), at: pos }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('bytes' as const), at: pos, bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 24 }) }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('units' as const), at: pos, units: fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 8 }) }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('quote' as const), at: pos, quote: small }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('heredoc' as const), at: pos, variant: small }), weight: 3 },
    {
      arbitrary: fc.record({
        op: fc.constant('continuations' as const), at: pos, variant: small, keyword: fc.boolean(),
        count: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: limits.maxContinuations })),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ op: fc.constant('long' as const), at: pos, size, fragment: small, prefix: small, raw: fc.boolean() }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('snippet' as const), at: pos, snippet: small }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('bom' as const) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('eol' as const), mode: fc.constantFrom('cr' as const, 'crlf' as const, 'lf' as const, 'mixed' as const), salt: pos }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('splice' as const), from: pos, at: pos, start: pos, count: fc.integer({ min: 1, max: 12 }) }), weight: 3 },
  );
  const base: fc.Arbitrary<Base> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('file' as const), index: fc.nat({ max: Math.max(0, seedCount - 1) }) }), weight: 8 },
    {
      arbitrary: fc.record({
        kind: fc.constant('soup' as const),
        lines: fc.array(fc.array(fc.nat({ max: TOKENS.length - 1 }), { maxLength: 10 }), { minLength: 1, maxLength: 20 }),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('empty' as const) }), weight: 1 },
  );
  return fc.record({ base, mutations: fc.array(mutation, { minLength: 0, maxLength: limits.maxMutations }) });
}

// ---------------------------------------------------------------------------------------------------------
// Properties.

export interface Violation {
  property: 'throws' | 'rule-crash' | 'slow' | 'range' | 'overlap' | 'fix-breaks-parse' | 'fix-breaks-lint' | 'fix-all-throws' | 'fix-all-not-idempotent';
  detail: string;
}

export interface CheckOptions {
  /** Multiplies the time budget (FUZZ_TIME_SCALE); 0 turns timing checks off. */
  timeScale?: number;
  /** At most this many fixes are applied one by one (each costs a lint). */
  maxFixes?: number;
  /** Also run fix-all twice. */
  fixAll?: boolean;
  /** Cold re-measurements of a lint over its budget before it counts as slow (default 2). */
  retries?: number;
}

/** 50 ms plus 2 ms per KB (UTF-16 code units / 1024) for one lint call. */
export function budgetMs(text: string, scale = 1): number {
  return (50 + (2 * text.length) / 1024) * scale;
}

export interface Timed {
  findings: Finding[] | null;
  errors: string[];
  thrown: string | null;
  ms: number;
}

/**
 * Empties the shell parse caches, so that a timed lint pays for every parse as on a first open (a re-measure
 * would otherwise hit the cache and hide a slow parse). Optional: older trees have no such functions.
 */
export function clearCaches(): void {
  (shellParser as { clearParseCache?: () => void }).clearParseCache?.();
  (dockerfileModule as { clearRunShellCache?: () => void }).clearRunShellCache?.();
}

/** This thread's CPU time where the system tells it, else the process's (which V8's helper threads add to). */
const cpuMs = (): number => threadCpuMs() ?? processCpuMs();

/**
 * One cold lint call, timed as min(wall, CPU): CPU time ignores other processes competing for the machine,
 * wall time ignores GC helper threads; a catastrophic regular expression shows in both.
 */
export function timedLint(text: string): Timed {
  clearCaches();
  const errors: string[] = [];
  let findings: Finding[] | null = null;
  let thrown: string | null = null;
  const wall = performance.now();
  const cpu = cpuMs();
  try {
    findings = lint(text, { onRuleError: (id, error) => errors.push(`${id}: ${describe(error)}`) });
  } catch (error) {
    thrown = describe(error);
  }
  const ms = Math.min(performance.now() - wall, cpuMs() - cpu);
  return { findings, errors, thrown, ms };
}

/** Where the time of a lint goes (cold): model, shell parsing of every RUN, then each rule; slowest first. */
export function breakdown(text: string): Array<[string, number]> {
  clearCaches();
  const parts: Array<[string, number]> = [];
  const time = (name: string, fn: () => void) => {
    const start = performance.now();
    try {
      fn();
    } catch {
      // crashes are reported by the lint itself
    }
    parts.push([name, performance.now() - start]);
  };
  let model: dockerfileModule.DockerfileModel | null = null;
  time('model', () => { model = new dockerfileModule.DockerfileModel(text); });
  if (!model) return parts;
  const m: dockerfileModule.DockerfileModel = model;
  time('shell-parse', () => { for (const i of m.instructions) if (i.getKeyword() === 'RUN') m.shellOf(i); });
  for (const rule of RULES) time(rule.meta.id, () => rule.check({ model: m, options: {}, report: () => undefined }));
  return parts.sort((a, b) => b[1] - a[1]);
}

/** `slowest: a N ms, b N ms, c N ms` from a breakdown. */
export function slowestParts(text: string): string {
  return `slowest: ${breakdown(text).slice(0, 3).map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`;
}

/** Lines longer than `max` characters cut to `max`: a smaller version of a case, to see how its time grows. */
export function cutLongLines(text: string, max: number): string {
  return text.replace(/[^\r\n]+/g, (line) => (line.length > max ? line.slice(0, max) : line));
}

/** How the time grows when the long lines are four times longer (linear: about x4; quadratic: about x16). */
function growth(text: string, ms: number): string {
  let longest = 0;
  for (const line of text.split(/\r\n|\r|\n/)) longest = Math.max(longest, line.length);
  if (longest < 4_000) return '';
  const smaller = cutLongLines(text, Math.floor(longest / 4));
  const base = timedLint(smaller).ms;
  return `; x${(ms / Math.max(base, 0.1)).toFixed(1)} time for x${(text.length / smaller.length).toFixed(1)} size`;
}

function describe(error: unknown): string {
  const stack = String((error as Error)?.stack ?? error);
  return stack.split('\n').slice(0, 4).join(' | ');
}

/** Rule crashes grouped by error (a model-level bug crashes every rule that reads the model the same way). */
function crashes(errors: string[]): Violation[] {
  const byError = new Map<string, string[]>();
  for (const e of errors) {
    const colon = e.indexOf(': ');
    const error = e.slice(colon + 2);
    byError.set(error, [...(byError.get(error) ?? []), e.slice(0, colon)]);
  }
  return [...byError].map(([error, rules]) => ({ property: 'rule-crash' as const, detail: `${rules.join(', ')}: ${error}` }));
}

function inDocument(index: LineIndex, range: Range): string | null {
  const { start, end } = range;
  for (const p of [start, end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `bad position ${JSON.stringify(p)}`;
    if (p.line >= index.lineCount) return `line ${p.line} >= ${index.lineCount} lines`;
    const length = index.lineEnd(p.line) - index.lineStarts[p.line];
    if (p.character > length) return `character ${p.character} past the end of line ${p.line} (${length})`;
  }
  if (comparePositions(start, end) > 0) return `start after end ${JSON.stringify(range)}`;
  return null;
}

const short = (range: Range) => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

export function checkText(text: string, options: CheckOptions = {}): { violations: Violation[]; ms: number; findings: number } {
  const scale = options.timeScale ?? 1;
  const violations: Violation[] = [];
  let first = timedLint(text);
  if (scale > 0 && first.ms > budgetMs(text, scale)) {
    // A miss may be noise (GC, a busy machine): re-measure twice and keep the best.
    for (let i = 0; i < (options.retries ?? 2) && first.ms > budgetMs(text, scale); i++) {
      const again = timedLint(text);
      if (again.ms < first.ms) first = { ...first, ms: again.ms };
    }
    if (first.ms > budgetMs(text, scale)) {
      violations.push({ property: 'slow', detail: `${slowestParts(text)}; lint took ${first.ms.toFixed(0)} ms > budget ${budgetMs(text, scale).toFixed(0)} ms for ${text.length} chars${growth(text, first.ms)}` });
    }
  }
  if (first.thrown) violations.push({ property: 'throws', detail: first.thrown });
  violations.push(...crashes(first.errors));
  const findings = first.findings ?? [];
  const index = new LineIndex(text);
  for (const f of findings) {
    const bad = inDocument(index, f.range);
    if (bad) violations.push({ property: 'range', detail: `${f.ruleId} finding ${short(f.range)}: ${bad}` });
    for (const fix of f.fixes) {
      fix.edits.forEach((e: TextEdit, i) => {
        const wrong = inDocument(index, e.range);
        if (wrong) violations.push({ property: 'range', detail: `${f.ruleId} fix "${fix.title}" edit ${short(e.range)}: ${wrong}` });
        for (const other of fix.edits.slice(i + 1)) {
          if (rangesOverlap(e.range, other.range)) violations.push({ property: 'overlap', detail: `${f.ruleId} fix "${fix.title}": ${short(e.range)} overlaps ${short(other.range)}` });
        }
      });
    }
  }
  // Each fix on its own: the result must still parse and lint cleanly.
  const fixes = findings.flatMap((f) => f.fixes.map((fix) => ({ ruleId: f.ruleId, fix })));
  const maxFixes = options.maxFixes ?? 10;
  // Spread the sample over the list (and so over rules) instead of taking the first ones.
  const step = Math.max(1, Math.ceil(fixes.length / maxFixes));
  for (let i = 0; i < fixes.length; i += step) {
    const { ruleId, fix } = fixes[i];
    if (violations.some((v) => v.property === 'range' || v.property === 'overlap')) break;
    let after: string;
    try {
      after = applyEdits(text, fix.edits);
    } catch (error) {
      violations.push({ property: 'overlap', detail: `${ruleId} fix "${fix.title}": ${describe(error)}` });
      continue;
    }
    try {
      DockerfileParser.parse(after);
    } catch (error) {
      violations.push({ property: 'fix-breaks-parse', detail: `${ruleId} fix "${fix.title}": ${describe(error)}` });
      continue;
    }
    const relint = timedLint(after);
    if (relint.thrown || relint.errors.length) {
      violations.push({ property: 'fix-breaks-lint', detail: `${ruleId} fix "${fix.title}": ${relint.thrown ?? crashes(relint.errors).map((c) => c.detail).join('; ')}` });
    }
  }
  if (options.fixAll !== false && !violations.length) {
    try {
      const once = fixAll(text, { onRuleError: (id, error) => { throw new Error(`rule ${id} crashed during fix-all: ${describe(error)}`); } }).text;
      const twice = fixAll(once).text;
      if (twice !== once) {
        // The rules whose quick fixes the second fix-all applied again.
        const again = [...new Set(lint(once).filter((f) => f.fixes.some((x) => x.kind === 'quickfix' && !x.files?.length)).map((f) => f.ruleId))];
        let p = 0;
        while (p < once.length && once[p] === twice[p]) p++;
        violations.push({ property: 'fix-all-not-idempotent', detail: `rules still fixing: ${again.join(', ')}; second fix-all changed the text at offset ${p}: ${JSON.stringify(once.slice(Math.max(0, p - 40), p + 40))} -> ${JSON.stringify(twice.slice(Math.max(0, p - 40), p + 40))}` });
      }
    } catch (error) {
      violations.push({ property: 'fix-all-throws', detail: describe(error) });
    }
  }
  return { violations, ms: first.ms, findings: findings.length };
}

/**
 * How much slower than the budgets assume this machine is right now: cold lints of real Dockerfiles should
 * take at most half of their budget; when they take more (a slow or busy machine), budgets are scaled up so
 * that only what is out of proportion (a catastrophic regular expression, a quadratic parse) fails.
 */
export function calibrate(seeds: readonly string[], count = 8): number {
  const sample = seeds.filter((t) => t.length > 2_000 && t.length < 30_000);
  const step = Math.max(1, Math.floor(sample.length / count));
  const ratios: number[] = [];
  for (let i = 0; i < sample.length && ratios.length < count; i += step) {
    const ms = Math.min(timedLint(sample[i]).ms, timedLint(sample[i]).ms);
    ratios.push(ms / budgetMs(sample[i]));
  }
  ratios.sort((a, b) => a - b);
  const median = ratios.length ? ratios[Math.floor(ratios.length / 2)] : 0;
  return Math.max(1, median / 0.5);
}

/** Lints a few seeds so that JIT compilation does not count against the first budgets. */
export function warmUp(seeds: readonly string[], count = 40): void {
  const step = Math.max(1, Math.floor(seeds.length / count));
  for (let i = 0; i < seeds.length; i += step) lint(seeds[i], {});
}

// ---------------------------------------------------------------------------------------------------------
// Regression files (test/fixtures/fuzz-regressions).

/** A problem found by fuzzing that is not fixed yet (in a file the fuzzing work may not change). */
export interface KnownIssue {
  /** The violation kind(s) the issue shows as. */
  property: Violation['property'] | Array<Violation['property']>;
  /** Regular expression matched against the violation's detail. */
  match: string;
  reason: string;
}

export interface Regression {
  name: string;
  text: string;
  description: string;
  known?: KnownIssue;
}

export function isKnown(violation: Violation, known: readonly KnownIssue[]): boolean {
  return known.some((k) => [k.property].flat().includes(violation.property) && new RegExp(k.match).test(violation.detail));
}

/**
 * `*.Dockerfile`: the text as is. `*.json`: `{ "description": "...", "parts": [ "literal" | { "repeat": "..",
 * "times": N } ], "known"?: KnownIssue }`, for inputs too big to commit or not representable in UTF-8 (lone
 * surrogates). A `known` issue is replayed as a TODO test and does not fail random cases; remove the field
 * once the problem is fixed.
 */
export function loadRegressions(dir: string): Regression[] {
  if (!fs.existsSync(dir)) return [];
  const out: Regression[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (name.endsWith('.Dockerfile')) {
      const text = fs.readFileSync(file, 'utf8');
      out.push({ name, text, description: text.match(/^# fuzz: (.*)$/m)?.[1] ?? name });
    } else if (name.endsWith('.json')) {
      const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as { description: string; known?: KnownIssue; parts: Array<string | { repeat: string; times: number }> };
      const text = spec.parts.map((p) => (typeof p === 'string' ? p : p.repeat.repeat(p.times))).join('');
      out.push({ name, text, description: spec.description, ...(spec.known ? { known: spec.known } : {}) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The long run.

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/**
 * Checks cases in a worker thread, so that a hang (a lint that never ends) is a finding, not a stalled run:
 * past its deadline the worker is terminated (V8 interrupts JavaScript and WebAssembly alike) and replaced.
 */
class CaseRunner {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly timeScale: number, private readonly maxFixes: number) {}

  private start(): Promise<void> {
    const worker = new Worker(__filename, { workerData: { fuzzWorker: true } });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', ({ machine }: { machine: number }) => {
        worker.off('error', reject);
        console.log(`fuzz: worker ready, machine calibration x${machine.toFixed(2)} on the time budgets`);
        resolve();
      });
      worker.once('error', reject);
    });
    return this.ready;
  }

  /**
   * What is slow in a case that hung: the breakdown of a smaller version of it (long lines cut until it
   * finishes in time), so that a hang can be told apart (and matched against the known issues).
   */
  async attribute(text: string): Promise<string> {
    for (const max of [20_000, 5_000, 1_000]) {
      const smaller = cutLongLines(text, max);
      const result = await this.send({ breakdownOf: smaller }, 60_000);
      if (result) return `${(result as { slowest: string }).slowest} (long lines cut to ${max} chars)`;
    }
    return 'slowest: unknown';
  }

  /** Sends one message to the worker; null when it did not answer in time (the worker is then replaced). */
  private async send(message: unknown, deadlineMs: number): Promise<unknown | null> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker!;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        clearTimeout(timer);
        this.worker = null;
        reject(error);
      };
      const timer = setTimeout(() => {
        worker.removeAllListeners('message');
        worker.off('error', onError);
        void worker.terminate();
        this.worker = null;
        resolve(null);
      }, deadlineMs);
      worker.once('message', (result: unknown) => {
        clearTimeout(timer);
        worker.off('error', onError);
        resolve(result);
      });
      worker.once('error', onError);
      worker.postMessage(message);
    });
  }

  async check(text: string, deadlineMs: number): Promise<{ violations: Violation[]; ms: number }> {
    const result = await this.send({ text, timeScale: this.timeScale, maxFixes: this.maxFixes }, deadlineMs);
    if (result) return result as { violations: Violation[]; ms: number };
    const where = await this.attribute(text);
    return { violations: [{ property: 'slow', detail: `hang: no answer after ${(deadlineMs / 1000).toFixed(0)} s for ${text.length} chars (worker terminated); ${where}` }], ms: deadlineMs };
  }

  stop(): void {
    void this.worker?.terminate();
  }
}

async function workerMain(): Promise<void> {
  await loadEngine();
  const seeds = loadSeeds().texts;
  warmUp(seeds);
  const machine = calibrate(seeds);
  parentPort!.on('message', (message: { text: string; timeScale: number; maxFixes: number } | { breakdownOf: string }) => {
    if ('breakdownOf' in message) {
      parentPort!.postMessage({ slowest: slowestParts(message.breakdownOf) });
      return;
    }
    const { violations, ms } = checkText(message.text, { timeScale: message.timeScale * machine, maxFixes: message.maxFixes });
    parentPort!.postMessage({ violations, ms });
  });
  parentPort!.postMessage({ machine });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(argValue(args, '--runs') ?? 100_000);
  const seed = Number(argValue(args, '--seed') ?? (Date.now() ^ (process.pid << 16)) >>> 0);
  const maxLong = Number(argValue(args, '--max-long') ?? RUNNER_LIMITS.maxLong);
  const timeScale = Number(argValue(args, '--time-scale') ?? process.env.FUZZ_TIME_SCALE ?? 1);
  const outDir = path.resolve(argValue(args, '--out') ?? 'fuzz-findings');
  const stopAfter = Number(argValue(args, '--max-failures') ?? 50);
  const hangSeconds = Number(argValue(args, '--hang-seconds') ?? 60);
  const jobs = Number(argValue(args, '--jobs') ?? 1);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new Error(`--jobs must be a whole number from 1 to 64, not ${argValue(args, '--jobs')}`);
  console.log(`fuzz: seed ${seed}, ${runs} cases, long lines up to ${maxLong} chars, time scale ${timeScale}, ${jobs} worker${jobs === 1 ? '' : 's'}`);
  console.log(`replay: npm run fuzz -- --seed ${seed} --runs ${runs}${maxLong !== RUNNER_LIMITS.maxLong ? ` --max-long ${maxLong}` : ''}`);

  const seeds = loadSeeds();
  console.log(`fuzz: ${seeds.texts.length} seed files`);
  const limits = { ...RUNNER_LIMITS, maxLong };
  // The same cases in the same order as one fc.check run with this seed (fast-check's sample and check draw
  // from one stream), whatever --jobs is: a case number means the same case with 1 or 2 workers.
  const recipes = fc.sample(recipeArbitrary(seeds.texts.length, limits), { seed, numRuns: runs });
  const runners = Array.from({ length: jobs }, () => new CaseRunner(timeScale, 20));
  let failures = 0;
  let done = 0;
  let next = 0;
  let slowest = { ms: 0, chars: 0, ratio: 0 };
  const started = Date.now();
  const seen = new Set<string>();
  const known = loadRegressions(path.join(findRoot(), 'test', 'fixtures', 'fuzz-regressions')).flatMap((r) => (r.known ? [r.known] : []));
  const strict = args.includes('--strict');
  if (known.length) console.log(`fuzz: ${known.length} known issues ${strict ? 'count as failures (--strict)' : 'are skipped (--strict to count them)'}`);
  fs.mkdirSync(outDir, { recursive: true });
  /** Where worker `j` writes the case it is checking (current.json with one worker). */
  const currentFile = (j: number) => path.join(outDir, jobs === 1 ? 'current.json' : `current-${j + 1}.json`);

  const checkCase = async (runner: CaseRunner, j: number, index: number): Promise<void> => {
    const recipe = recipes[index];
    const number = index + 1;
    fs.writeFileSync(currentFile(j), JSON.stringify({ seed, case: number, recipe }));
    const text = materialize(recipe, seeds.texts);
    // A lint gets 20 budgets per lint of the case (fixes and fix-all included), and at least --hang-seconds.
    const deadline = Math.max(hangSeconds * 1000, 20 * 30 * budgetMs(text, Math.max(timeScale, 1)));
    const all = await runner.check(text, deadline);
    const { ms } = all;
    const violations = strict ? all.violations : all.violations.filter((v) => !isKnown(v, known));
    const ratio = ms / budgetMs(text);
    if (ratio > slowest.ratio) slowest = { ms, chars: text.length, ratio };
    done++;
    if (done % 500 === 0) {
      const rate = done / ((Date.now() - started) / 1000);
      console.log(`fuzz: ${done}/${runs} cases, ${failures} failing, ${rate.toFixed(1)}/s, slowest ${slowest.ms.toFixed(0)} ms for ${slowest.chars} chars (${(slowest.ratio * 100).toFixed(0)}% of budget)`);
    }
    if (!violations.length) return;
    failures++;
    // One report per distinct problem (property + first line of the detail, numbers blurred).
    const key = violations.map((v) => `${v.property}:${v.detail.split(' | ')[0].replace(/\d+/g, 'N')}`).join('\n');
    if (seen.has(key)) return;
    seen.add(key);
    const file = path.join(outDir, `case-${seed}-${number}.json`);
    fs.writeFileSync(file, JSON.stringify({ seed, case: number, recipe, violations, text }, null, 1));
    console.log(`FAIL #${failures} (case ${number}, ${text.length} chars) -> ${file}`);
    for (const v of violations) console.log(`  ${v.property}: ${v.detail.slice(0, 1000)}`);
    console.log(`  recipe: ${JSON.stringify(recipe).slice(0, 400)}`);
  };

  // Each worker takes the next unchecked case until none is left (or too many distinct problems were seen):
  // one run surfaces every distinct problem, not just the first.
  const work = async (runner: CaseRunner, j: number): Promise<void> => {
    while (next < recipes.length && seen.size < stopAfter) await checkCase(runner, j, next++);
  };
  try {
    await Promise.all(runners.map(work));
  } finally {
    for (const runner of runners) runner.stop();
  }
  if (seen.size >= stopAfter) console.log(`fuzz: stopped after ${seen.size} distinct problems (${failures} failing cases)`);
  const seconds = (Date.now() - started) / 1000;
  console.log(`fuzz: done, seed ${seed}, ${done} cases in ${seconds.toFixed(0)} s, ${failures} failing (${seen.size} distinct)`);
  process.exitCode = failures ? 1 : 0;
}

if (!isMainThread && (workerData as { fuzzWorker?: boolean } | null)?.fuzzWorker) {
  void workerMain();
} else if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 2;
  });
}
