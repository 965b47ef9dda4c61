// dockerfile-seguro: lints Dockerfiles from the command line with the same engine as the editor.
// Exit codes: 0 nothing at or above the threshold, 1 findings, 2 usage, configuration, read/write or internal error.
import * as fs from 'fs';
import * as path from 'path';
import { version } from '../package.json';
import { ConfigError, isIgnoredPath } from '../server/config';
import { migrateHadolint } from '../server/hadolint';
import { loadEngine } from '../server/loadEngine';
import { lint, type EngineOptions } from '../shared/engine';
import { RULES } from '../shared/rules';
import { SEVERITIES, type Locale, type Severity } from '../shared/types';
import { HELP, UsageError, parseCommand, type LintCommand } from './args';
import { unifiedDiff } from './diff';
import { findingsFail } from './exit';
import { decodeDockerfile, describeError, displayPath, findDockerfiles, portablePath, readDockerfile, type ReadResult } from './files';
import { planFixes, replaceFile, writeOther, writeProblem } from './fix';
import { FORMATTERS, colorEnabled, type FileResult } from './format';
import { listRules } from './listRules';
import { dockerignoreFor, enabledRules, optionsFor } from './options';

const NAME = 'dockerfile-seguro';

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/** One clear line on stderr; never a stack trace. */
function complain(message: string): void {
  process.stderr.write(`${NAME}: ${message}\n`);
}

/** What to lint: a file, or standard input under a name. */
interface Source {
  /** Absolute; for standard input, where its name points (used to find the config). */
  path: string;
  shown: string;
  stdin: boolean;
  /** Named on the command line: linted even when the config's ignorePaths match it. */
  explicit: boolean;
}

function sources(command: LintCommand, cwd: string, fail: (message: string) => void): Source[] {
  if (command.stdin) {
    const name = command.stdinFilename;
    const absolute = path.resolve(cwd, name ?? '<stdin>');
    return [{ path: absolute, shown: name === null ? '<stdin>' : displayPath(absolute, cwd), stdin: true, explicit: true }];
  }
  const paths = command.paths.length > 0 ? command.paths : ['.'];
  const { files, problems } = findDockerfiles(paths, cwd);
  for (const { path: where, problem } of problems) fail(`${where}: ${problem}`);
  if (files.length === 0 && problems.length === 0) process.stderr.write(`No Dockerfiles found in ${paths.join(', ')}\n`);
  return files.map((f) => ({ path: f.path, shown: displayPath(f.path, cwd), stdin: false, explicit: f.explicit }));
}

/**
 * --fix or --fix-dry-run on one source. Returns the text and options to report on (the fixed ones, or the
 * original when writing failed) and what goes to stdout (a diff, or the fixed standard input).
 */
function fix(mode: 'write' | 'dry-run', source: Source, read: { text: string; bom: boolean }, options: EngineOptions, cwd: string,
  fail: (message: string) => void): { text: string; options: EngineOptions; output: string } {
  const folder = source.stdin ? null : path.dirname(fs.realpathSync(source.path));
  const plan = planFixes(read.text, options, folder);
  const bom = read.bom ? '\uFEFF' : '';
  const fixed = { text: plan.text, options: plan.options };
  if (plan.skipped > 0) process.stderr.write(`${source.shown}: ${plan.skipped} fix(es) changing other files left out (standard input)\n`);
  if (mode === 'dry-run') {
    let diff = unifiedDiff(portablePath(source.shown), bom + read.text, bom + plan.text);
    for (const other of plan.others) diff += unifiedDiff(portablePath(displayPath(other.path, cwd)), other.before, other.after);
    return { ...fixed, output: diff };
  }
  if (source.stdin) return { ...fixed, output: bom + plan.text };
  const unchanged = { text: read.text, options, output: '' };
  if (plan.text === read.text && plan.others.length === 0) return unchanged;
  // The Dockerfile is written last, so a failure before leaves it untouched; check it first all the same.
  const problem = plan.text !== read.text ? writeProblem(fs.realpathSync(source.path)) : null;
  if (problem) {
    fail(`${source.shown}: cannot fix: ${problem} (left untouched)`);
    return unchanged;
  }
  const reread = () => ({ ...options, context: { dockerignore: dockerignoreFor(source.path) } });
  for (const other of plan.others) {
    const shown = displayPath(other.path, cwd);
    try {
      process.stderr.write(`${writeOther(other) === 'created' ? 'Created' : 'Updated'} ${shown}\n`);
    } catch (error) {
      fail(`${shown}: cannot write: ${firstLine(error)}; ${source.shown} left untouched`);
      return { ...unchanged, options: reread() };
    }
  }
  try {
    if (plan.text !== read.text) replaceFile(source.path, bom + plan.text);
  } catch (error) {
    fail(`${source.shown}: cannot fix: ${firstLine(error)} (left untouched)`);
    return { ...unchanged, options: reread() };
  }
  process.stderr.write(`Fixed ${plan.applied} problem${plan.applied === 1 ? '' : 's'} in ${source.shown}\n`);
  return { text: plan.text, options: reread(), output: '' };
}

