// Command-line arguments: what to lint, how to report it, when to fail. Pure (no I/O) so it is easy to test.
import { parseArgs } from 'node:util';
import { RULES_BY_ID } from '../shared/rules';
import { SEVERITIES, type Locale, type Severity, type SeveritySetting } from '../shared/types';
import { FORMATS, type FormatName } from './format';

export interface LintCommand {
  kind: 'lint';
  format: FormatName;
  /** --lang, or null: then the config's language, else the environment's (`envLocale`). */
  locale: Locale | null;
  envLocale: Locale;
  /** Files, folders or globs; empty = the current folder. */
  paths: string[];
  /** --stdin: lint standard input; `stdinFilename` names it in reports and for config discovery. */
  stdin: boolean;
  stdinFilename: string | null;
  /** --fix writes the safe fixes, --fix-dry-run prints them as a unified diff. */
  fix: 'write' | 'dry-run' | null;
  /** Findings at or above this severity make the exit code 1. */
  threshold: Severity;
  /** --max-warnings N: warnings fail the run only when there are more than N of them. */
  maxWarnings: number | null;
  /** --rule id=level, over the config. */
  rules: Record<string, SeveritySetting>;
  /** --only: every other rule is off. */
  only: string[] | null;
  configPath: string | null;
  noConfig: boolean;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'list-rules'; format: 'text' | 'json'; locale: Locale }
  | { kind: 'migrate-hadolint'; file: string }
  | LintCommand;

/** A mistake in the command line: reported on one line with where to look (`hint`), exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint = '--help') {
    super(message);
  }
}

const LOCALES: readonly Locale[] = ['en', 'es'];
const LEVELS: readonly SeveritySetting[] = ['off', ...SEVERITIES];

export const HELP = `Usage: dockerfile-seguro [options] [files, folders or globs...]

Checks Dockerfiles and Containerfiles against the "Docker Seguro" guide.
Folders are searched recursively for Dockerfile, Containerfile, *.Dockerfile,
*.dockerfile, Dockerfile.* and Containerfile.*, honouring .gitignore files
(node_modules and .git are skipped). Quoted globs are expanded ('services/**/Dockerfile').
With no paths, the current folder is checked.

Output:
  -f, --format <format>        ${FORMATS.join(', ')} (default: text)
                               sarif: SARIF 2.1.0 for GitHub code scanning and other viewers
                               github: GitHub Actions annotations (::warning file=...)
                               checkstyle: XML for Jenkins (Warnings NG) and other Checkstyle readers
      --lang <lang>            Language of the messages: ${LOCALES.join(', ')} (default: the config's
                               "locale", else es when LC_ALL, LC_MESSAGES or LANG starts with "es", else en)

Rules and configuration:
      --rule <id=level>        Set a rule's level: ${LEVELS.join(', ')} (repeatable; wins over the config)
      --only <id[,id...]>      Run only these rules (repeatable)
      --config <path>          Use this config file instead of looking for one
      --no-config              Ignore config files
      --list-rules             List the rules (with --format json: as JSON) and exit
      --migrate-hadolint [f]   Print the .dockerfile-seguro.yaml equivalent of a hadolint config
                               (default: .hadolint.yaml) and exit

Fixing:
      --fix                    Apply the safe fixes in place, then report what is left
      --fix-dry-run            Print the changes --fix would make as a unified diff; change nothing
                               (the exit status is the one --fix would give)

Standard input:
      --stdin                  Lint standard input (with --fix: print the fixed text)
      --stdin-filename <name>  Name of the standard input in reports and for finding the config

Exit status:
      --severity-threshold <s> Exit 1 only for findings at or above ${SEVERITIES.join(', ')} (default: hint)
      --max-warnings <n>       Warnings fail the run only when there are more than n of them

  -h, --help                   Show this help
  -v, --version                Show the version

Exit codes: 0 nothing at or above the threshold, 1 findings, 2 usage, configuration or file error.

