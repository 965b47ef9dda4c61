// dockerfile-seguro: lints Dockerfiles from the command line with the same engine as the editor.
// Exit codes: 0 no findings, 1 findings, 2 usage, read or internal error.
import { version } from '../package.json';
import { loadEngine } from '../server/loadEngine';
import { lint } from '../shared/engine';
import { HELP, UsageError, parseCommand } from './args';
import { displayPath, findDockerfiles, readDockerfile } from './files';
import { FORMATTERS, colorEnabled, type FileResult } from './format';

const NAME = 'dockerfile-seguro';

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/** One clear line on stderr; never a stack trace. */
function complain(message: string): void {
  process.stderr.write(`${NAME}: ${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    complain(`${error.message} (see ${NAME} --help)`);
    return 2;
  }
  if (command.kind === 'help') return process.stdout.write(HELP), 0;
  if (command.kind === 'version') return process.stdout.write(`${version}\n`), 0;

  const cwd = process.cwd();
  const paths = command.paths.length > 0 ? command.paths : ['.'];
  const { files, problems } = findDockerfiles(paths, cwd);
  let failed = problems.length > 0;
  for (const { path, problem } of problems) complain(`${path}: ${problem}`);
  if (files.length === 0 && !failed) process.stderr.write(`No Dockerfiles found in ${paths.join(', ')}\n`);

  const results: FileResult[] = [];
  if (files.length > 0) await loadEngine();
  for (const file of files) {
    const shown = displayPath(file, cwd);
    const read = readDockerfile(file);
    if ('problem' in read) {
      complain(`${shown}: ${read.problem}`);
      failed = true;
      continue;
    }
    const onRuleError = (ruleId: string, error: unknown) => {
      complain(`${shown}: rule ${ruleId} crashed, its findings are missing: ${firstLine(error)}`);
      failed = true;
    };
    results.push({ file: shown, findings: lint(read.text, { locale: command.locale, onRuleError }) });
  }

  process.stdout.write(FORMATTERS[command.format](results, { color: colorEnabled(process.stdout, process.env) }));
  if (failed) return 2;
  return results.some((r) => r.findings.length > 0) ? 1 : 0;
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