async function lintCommand(command: LintCommand): Promise<number> {
  const cwd = process.cwd();
  let failed = false;
  const said = new Set<string>(); // fixing re-lints: a crashing rule would say so at every pass
  const fail = (message: string) => {
    if (!said.has(message)) complain(message);
    said.add(message);
    failed = true;
  };
  // --config is checked even when there is nothing to lint; discovered configs when a file needs them.
  const configFor = (file: string) => {
    try {
      return optionsFor(file, command, cwd);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // A broken config makes every result doubtful: stop, one line per problem.
      for (const problem of new Set(error.all.map((e) => e.message))) complain(problem);
      return null;
    }
  };
  if (command.configPath !== null && !configFor(path.join(cwd, 'Dockerfile'))) return 2;
  const inputs = sources(command, cwd, fail);
  if (inputs.length > 0) await loadEngine();

  const results: FileResult[] = [];
  const rulesRun = new Map<string, Severity>();
  const locales = new Set<Locale>();
  let fixOutput = '';
  for (const source of inputs) {
    const resolved = configFor(source.path);
    if (!resolved) return 2;
    if (!source.explicit && isIgnoredPath(resolved.config, source.path)) continue;

    let read: ReadResult;
    if (source.stdin) {
      try {
        read = decodeDockerfile(fs.readFileSync(0));
      } catch (error) {
        read = { problem: `cannot read standard input: ${describeError(error)}` };
      }
    } else {
      read = readDockerfile(source.path);
    }
    if ('problem' in read) {
      fail(`${source.shown}: ${read.problem}`);
      continue;
    }
    let options: EngineOptions = {
      ...resolved.options,
      ...(source.stdin ? {} : { context: { dockerignore: dockerignoreFor(source.path) } }),
      onRuleError: (ruleId, error) => fail(`${source.shown}: rule ${ruleId} crashed, its findings are missing: ${firstLine(error)}`),
    };
    let text = read.text;
    if (command.fix) {
      const fixed = fix(command.fix, source, read, options, cwd, fail);
      ({ text, options } = fixed);
      fixOutput += fixed.output;
    }
    results.push({ file: source.shown, findings: lint(text, options), text });
    for (const [id, severity] of enabledRules(options)) {
      const known = rulesRun.get(id);
      if (!known || SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(known)) rulesRun.set(id, severity);
    }
    locales.add(options.locale ?? 'en');
  }

  if (command.fix === 'dry-run' || (command.fix && command.stdin)) {
    process.stdout.write(fixOutput);
  } else {
    const locale = command.locale ?? (locales.size === 1 ? [...locales][0] : command.envLocale);
    const rules = new Map(RULES.filter((r) => rulesRun.has(r.meta.id)).map((r) => [r.meta.id, rulesRun.get(r.meta.id)!]));
    process.stdout.write(FORMATTERS[command.format](results, { color: colorEnabled(process.stdout, process.env), locale, version, rules }));
  }
  if (failed) return 2;
  return findingsFail(results.flatMap((r) => r.findings), command.threshold, command.maxWarnings) ? 1 : 0;
}

/** `--migrate-hadolint [file]`: prints the equivalent .dockerfile-seguro.yaml. */
function migrateCommand(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    complain(`${file}: ${describeError(error)}`);
    return 2;
  }
  try {
    process.stdout.write(migrateHadolint(text, file));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of new Set(error.all.map((e) => e.message))) complain(problem);
    return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    complain(`${error.message} (see ${NAME} ${error.hint})`);
    return 2;
  }
  switch (command.kind) {
    case 'help': return process.stdout.write(HELP), 0;
    case 'version': return process.stdout.write(`${version}\n`), 0;
    case 'list-rules': return process.stdout.write(listRules(command.format, command.locale)), 0;
    case 'migrate-hadolint': return migrateCommand(command.file);
    default: return lintCommand(command);
  }
}

// `dockerfile-seguro ... | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  complain(`cannot write output: ${firstLine(error)}`);
  process.exit(2);
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { complain(`internal error: ${firstLine(error)}`); process.exitCode = 2; },
);
