// Command-line arguments: what to lint, in which format and language. Pure (no I/O) so it is easy to test.
import { parseArgs } from 'node:util';
import type { Locale } from '../shared/types';
import { FORMATS, type FormatName } from './format';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'lint'; format: FormatName; locale: Locale; paths: string[] };

/** A mistake in the command line: reported on one line, exit code 2. */
export class UsageError extends Error {}

const LOCALES: readonly Locale[] = ['en', 'es'];

export const HELP = `Usage: dockerfile-seguro [options] [files or folders...]

Checks Dockerfiles and Containerfiles against the "Docker Seguro" guide.
Folders are searched recursively for Dockerfile, Containerfile, *.Dockerfile,
*.dockerfile, Dockerfile.* and Containerfile.* (node_modules and .git are skipped).
With no paths, the current folder is checked.

Options:
  -f, --format <format>  Output format: ${FORMATS.join(', ')} (default: text)
      --lang <lang>      Language of the messages: ${LOCALES.join(', ')}
                         (default: es when LC_ALL, LC_MESSAGES or LANG starts with "es", else en)
  -h, --help             Show this help
  -v, --version          Show the version

Exit codes: 0 no problems, 1 problems found, 2 usage or read error.

Examples:
  dockerfile-seguro                          Check every Dockerfile under the current folder
  dockerfile-seguro Dockerfile api/          Check one file and one folder
  dockerfile-seguro --format json . > out.json
  dockerfile-seguro --lang es Containerfile  Messages in Spanish
`;

/** Language from the usual POSIX variables, in their order of precedence: the first one set decides. */
export function localeFromEnv(env: NodeJS.ProcessEnv): Locale {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return value.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function choice<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid value '${value}' for --${option} (expected ${allowed.join(' or ')})`);
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
  return {
    kind: 'lint',
    format: choice('format', values.format, FORMATS, 'text'),
    locale: choice('lang', values.lang, LOCALES, localeFromEnv(env)),
    paths: positionals,
  };
}