Examples:
  dockerfile-seguro                              Check every Dockerfile under the current folder
  dockerfile-seguro Dockerfile 'services/**/Dockerfile'
  dockerfile-seguro --severity-threshold error   In CI: fail only on errors
  dockerfile-seguro --format github              In GitHub Actions: annotations on the pull request
  dockerfile-seguro --format sarif > dockerfile-seguro.sarif || true
      then upload with github/codeql-action/upload-sarif (sarif_file: dockerfile-seguro.sarif)
  dockerfile-seguro --format checkstyle > checkstyle-result.xml    Jenkins (Warnings NG)
  dockerfile-seguro --fix-dry-run                Show the safe fixes as a diff
  dockerfile-seguro --fix                        Apply them
  dockerfile-seguro --stdin < Dockerfile         Like the guide's hadolint example (4.6)
  dockerfile-seguro --only user-root,prefer-copy --rule user-root=error .
  dockerfile-seguro --lang es Containerfile      Messages in Spanish
`;

/** Language from the usual POSIX variables, in their order of precedence: the first one set decides. */
export function localeFromEnv(env: NodeJS.ProcessEnv): Locale {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return value.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function choice<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid value '${value}' for --${option} (expected ${allowed.join(' or ')})`);
}

function knownRule(id: string, option: string): string {
  if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule '${id}' in --${option}`, '--list-rules');
  return id;
}

/** `--rule id=level`, repeatable; the last one for a rule wins. */
function ruleSettings(values: string[]): Record<string, SeveritySetting> {
  const rules: Record<string, SeveritySetting> = {};
  for (const value of values) {
    const match = /^([^=]+)=(.*)$/.exec(value);
    if (!match) throw new UsageError(`invalid value '${value}' for --rule (expected id=level)`);
    const level = choice('rule', match[2].trim(), LEVELS)!;
    rules[knownRule(match[1].trim(), 'rule')] = level;
  }
  return rules;
}

function onlyRules(values: string[]): string[] | null {
  if (values.length === 0) return null;
  const ids = values.flatMap((v) => v.split(',')).map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError("option '--only' needs at least one rule id");
  return [...new Set(ids.map((id) => knownRule(id, 'only')))];
}

function maxWarnings(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid value '${value}' for --max-warnings (expected a whole number)`);
  return Number(value);
}

/** Turns parseArgs' long explanations into a short message naming the option. */
function usageMessage(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted; // "-f, --format <value>" → "--format"
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message) ? `option '${option}' needs a value` : `option '${option}' does not take a value`;
    default: return error.message.split('\n')[0];
  }
}

function conflict(a: string, b: string): never {
  throw new UsageError(`options '${a}' and '${b}' cannot be used together`);
}

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        lang: { type: 'string' },
        rule: { type: 'string', multiple: true, default: [] },
        only: { type: 'string', multiple: true, default: [] },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        'list-rules': { type: 'boolean' },
        'migrate-hadolint': { type: 'boolean' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        stdin: { type: 'boolean' },
        'stdin-filename': { type: 'string' },
        'severity-threshold': { type: 'string' },
        'max-warnings': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const format = choice('format', values.format, FORMATS) ?? 'text';
  const explicitLocale = choice('lang', values.lang, LOCALES) ?? null;
  const envLocale = localeFromEnv(env);
  if (values['migrate-hadolint']) {
    if (positionals.length > 1) throw new UsageError('--migrate-hadolint takes one hadolint config file');
    return { kind: 'migrate-hadolint', file: positionals[0] ?? '.hadolint.yaml' };
  }
  if (values['list-rules']) {
    if (format !== 'text' && format !== 'json') throw new UsageError(`--list-rules prints text or json, not ${format}`);
    return { kind: 'list-rules', format, locale: explicitLocale ?? envLocale };
  }
  if (values.fix && values['fix-dry-run']) conflict('--fix', '--fix-dry-run');
  if (values.config !== undefined && values['no-config']) conflict('--config', '--no-config');
  if (values.stdin && positionals.length > 0) throw new UsageError(`--stdin lints standard input: remove the path '${positionals[0]}'`);
  if (!values.stdin && values['stdin-filename'] !== undefined) throw new UsageError("option '--stdin-filename' needs --stdin");
  return {
    kind: 'lint',
    format,
    locale: explicitLocale,
    envLocale,
    paths: positionals,
    stdin: values.stdin ?? false,
    stdinFilename: values['stdin-filename'] ?? null,
    fix: values.fix ? 'write' : values['fix-dry-run'] ? 'dry-run' : null,
    threshold: choice('severity-threshold', values['severity-threshold'], SEVERITIES) ?? 'hint',
    maxWarnings: maxWarnings(values['max-warnings']),
    rules: ruleSettings(values.rule),
    only: onlyRules(values.only),
    configPath: values.config ?? null,
    noConfig: values['no-config'] ?? false,
  };
}
